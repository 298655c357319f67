// The SQLite backend of db::Database: WAL journal, foreign keys on, a busy
// timeout, one writer connection behind a mutex (SQLite allows one writer at a
// time; serialising here avoids SQLITE_BUSY storms) and a pool of read-only
// connections. Prefer db::OpenDatabase; this header is for tests and tools.
#pragma once

#include <memory>

#include "db/database.h"

namespace ck::db {

// Opens (creating if allowed) the SQLite file without running migrations.
Result<std::unique_ptr<Database>> OpenSqlite(const Database::Options& options);

}  // namespace ck::db
