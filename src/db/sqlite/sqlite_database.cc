#include "db/sqlite/sqlite_database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "core/thread_annotations.h"
#include "db/internal/group_commit.h"
#include "db/internal/guarded_call.h"

namespace ck::db {
namespace {

Status ErrorFrom(sqlite3* h, int rc, std::string_view context) {
  int ext = sqlite3_extended_errcode(h);
  std::string msg = std::string(context) + ": " + sqlite3_errmsg(h);
  switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return AlreadyExists(msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_TRIGGER:
      return FailedPrecondition(msg);
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLoss(msg);
    case SQLITE_FULL:
      return ResourceExhausted(msg);
    default:
      return Internal(msg);
  }
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* h) : h_(h) {}
  ~SqliteConnection() override {
    for (auto& [_, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(h_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Backend backend() const override { return Backend::kSqlite; }
  sqlite3* handle() { return h_; }

  Result<Rows> Query(std::string_view sql, const Params& params) override {
    std::vector<std::string> columns;
    std::vector<Row> rows;
    CK_ASSIGN_OR_RETURN(sqlite3_stmt * prepared, Prepare(sql));
    for (int i = 0, n = sqlite3_column_count(prepared); i < n; ++i)
      columns.emplace_back(sqlite3_column_name(prepared, i));
    Status st = Run(sql, params, [&](sqlite3_stmt* stmt) {
      rows.push_back(ReadRow(stmt));
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return Rows(std::move(columns), std::move(rows));
  }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    CK_RETURN_IF_ERROR(Run(sql, params, [](sqlite3_stmt*) { return Status::Ok(); }));
    return static_cast<int64_t>(sqlite3_changes64(h_));
  }

  Status ForEachRow(std::string_view sql, const Params& params,
                    const std::function<Status(const Row&)>& fn) override {
    Row row({});
    return Run(sql, params, [&](sqlite3_stmt* stmt) {
      FillRow(stmt, row);
      return fn(row);
    });
  }

  Status ExecScript(std::string_view sql) override {
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(h_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      Status st = ErrorFrom(h_, rc, "script");
      sqlite3_free(err);
      return st;
    }
    return Status::Ok();
  }

  // Runs a statement that must succeed (PRAGMA, BEGIN, COMMIT).
  Status Simple(const char* sql) {
    int rc = sqlite3_exec(h_, sql, nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status::Ok() : ErrorFrom(h_, rc, sql);
  }

 private:
  static void FillRow(sqlite3_stmt* stmt, Row& row) {
    int n = sqlite3_column_count(stmt);
    row.Resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      Value& v = row.mutable_at(static_cast<size_t>(i));
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
          v.SetInt(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
          break;
        case SQLITE_FLOAT:
          v.SetReal(sqlite3_column_double(stmt, i));
          break;
        case SQLITE_NULL:
          v.SetNull();
          break;
        default: {
          const char* p = reinterpret_cast<const char*>(sqlite3_column_blob(stmt, i));
          int len = sqlite3_column_bytes(stmt, i);
          v.SetText(std::string_view(p ? p : "", static_cast<size_t>(len)));
        }
      }
    }
  }

  static Row ReadRow(sqlite3_stmt* stmt) {
    int n = sqlite3_column_count(stmt);
    std::vector<Value> values;
    values.reserve(n);
    for (int i = 0; i < n; ++i) {
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
          values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
          break;
        case SQLITE_FLOAT:
          values.emplace_back(sqlite3_column_double(stmt, i));
          break;
        case SQLITE_NULL:
          values.emplace_back();
          break;
        default: {
          const char* p = reinterpret_cast<const char*>(sqlite3_column_blob(stmt, i));
          int len = sqlite3_column_bytes(stmt, i);
          values.emplace_back(std::string(p ? p : "", static_cast<size_t>(len)));
        }
      }
    }
    return Row(std::move(values));
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    std::string key(sql);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(h_, key.data(), static_cast<int>(key.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return ErrorFrom(h_, rc, "prepare");
    if (!stmt) return InvalidArgument("empty SQL statement");
    if (tail && *tail) {
      std::string_view rest(tail);
      if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
        sqlite3_finalize(stmt);
        return Internal("one statement per Query/Exec call");
      }
    }
    cache_.emplace(std::move(key), stmt);
    return stmt;
  }

  template <typename OnRow>
  Status Run(std::string_view sql, const Params& params, OnRow&& on_row) {
    CK_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return Internal("statement expects " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                      " parameters, got " + std::to_string(params.size()));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const Value& v = params[i];
      int rc = SQLITE_OK;
      switch (v.type()) {
        case Value::Type::kNull:
          rc = sqlite3_bind_null(stmt, idx);
          break;
        case Value::Type::kInt:
          rc = sqlite3_bind_int64(stmt, idx, v.AsInt());
          break;
        case Value::Type::kReal:
          rc = sqlite3_bind_double(stmt, idx, v.AsReal());
          break;
        case Value::Type::kText:
          rc = sqlite3_bind_text64(stmt, idx, v.AsText().data(), v.AsText().size(), SQLITE_STATIC,
                                   SQLITE_UTF8);
          break;
      }
      if (rc != SQLITE_OK) return ErrorFrom(h_, rc, "bind");
    }
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return Status::Ok();
      if (rc != SQLITE_ROW) return ErrorFrom(h_, rc, "step");
      CK_RETURN_IF_ERROR(on_row(stmt));
    }
  }

  sqlite3* h_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Patient data: a new database file is readable by its owner only (SQLite gives
// its -wal and -shm files the same permissions).
Status CreatePrivateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  } else if (errno != EEXIST) {
    return Unavailable("cannot create " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<std::unique_ptr<SqliteConnection>> OpenConnection(const Database::Options& o, bool writer) {
  if (writer && o.create && o.path != ":memory:") CK_RETURN_IF_ERROR(CreatePrivateFile(o.path));
  sqlite3* h = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (writer && o.create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(o.path.c_str(), &h, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = h ? sqlite3_errmsg(h) : "out of memory";
    sqlite3_close_v2(h);
    return Unavailable("cannot open database " + o.path + ": " + msg);
  }
  sqlite3_extended_result_codes(h, 1);
  auto conn = std::make_unique<SqliteConnection>(h);
  sqlite3_busy_timeout(h, o.busy_timeout_ms);
  // Reading the schema early turns "file is not a database" into an error now.
  CK_RETURN_IF_ERROR(conn->Simple("PRAGMA foreign_keys = ON"));
  if (writer) {
    auto mode = conn->Query("PRAGMA journal_mode = WAL", {});
    if (!mode.ok()) return mode.status();
    if (mode->empty() || mode->at(0).Text(0) != "wal")
      return Unavailable("cannot switch " + o.path + " to WAL journal mode");
    CK_RETURN_IF_ERROR(conn->Simple(o.synchronous_full ? "PRAGMA synchronous = FULL"
                                                       : "PRAGMA synchronous = NORMAL"));
    // Savepoint sub-journals and temporary b-trees in memory: a transaction of
    // many savepoints (group commit, the HL7 inbox) otherwise creates, writes
    // and deletes a temporary file for each.
    CK_RETURN_IF_ERROR(conn->Simple("PRAGMA temp_store = MEMORY"));
  } else {
    CK_RETURN_IF_ERROR(conn->Simple("PRAGMA query_only = ON"));
  }
  return conn;
}

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(Database::Options options) : options_(std::move(options)) {}

  Status Init() {
    CK_ASSIGN_OR_RETURN(writer_, OpenConnection(options_, /*writer=*/true));
    for (int i = 0; i < options_.readers; ++i) {
      CK_ASSIGN_OR_RETURN(auto r, OpenConnection(options_, /*writer=*/false));
      idle_readers_.push_back(r.get());
      readers_.push_back(std::move(r));
    }
    return Status::Ok();
  }

  Backend backend() const override { return Backend::kSqlite; }

  Status Read(const std::function<Status(Connection&)>& fn) override {
    SqliteConnection* conn = nullptr;
    {
      std::unique_lock lock(pool_mu_);
      pool_cv_.wait(lock, [&] { return closed_ || !idle_readers_.empty(); });
      if (closed_) return Unavailable("database is closed");
      conn = idle_readers_.back();
      idle_readers_.pop_back();
    }
    Status st = internal::RunTransaction(*conn, "BEGIN", fn);
    {
      std::lock_guard lock(pool_mu_);
      idle_readers_.push_back(conn);
    }
    pool_cv_.notify_all();  // a reader and Close() may both be waiting
    return st;
  }

  // Batch scans run on connections of their own that map the file, so whole
  // tables are read without a system call and a copy per page. The pooled
  // readers stay unmapped: mapping made short reads slower (docs/PERFORMANCE.md).
  Status Scan(const std::function<Status(Connection&)>& fn) override {
    SqliteConnection* conn = nullptr;
    {
      std::unique_lock lock(pool_mu_);
      pool_cv_.wait(lock, [&] {
        return closed_ || !idle_scanners_.empty() || scanners_.size() < kMaxScanners;
      });
      if (closed_) return Unavailable("database is closed");
      if (idle_scanners_.empty()) {
        CK_ASSIGN_OR_RETURN(auto c, OpenConnection(options_, /*writer=*/false));
        CK_RETURN_IF_ERROR(c->Simple("PRAGMA mmap_size = 1073741824"));
        idle_scanners_.push_back(c.get());
        scanners_.push_back(std::move(c));
      }
      conn = idle_scanners_.back();
      idle_scanners_.pop_back();
    }
    Status st = internal::RunTransaction(*conn, "BEGIN", fn);
    {
      std::lock_guard lock(pool_mu_);
      idle_scanners_.push_back(conn);
    }
    pool_cv_.notify_all();
    return st;
  }

  // The single writer: every write transaction of this process goes through
  // writer_ (SQLite allows one writer), batched by internal::WriteQueue so that
  // under load one commit serves many transactions.
  Status Write(const std::function<Status(Connection&)>& fn) override {
    return queue_.Submit(fn, [this](const std::vector<internal::WriteJob*>& batch) {
      std::lock_guard lock(writer_mu_);
      if (!writer_) {
        for (auto* j : batch) j->status = Unavailable("database is closed");
        return;
      }
      SqliteConnection& w = *writer_;
      internal::RunBatchInOneTransaction(
          w, batch,
          {.begin = [&] { return w.Simple("BEGIN IMMEDIATE"); },
           .exec = [&](const char* sql) { return w.Simple(sql); },
           .transaction_lost = [&] { return sqlite3_get_autocommit(w.handle()) != 0; },
           .run_alone =
               [&](const std::function<Status(Connection&)>& fn) {
                 return internal::RunTransaction(w, "BEGIN IMMEDIATE", fn);
               }});
    });
  }

  Status Backup(const std::string& out_path) override {
    std::string tmp = out_path + ".partial";
    std::remove(tmp.c_str());
    CK_RETURN_IF_ERROR(CreatePrivateFile(tmp));
    sqlite3* dest = nullptr;
    int rc =
        sqlite3_open_v2(tmp.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_close_v2(dest);
      return Unavailable("cannot create backup file " + tmp);
    }
    Status st = Read([&](Connection& c) -> Status {
      auto* src = static_cast<SqliteConnection*>(&c)->handle();
      sqlite3_backup* b = sqlite3_backup_init(dest, "main", src, "main");
      if (!b) return ErrorFrom(dest, sqlite3_errcode(dest), "backup");
      // One step copies everything inside the reader's snapshot: consistent.
      int step = sqlite3_backup_step(b, -1);
      int fin = sqlite3_backup_finish(b);
      if (step != SQLITE_DONE) return ErrorFrom(dest, step, "backup step");
      if (fin != SQLITE_OK) return ErrorFrom(dest, fin, "backup finish");
      return Status::Ok();
    });
    if (st.ok()) {
      // The copy inherits WAL mode; a backup file is easier to move as one file.
      rc = sqlite3_exec(dest, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
      if (rc != SQLITE_OK) st = ErrorFrom(dest, rc, "backup journal mode");
    }
    sqlite3_close_v2(dest);
    if (st.ok() && std::rename(tmp.c_str(), out_path.c_str()) != 0)
      st = Unavailable("cannot move backup into place at " + out_path);
    if (!st.ok()) std::remove(tmp.c_str());
    return st;
  }

  void Close() override {
    std::lock_guard writer_lock(writer_mu_);  // waits for the write in progress
    {
      std::unique_lock lock(pool_mu_);
      if (closed_) return;
      closed_ = true;
      pool_cv_.notify_all();
      pool_cv_.wait(lock, [&] {
        return idle_readers_.size() == readers_.size() && idle_scanners_.size() == scanners_.size();
      });
      idle_readers_.clear();
      readers_.clear();
      idle_scanners_.clear();
      scanners_.clear();
    }
    if (writer_) {
      (void)writer_->Simple("PRAGMA wal_checkpoint(TRUNCATE)");
      writer_.reset();
    }
  }

  ~SqliteDatabase() override { Close(); }

 private:
  const Database::Options options_;
  internal::WriteQueue queue_;
  std::mutex writer_mu_;  // held by the batch leader while it uses writer_
  std::unique_ptr<SqliteConnection> writer_ CK_GUARDED_BY(writer_mu_);
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_ CK_GUARDED_BY(pool_mu_);
  std::vector<SqliteConnection*> idle_readers_ CK_GUARDED_BY(pool_mu_);
  static constexpr size_t kMaxScanners = 2;
  std::vector<std::unique_ptr<SqliteConnection>> scanners_ CK_GUARDED_BY(pool_mu_);
  std::vector<SqliteConnection*> idle_scanners_ CK_GUARDED_BY(pool_mu_);
  bool closed_ CK_GUARDED_BY(pool_mu_) = false;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const Database::Options& options) {
  if (options.path.empty()) return InvalidArgument("database path is empty", "db");
  // Memory statistics cost a global mutex on every allocation; nothing here reads them.
  static const int kConfigured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return sqlite3_initialize();
  }();
  if (kConfigured != SQLITE_OK) return Internal("SQLite failed to initialise");
  if (options.readers < 1) return InvalidArgument("need at least one reader", "db.readers");
  auto db = std::make_unique<SqliteDatabase>(options);
  CK_RETURN_IF_ERROR(db->Init());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace ck::db
