// The PostgreSQL backend of db::Database on libpq (the only place that
// includes <libpq-fe.h>). Prefer db::OpenDatabase with a postgresql:// URL.
//
// Connections come from a pool. Read() runs in a REPEATABLE READ READ ONLY
// transaction (one snapshot). Write() runs in READ COMMITTED after taking a
// transaction-scoped advisory lock that every casekeeper process shares, so
// writes are serialised exactly as with SQLite's single writer: domain code
// written for one backend behaves the same on the other, and the hash-chained
// audit trail (a single chain) never sees two appenders. Serialization failures
// and deadlocks (SQLSTATE 40001, 40P01) are retried; lost connections are reset.
#pragma once

#include <memory>

#include "db/database.h"

namespace ck::db {

Result<std::unique_ptr<Database>> OpenPostgres(const Database::Options& options);

// `?` placeholders → `$1, $2, ...`, leaving quoted strings, quoted identifiers
// and comments alone. Exposed for tests.
std::string RewritePlaceholders(std::string_view sql);

}  // namespace ck::db
