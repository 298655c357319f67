#include "db/copy.h"

#include <cstdio>
#include <filesystem>
#include <set>

#include "db/migrations.h"
#include "db/sqlite/sqlite_database.h"

namespace ck::db {
namespace {

Status CheckIdentifier(const std::string& name) {
  if (name.empty() || name.size() > 63) return InvalidArgument("bad table name", "table");
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return InvalidArgument("bad table name " + name, "table");
  }
  return Status::Ok();
}

// FNV-1a, 64 bits: detects any difference a copy could introduce.
void Mix(uint64_t& h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
}

void MixValue(uint64_t& h, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
      Mix(h, std::string_view("\x01N", 2));
      break;
    case Value::Type::kInt:
      Mix(h, "I" + std::to_string(v.AsInt()));
      break;
    case Value::Type::kReal: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "R%.17g", v.AsReal());
      Mix(h, buf);
      break;
    }
    case Value::Type::kText:
      Mix(h, "T" + std::to_string(v.AsText().size()) + ":");
      Mix(h, v.AsText());
      break;
  }
  Mix(h, std::string_view("\x00", 1));
}

Result<TableDigest> DigestIn(Connection& c, const std::string& table) {
  CK_RETURN_IF_ERROR(CheckIdentifier(table));
  TableDigest d{table, 0, {}};
  // Each row hashed alone and the hashes summed: the digest does not depend on
  // the order rows come in (ties in a key's first column, and text collations,
  // order differently in SQLite and PostgreSQL).
  uint64_t h = 0;
  CK_RETURN_IF_ERROR(c.ForEachRow("SELECT * FROM " + table, {}, [&](const Row& r) {
    ++d.rows;
    uint64_t row = 14695981039346656037ull;
    for (size_t i = 0; i < r.size(); ++i) MixValue(row, r.at(i));
    h += row;
    return Status::Ok();
  }));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  d.checksum = hex;
  return d;
}

Result<std::vector<std::string>> TablesIn(Connection& c) {
  std::string sql =
      c.backend() == Backend::kSqlite
          ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY rowid"
          : "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.oid";
  std::vector<std::string> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(sql, {}, [&](const Row& r) {
    if (r.Text(0) != "schema_migrations") out.push_back(r.Text(0));
    return Status::Ok();
  }));
  return out;
}

// Columns of `table` whose foreign key points at a table copied after it
// (ALTER-added references such as tasks.appointment_id make cycles, so no
// table order satisfies every key): copied as NULL, then set once all rows exist.
Result<std::set<std::string>> ForwardReferences(Connection& c, const std::string& table,
                                                const std::vector<std::string>& later) {
  std::string sql =
      c.backend() == Backend::kSqlite
          ? "SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?)"
          : "SELECT a.attname, f.relname FROM pg_constraint k JOIN pg_class t ON t.oid = "
            "k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_class f ON f.oid = "
            "k.confrelid JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = "
            "ANY(k.conkey) WHERE k.contype = 'f' AND t.relname = ? AND n.nspname = "
            "current_schema()";
  std::set<std::string> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(sql, {table}, [&](const Row& r) {
    if (std::find(later.begin(), later.end(), r.Text(1)) != later.end()) out.insert(r.Text(0));
    return Status::Ok();
  }));
  return out;
}

}  // namespace

Result<std::vector<std::string>> ListTables(Database& db) {
  std::vector<std::string> out;
  CK_RETURN_IF_ERROR(db.Read([&](Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, TablesIn(c));
    return Status::Ok();
  }));
  return out;
}

Result<TableDigest> DigestTable(Database& db, const std::string& table) {
  TableDigest d;
  CK_RETURN_IF_ERROR(db.Read([&](Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(d, DigestIn(c, table));
    return Status::Ok();
  }));
  return d;
}

