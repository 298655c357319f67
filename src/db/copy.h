// Moving a deployment between stores: copy every table of one database into
// another of the same schema version, then prove it by row counts and
// checksums per table, computed the same way on both sides.
//
//   CK_ASSIGN_OR_RETURN(CopyReport r, CopyDatabase(*sqlite, *postgres));
//   if (!r.verified) ...
#pragma once

#include <string>
#include <vector>

#include "db/database.h"

namespace ck::db {

struct TableDigest {
  std::string table;
  int64_t rows = 0;
  std::string checksum;  // 16 hex digits over every row in primary-key order
};

struct CopyReport {
  struct Table {
    std::string table;
    TableDigest source;
    TableDigest target;
  };
  std::vector<Table> tables;
  bool verified = false;  // every table's count and checksum match
};

// The application tables of `db` in creation order (referenced tables first),
// without schema_migrations.
Result<std::vector<std::string>> ListTables(Database& db);

// Count and checksum of one table, inside one snapshot.
Result<TableDigest> DigestTable(Database& db, const std::string& table);

// Copies everything from `from` into `to` in one transaction of `to`.
// FailedPrecondition when the schema versions differ or `to` already holds data.
Result<CopyReport> CopyDatabase(Database& from, Database& to);

// Opens (and creates) a database of the same schema version as `source` at
// `path` and copies `source` into it: a consistent snapshot in another store.
Status CopyToNewSqlite(Database& source, const std::string& path);

}  // namespace ck::db
