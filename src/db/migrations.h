// Numbered schema migrations, embedded in the binary from
// src/db/migrations/NNNN_name.sql and applied in order, each in its own
// transaction together with its row in schema_migrations.
//
//   std::vector<int> applied;
//   CK_RETURN_IF_ERROR(db::Migrate(db, db::BuiltinMigrations(), &applied));
//
// Migration SQL is portable except for a few placeholders rendered per backend:
//   {{ID}}        an auto-assigned BIGINT primary key column type
//   {{BLOB}}      binary data (BLOB / BYTEA)
// and blocks that only one backend runs, delimited by lines
//   -- sqlite-only        ... -- end
//   -- postgres-only      ... -- end
#pragma once

#include <string>
#include <vector>

#include "db/database.h"

namespace ck::db {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// The migrations compiled into this binary, ordered by version.
const std::vector<Migration>& BuiltinMigrations();

// The SQL of `m` rendered for `backend`.
std::string RenderMigration(const std::string& sql, Backend backend);

// Applies the migrations of `all` not yet recorded, in order; appends the
// versions applied to `applied` (if given). FailedPrecondition when the database
// records a version this binary does not know (a newer casekeeper wrote it).
// A failing migration rolls back alone; the ones before it stay applied.
Status Migrate(Database& db, const std::vector<Migration>& all, std::vector<int>* applied);

// The highest applied version, 0 for an empty database.
Result<int> SchemaVersion(Database& db);

}  // namespace ck::db