Result<CopyReport> CopyDatabase(Database& from, Database& to) {
  CK_ASSIGN_OR_RETURN(int from_version, SchemaVersion(from));
  CK_ASSIGN_OR_RETURN(int to_version, SchemaVersion(to));
  if (from_version != to_version) {
    return FailedPrecondition("schema versions differ: source " + std::to_string(from_version) +
                              ", target " + std::to_string(to_version));
  }
  CK_ASSIGN_OR_RETURN(auto tables, ListTables(from));
  CK_ASSIGN_OR_RETURN(auto target_tables, ListTables(to));
  if (tables.size() != target_tables.size())
    return FailedPrecondition("source and target have different tables");

  CopyReport report;
  std::vector<TableDigest> source_digests;
  CK_RETURN_IF_ERROR(to.Write([&](Connection& tc) -> Status {
    // Any use of a deployment leaves users and audit records; a target without
    // them holds only what its migrations seeded (reference data), which the
    // source's copy replaces.
    for (const char* t : {"users", "patients", "audit_log"}) {
      CK_ASSIGN_OR_RETURN(auto n, tc.Query(std::string("SELECT COUNT(*) FROM ") + t));
      if (n.at(0).Int(0) > 0)
        return FailedPrecondition(std::string("target table ") + t +
                                  " is not empty; copy into a new database");
    }
    for (auto it = tables.rbegin(); it != tables.rend(); ++it) {
      CK_RETURN_IF_ERROR(CheckIdentifier(*it));
      CK_RETURN_IF_ERROR(tc.Exec("DELETE FROM " + *it).status());
    }
    return from.Read([&](Connection& fc) -> Status {
      // Digests come from the same snapshot as the rows, so a live source verifies.
      source_digests.clear();
      struct Deferred {
        std::string table, column;
        Value id, value;
      };
      std::vector<Deferred> deferred;
      for (size_t ti = 0; ti < tables.size(); ++ti) {
        const std::string& t = tables[ti];
        CK_ASSIGN_OR_RETURN(
            auto forward,
            ForwardReferences(tc, t,
                              std::vector<std::string>(tables.begin() + ti + 1, tables.end())));
        CK_ASSIGN_OR_RETURN(TableDigest digest, DigestIn(fc, t));
        source_digests.push_back(std::move(digest));
        CK_ASSIGN_OR_RETURN(auto probe, fc.Query("SELECT * FROM " + t + " WHERE 1 = 0"));
        const auto& cols = probe.columns();
        std::string insert = "INSERT INTO " + t + " (";
        std::string marks;
        for (size_t i = 0; i < cols.size(); ++i) {
          CK_RETURN_IF_ERROR(CheckIdentifier(cols[i]));
          insert += (i ? ", " : "") + cols[i];
          marks += i ? ", ?" : "?";
        }
        insert += ") VALUES (" + marks + ")";
        auto id_col = std::find(cols.begin(), cols.end(), "id");
        if (!forward.empty() && id_col == cols.end())
          return Internal("table " + t + " has a forward reference but no id column");
        size_t id_index = static_cast<size_t>(id_col - cols.begin());
        CK_RETURN_IF_ERROR(
            fc.ForEachRow("SELECT * FROM " + t + " ORDER BY 1", {}, [&](const Row& r) {
              Params p;
              p.reserve(r.size());
              for (size_t i = 0; i < r.size(); ++i) {
                if (forward.count(cols[i]) && !r.IsNull(i)) {
                  deferred.push_back({t, cols[i], r.at(id_index), r.at(i)});
                  p.push_back(Value());
                } else {
                  p.push_back(r.at(i));
                }
              }
              return tc.Exec(insert, p).status();
            }));
        if (tc.backend() == Backend::kPostgres &&
            std::find(cols.begin(), cols.end(), "id") != cols.end()) {
          // Explicit ids do not advance an identity column's sequence; move it past them.
          CK_RETURN_IF_ERROR(tc.Query("SELECT setval(s, m) FROM (SELECT pg_get_serial_sequence('" +
                                      t + "', 'id') AS s, (SELECT MAX(id) FROM " + t +
                                      ") AS m) x WHERE s IS NOT NULL AND m IS NOT NULL")
                                 .status());
        }
      }
      for (const Deferred& d : deferred)
        CK_RETURN_IF_ERROR(
            tc.Exec("UPDATE " + d.table + " SET " + d.column + " = ? WHERE id = ?", {d.value, d.id})
                .status());
      return Status::Ok();
    });
  }));
  report.verified = true;
  for (size_t i = 0; i < tables.size(); ++i) {
    CK_ASSIGN_OR_RETURN(TableDigest d, DigestTable(to, tables[i]));
    const TableDigest& s = source_digests.at(i);
    report.verified &= s.rows == d.rows && s.checksum == d.checksum;
    report.tables.push_back({tables[i], s, d});
  }
  return report;
}

Status CopyToNewSqlite(Database& source, const std::string& path) {
  CK_ASSIGN_OR_RETURN(int version, SchemaVersion(source));
  std::string tmp = path + ".partial";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(tmp + suffix);
  Status st;
  {
    Database::Options o;
    o.path = tmp;
    o.readers = 1;
    auto target = OpenSqlite(o);
    if (!target.ok()) return target.status();
    std::vector<Migration> upto;
    for (const Migration& m : BuiltinMigrations()) {
      if (m.version <= version) upto.push_back(m);
    }
    st = Migrate(**target, upto, nullptr);
    if (st.ok()) {
      auto report = CopyDatabase(source, **target);
      if (!report.ok()) {
        st = report.status();
      } else if (!report->verified) {
        st = DataLoss("the copy does not match its source");
      }
    }
    (*target)->Close();
  }
  if (st.ok() && std::rename(tmp.c_str(), path.c_str()) != 0)
    st = Unavailable("cannot move the copy into place at " + path);
  if (!st.ok()) std::filesystem::remove(tmp);
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(tmp + suffix);
  return st;
}

}  // namespace ck::db
