#include "db/postgres/postgres_database.h"

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/thread_annotations.h"
#include "db/copy.h"
#include "db/internal/group_commit.h"
#include "db/internal/guarded_call.h"

namespace ck::db {
namespace {

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26,
              kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

// Every write transaction begins by taking the advisory lock all casekeeper
// writers share (the key is "casekeeper" in ASCII, truncated to 64 bits).
constexpr const char* kBeginWrite =
    "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(7161256845716211570)";

Status ErrorFrom(PGconn* conn, const PGresult* res, std::string_view context) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  std::string msg =
      std::string(context) + ": " + (res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (sqlstate == "23505") return AlreadyExists(msg);
  if (sqlstate == "23503" || sqlstate == "23514" || sqlstate == "23502" || sqlstate == "P0001")
    return FailedPrecondition(msg);
  if (sqlstate == "40001" || sqlstate == "40P01") return Conflict("retryable: " + msg);
  if (sqlstate.starts_with("53")) return ResourceExhausted(msg);
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57") || PQstatus(conn) != CONNECTION_OK)
    return Unavailable(msg);
  return Internal(msg);
}

bool Retryable(const Status& st) {
  return st.code() == ErrorCode::kConflict && st.message().starts_with("retryable: ");
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

Value ValueOf(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return Value();
  const char* text = PQgetvalue(res, row, col);
  int len = PQgetlength(res, row, col);
  switch (PQftype(res, col)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      int64_t v = 0;
      std::from_chars(text, text + len, v);
      return Value(v);
    }
    case kNumericOid: {
      std::string_view s(text, static_cast<size_t>(len));
      if (s.find_first_of(".eE") == std::string_view::npos) {
        int64_t v = 0;
        auto [p, ec] = std::from_chars(text, text + len, v);
        if (ec == std::errc() && p == text + len) return Value(v);
      }
      return Value(std::strtod(std::string(s).c_str(), nullptr));
    }
    case kFloat4Oid:
    case kFloat8Oid:
      return Value(std::strtod(text, nullptr));
    case kBoolOid:
      return Value(int64_t{text[0] == 't' ? 1 : 0});
    default:
      return Value(std::string(text, static_cast<size_t>(len)));
  }
}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Backend backend() const override { return Backend::kPostgres; }
  PGconn* handle() { return conn_; }
  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  // No transaction open any more (or the connection is gone); an error inside
  // one (PQTRANS_INERROR) is still recoverable with ROLLBACK TO SAVEPOINT.
  bool transaction_lost() const {
    auto t = PQtransactionStatus(conn_);
    return t != PQTRANS_INTRANS && t != PQTRANS_INERROR;
  }
  void Reset() {
    PQreset(conn_);
    prepared_.clear();
  }

  Result<Rows> Query(std::string_view sql, const Params& params) override {
    CK_ASSIGN_OR_RETURN(ResultPtr res, Execute(sql, params));
    int nrows = PQntuples(res.get()), ncols = PQnfields(res.get());
    std::vector<std::string> columns;
    for (int c = 0; c < ncols; ++c) columns.emplace_back(PQfname(res.get(), c));
    std::vector<Row> rows;
    rows.reserve(static_cast<size_t>(nrows));
    for (int r = 0; r < nrows; ++r) rows.push_back(RowOf(res.get(), r, ncols));
    return Rows(std::move(columns), std::move(rows));
  }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    CK_ASSIGN_OR_RETURN(ResultPtr res, Execute(sql, params));
    const char* n = PQcmdTuples(res.get());
    int64_t changed = 0;
    if (n && *n) std::from_chars(n, n + std::strlen(n), changed);
    return changed;
  }

