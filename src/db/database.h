// Database: the one storage interface, implemented by SQLite (embedded default)
// and PostgreSQL (scale-out). Domain code sees only this header.
//
//   CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
//     CK_ASSIGN_OR_RETURN(auto rows, c.Query(
//         "INSERT INTO teams (name, created_at) VALUES (?, ?) RETURNING id", {name, now}));
//     id = rows.at(0).Int(0);
//     return Status::Ok();
//   }));
//
// SQL uses `?` placeholders and only bound parameters: never build SQL from
// input. Write portable SQL (see docs/storage_schema.md): BIGINT for ids and UTC
// millisecond times, TEXT for strings and dates, INTEGER 0/1 for flags,
// INSERT ... RETURNING for new ids, no backend-only functions.
//
// Transactions: Write() runs its function in one read-write transaction and
// Read() in one read-only snapshot; a non-OK Status from the function (or any
// statement error) rolls the transaction back. Write() calls are serialised (the
// SQLite single-writer rule); Read() calls run concurrently on a reader pool.
// Neither may be called from inside the other's function on the same thread.
// A Write() function may run again after a retryable failure (PostgreSQL
// serialisation failures, a lost connection), each time in a fresh transaction:
// it must assign its results, not append to them. A Read() function runs once
// (a read that fails after it began is returned, not retried).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ck::db {

enum class Backend { kSqlite, kPostgres };

// A bound parameter or a column value.
class Value {
 public:
  enum class Type { kNull, kInt, kReal, kText };

  Value() = default;
  Value(std::nullptr_t) {}                                           // NOLINT
  Value(int v) : type_(Type::kInt), int_(v) {}                       // NOLINT
  Value(int64_t v) : type_(Type::kInt), int_(v) {}                   // NOLINT
  Value(bool v) : type_(Type::kInt), int_(v ? 1 : 0) {}              // NOLINT
  Value(double v) : type_(Type::kReal), real_(v) {}                  // NOLINT
  Value(std::string v) : type_(Type::kText), text_(std::move(v)) {}  // NOLINT
  Value(std::string_view v) : type_(Type::kText), text_(v) {}        // NOLINT
  Value(const char* v) : type_(Type::kText), text_(v) {}             // NOLINT
  template <typename T>
  Value(const std::optional<T>& v) : Value(v ? Value(*v) : Value()) {}  // NOLINT

  // In-place setters: a backend refills one Row per streamed result row, and
  // text keeps its buffer, so large scans do not allocate per row.
  void SetNull() { type_ = Type::kNull; }
  void SetInt(int64_t v) { type_ = Type::kInt, int_ = v; }
  void SetReal(double v) { type_ = Type::kReal, real_ = v; }
  void SetText(std::string_view v) { type_ = Type::kText, text_.assign(v.data(), v.size()); }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  int64_t AsInt() const { return type_ == Type::kReal ? static_cast<int64_t>(real_) : int_; }
  double AsReal() const { return type_ == Type::kInt ? static_cast<double>(int_) : real_; }
  const std::string& AsText() const { return text_; }

 private:
  Type type_ = Type::kNull;
  int64_t int_ = 0;
  double real_ = 0;
  std::string text_;
};

using Params = std::vector<Value>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return values_.at(i).is_null(); }
  int64_t Int(size_t i) const { return values_.at(i).AsInt(); }
  double Real(size_t i) const { return values_.at(i).AsReal(); }
  const std::string& Text(size_t i) const { return values_.at(i).AsText(); }
  std::optional<int64_t> OptInt(size_t i) const {
    return IsNull(i) ? std::nullopt : std::optional<int64_t>(Int(i));
  }
  std::optional<std::string> OptText(size_t i) const {
    return IsNull(i) ? std::nullopt : std::optional<std::string>(Text(i));
  }
  const Value& at(size_t i) const { return values_.at(i); }
  // For backends refilling a row in place.
  void Resize(size_t n) { values_.resize(n); }
  Value& mutable_at(size_t i) { return values_[i]; }

 private:
  std::vector<Value> values_;
};

// A materialised result. Use ForEachRow for results too large to hold.
class Rows {
 public:
  Rows() = default;
  Rows(std::vector<std::string> columns, std::vector<Row> rows)
      : columns_(std::move(columns)), rows_(std::move(rows)) {}
  bool empty() const { return rows_.empty(); }
  size_t size() const { return rows_.size(); }
  const Row& at(size_t i) const { return rows_.at(i); }
  const std::vector<std::string>& columns() const { return columns_; }
  auto begin() const { return rows_.begin(); }
  auto end() const { return rows_.end(); }

 private:
  std::vector<std::string> columns_;
  std::vector<Row> rows_;
};

// One connection inside a transaction. Not thread-safe; valid only inside the
// Read()/Write() function that received it.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;

  // Runs one statement and returns all its rows (empty for statements without).
  // Constraint violations come back as AlreadyExists (unique) or
  // FailedPrecondition (foreign key, check, not null); other failures Internal.
  virtual Result<Rows> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs one statement; returns the number of rows changed.
  virtual Result<int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
  // Streams rows to `fn`; a non-OK Status from fn stops and is returned.
  virtual Status ForEachRow(std::string_view sql, const Params& params,
                            const std::function<Status(const Row&)>& fn) = 0;
  // Runs several ;-separated statements without parameters (migrations only).
  virtual Status ExecScript(std::string_view sql) = 0;
};

class Database {
 public:
  struct Options {
    std::string path;  // SQLite file path
    int readers = 4;   // reader pool size
    int busy_timeout_ms = 5000;
    bool synchronous_full = false;  // SQLite: fsync every commit (else at checkpoints)
    bool migrate = true;            // apply pending migrations on open
    bool create = true;             // create the file if missing
  };

  virtual ~Database() = default;
  virtual Backend backend() const = 0;

  virtual Status Read(const std::function<Status(Connection&)>& fn) = 0;
  virtual Status Write(const std::function<Status(Connection&)>& fn) = 0;
  // A read-only snapshot for batch work that streams whole tables
  // (stratification, reports). SQLite runs it on memory-mapped connections of
  // its own (at most two at a time), so large scans neither copy every page nor
  // slow the pooled readers; PostgreSQL runs Read().
  virtual Status Scan(const std::function<Status(Connection&)>& fn) { return Read(fn); }

  // A consistent copy of the whole database to `out_path` while others keep
  // working (SQLite: the online backup API). The file appears only when complete.
  virtual Status Backup(const std::string& out_path) = 0;

  // Flushes and closes every connection; later calls fail with Unavailable.
  virtual void Close() = 0;
};

// Opens the database named by options.path (a postgresql:// URL selects the
// PostgreSQL backend, anything else is a SQLite file) and, unless options.migrate is false,
// applies pending migrations. FailedPrecondition if the schema is newer than
// this binary; Unavailable if the file cannot be opened.
Result<std::unique_ptr<Database>> OpenDatabase(const Database::Options& options);

// Whether `path` names a PostgreSQL database (postgresql:// or postgres://).
bool IsPostgresUrl(std::string_view path);

}  // namespace ck::db