  Status ForEachRow(std::string_view sql, const Params& params,
                    const std::function<Status(const Row&)>& fn) override {
    // Streamed in single-row mode, so a population scan holds one row at a time.
    CK_RETURN_IF_ERROR(NotStreaming());
    CK_ASSIGN_OR_RETURN(Bound bound, Bind(sql, params));
    if (!PQsendQueryPrepared(conn_, bound.name.c_str(), static_cast<int>(bound.values.size()),
                             bound.values.data(), nullptr, nullptr, 0))
      return ErrorFrom(conn_, nullptr, "query");
    // Without single-row mode the rows come in one result, handled below too.
    (void)PQsetSingleRowMode(conn_);
    Status status = Status::Ok();
    bool cancelled = false;
    struct Streaming {  // cleared however the loop ends, an exception included
      bool& flag;
      explicit Streaming(bool& f) : flag(f) { flag = true; }
      ~Streaming() { flag = false; }
    } streaming(streaming_);
    for (;;) {
      ResultPtr res(PQgetResult(conn_));
      if (!res) break;
      if (!status.ok()) continue;  // drain what is left after an error or a stop
      ExecStatusType st = PQresultStatus(res.get());
      if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) {
        int ncols = PQnfields(res.get());
        for (int r = 0, n = PQntuples(res.get()); r < n && status.ok(); ++r)
          status = fn(RowOf(res.get(), r, ncols));
      } else if (st != PGRES_COMMAND_OK) {
        status = ErrorFrom(conn_, res.get(), "query");
      }
      if (!status.ok() && !cancelled) {
        // Stopped early: ask the server to stop sending rather than read them all.
        cancelled = true;
        if (PGcancel* cancel = PQgetCancel(conn_)) {
          char err[256];
          (void)PQcancel(cancel, err, sizeof err);
          PQfreeCancel(cancel);
        }
      }
    }
    return status;
  }

  Status ExecScript(std::string_view sql) override {
    ResultPtr res(PQexec(conn_, std::string(sql).c_str()));
    ExecStatusType st = PQresultStatus(res.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      return ErrorFrom(conn_, res.get(), "script");
    return Status::Ok();
  }

  Status Simple(const char* sql) { return ExecScript(sql); }

 private:
  static Row RowOf(const PGresult* res, int r, int ncols) {
    std::vector<Value> values;
    values.reserve(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) values.push_back(ValueOf(res, r, c));
    return Row(std::move(values));
  }

  // A prepared statement and its parameters as text, ready to send.
  struct Bound {
    std::string name;
    std::vector<std::string> texts;
    std::vector<const char*> values;
  };

  // libpq runs one statement at a time per connection: a statement issued from
  // inside a ForEachRow callback would cut the stream short, so it is refused.
  Status NotStreaming() const {
    if (streaming_)
      return Internal("a statement inside a ForEachRow callback; read what you need first");
    return Status::Ok();
  }

  Result<ResultPtr> Execute(std::string_view sql, const Params& params) {
    CK_RETURN_IF_ERROR(NotStreaming());
    CK_ASSIGN_OR_RETURN(Bound bound, Bind(sql, params));
    ResultPtr res(PQexecPrepared(conn_, bound.name.c_str(), static_cast<int>(bound.values.size()),
                                 bound.values.data(), nullptr, nullptr, 0));
    ExecStatusType st = PQresultStatus(res.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      return ErrorFrom(conn_, res.get(), "query");
    return res;
  }

  Result<Bound> Bind(std::string_view sql, const Params& params) {
    std::string key(sql);
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      std::string name = "ck" + std::to_string(prepared_.size() + 1);
      std::string rewritten = RewritePlaceholders(sql);
      ResultPtr prep(PQprepare(conn_, name.c_str(), rewritten.c_str(), 0, nullptr));
      if (PQresultStatus(prep.get()) != PGRES_COMMAND_OK)
        return ErrorFrom(conn_, prep.get(), "prepare");
      ResultPtr desc(PQdescribePrepared(conn_, name.c_str()));
      int expected = desc ? PQnparams(desc.get()) : -1;
      it = prepared_.emplace(std::move(key), Prepared{name, expected}).first;
    }
    if (it->second.params != static_cast<int>(params.size())) {
      return Internal("statement expects " + std::to_string(it->second.params) +
                      " parameters, got " + std::to_string(params.size()));
    }
    Bound b;
    b.name = it->second.name;
    b.texts.resize(params.size());
    b.values.resize(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      switch (v.type()) {
        case Value::Type::kNull:
          b.values[i] = nullptr;
          continue;
        case Value::Type::kInt:
          b.texts[i] = std::to_string(v.AsInt());
          break;
        case Value::Type::kReal: {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.17g", v.AsReal());
          b.texts[i] = buf;
          break;
        }
        case Value::Type::kText:
          b.texts[i] = v.AsText();
          break;
      }
    }
    // Pointers last: the strings no longer move.
    for (size_t i = 0; i < params.size(); ++i)
      if (params[i].type() != Value::Type::kNull) b.values[i] = b.texts[i].c_str();
    return b;
  }

  struct Prepared {
    std::string name;
    int params;
  };
  PGconn* conn_;
  std::unordered_map<std::string, Prepared> prepared_;
  bool streaming_ = false;
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(Database::Options options) : options_(std::move(options)) {}

  Status Init() {
    // Readers plus two for writers (one holds the lock, one waits for it).
    int size = options_.readers + 2;
    for (int i = 0; i < size; ++i) {
      CK_ASSIGN_OR_RETURN(auto c, Connect());
      idle_.push_back(c.get());
      all_.push_back(std::move(c));
    }
    return Status::Ok();
  }

  Backend backend() const override { return Backend::kPostgres; }

  // A read is retried only when the connection failed before its function
  // began: once begun, the caller may already hold what it streamed (a
  // population scan), so a second run would count rows twice.
  Status Read(const std::function<Status(Connection&)>& fn) override {
    bool began = false;
    Status last;
    return WithConnection([&](PostgresConnection& c) -> Status {
      if (began) return last;
      last = internal::RunTransaction(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                                      [&](Connection& conn) {
                                        began = true;
                                        return fn(conn);
                                      });
      return last;
    });
  }

  // Writes are batched (internal::WriteQueue): one transaction, one commit and
  // one WAL flush for every write queued while the previous batch ran.
  Status Write(const std::function<Status(Connection&)>& fn) override {
    return queue_.Submit(fn, [this](const std::vector<internal::WriteJob*>& batch) {
      Status st = WithConnection(
          [&](PostgresConnection& c) {
            auto alone = [&](const std::function<Status(Connection&)>& job) {
              Status result;
              for (int attempt = 0;; ++attempt) {
                if (c.broken()) c.Reset();
                result = internal::RunTransaction(c, kBeginWrite, job);
                bool lost = result.code() == ErrorCode::kUnavailable && c.broken();
                if ((!Retryable(result) && !lost) || attempt >= 4) return result;
                std::this_thread::sleep_for(std::chrono::milliseconds(5 << attempt));
              }
            };
            internal::RunBatchInOneTransaction(
                c, batch,
                {.begin = [&]() -> Status {
                   if (c.broken()) c.Reset();
                   // One round trip: begin and take the writers' lock.
                   Status begun = c.Simple(kBeginWrite);
                   if (!begun.ok()) (void)c.Simple("ROLLBACK");
                   return begun;
                 },
                 .exec = [&](const char* sql) { return c.Simple(sql); },
                 .transaction_lost = [&] { return c.transaction_lost(); },
                 .run_alone = alone});
            return Status::Ok();
          },
          /*retry=*/false);
      if (!st.ok()) {
        for (auto* j : batch) j->status = st;
      }
    });
  }

  Status Backup(const std::string& out_path) override;

  void Close() override {
    std::unique_lock lock(mu_);
    if (closed_) return;
    closed_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return idle_.size() == all_.size(); });
    idle_.clear();
    all_.clear();
  }

  ~PostgresDatabase() override { Close(); }

 private:
  Result<std::unique_ptr<PostgresConnection>> Connect() {
    PGconn* raw = PQconnectdb(options_.path.c_str());
    auto conn = std::make_unique<PostgresConnection>(raw);
    if (!raw || PQstatus(raw) != CONNECTION_OK) {
      std::string msg = raw ? PQerrorMessage(raw) : "out of memory";
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return Unavailable("cannot connect to PostgreSQL: " + msg);
    }
    CK_RETURN_IF_ERROR(conn->Simple("SET client_min_messages = warning; SET TIME ZONE 'UTC'"));
    std::string timeout = "SET lock_timeout = " + std::to_string(options_.busy_timeout_ms);
    CK_RETURN_IF_ERROR(conn->Simple(timeout.c_str()));
    return conn;
  }

  Status WithConnection(const std::function<Status(PostgresConnection&)>& body, bool retry = true) {
    PostgresConnection* conn = nullptr;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return closed_ || !idle_.empty(); });
      if (closed_) return Unavailable("database is closed");
      conn = idle_.back();
      idle_.pop_back();
    }
    Status st;
    for (int attempt = 0;; ++attempt) {
      if (conn->broken()) conn->Reset();
      st = body(*conn);
      bool lost = st.code() == ErrorCode::kUnavailable && conn->broken();
      if (!retry || (!Retryable(st) && !lost) || attempt >= 4) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5 << attempt));
    }
    {
      std::lock_guard lock(mu_);
      idle_.push_back(conn);
    }
    cv_.notify_all();
    return st;
  }

  const Database::Options options_;
  internal::WriteQueue queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PostgresConnection>> all_ CK_GUARDED_BY(mu_);
  std::vector<PostgresConnection*> idle_ CK_GUARDED_BY(mu_);
  bool closed_ CK_GUARDED_BY(mu_) = false;
};

Status PostgresDatabase::Backup(const std::string& out_path) {
  // A consistent snapshot (one REPEATABLE READ transaction per table digest,
  // one for the copy) into a standalone SQLite file; pg_basebackup and
  // pg_dump remain the tools for the server itself (docs/DEPLOYMENT.md).
  return CopyToNewSqlite(*this, out_path);
}

}  // namespace

std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      size_t end = sql.find(c, i + 1);
      while (end != std::string_view::npos && end + 1 < sql.size() && sql[end + 1] == c)
        end = sql.find(c, end + 2);  // doubled quote inside the literal
      if (end == std::string_view::npos) end = sql.size() - 1;
      out.append(sql.substr(i, end - i + 1));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size() - 1;
      out.append(sql.substr(i, end - i + 1));
      i = end;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::unique_ptr<Database>> OpenPostgres(const Database::Options& options) {
  if (options.readers < 1) return InvalidArgument("need at least one reader", "db.readers");
  auto db = std::make_unique<PostgresDatabase>(options);
  CK_RETURN_IF_ERROR(db->Init());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace ck::db
