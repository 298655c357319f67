// Storage and request-path benchmarks, each beside its baseline in the same run:
//   raw sqlite3 inserts  vs  the same rows through db::Database::Write
//   Router /healthz      vs  an authenticated, audited patient read (in process)
#include <benchmark/benchmark.h>
#include <sqlite3.h>  // the baseline only; casekeeper code includes it in src/db/sqlite/ alone

#include <cstdlib>
#include <filesystem>

#include "audit/trail.h"
#include "auth/accounts.h"
#include "auth/authenticator.h"
#include "auth/authorizer.h"
#include "core/clock.h"
#include "db/database.h"
#include "http/router.h"
#include "patients/routes.h"
#include "patients/store.h"

namespace ck {
namespace {

std::string FreshPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / "casekeeper-bench";
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

// A fresh database for one benchmark: a SQLite file, or a new schema in the
// PostgreSQL server named by CK_BENCH_POSTGRES_URL.
std::unique_ptr<db::Database> OpenBench(const std::string& backend, const std::string& name) {
  db::Database::Options o;
  if (backend == "postgres") {
    const char* base = std::getenv("CK_BENCH_POSTGRES_URL");
    if (!base) return nullptr;
    std::string schema = "ck_bench_" + name;
    db::Database::Options admin;
    admin.path = base;
    admin.migrate = false;
    admin.readers = 1;
    auto a = db::OpenDatabase(admin);
    if (!a.ok()) return nullptr;
    (void)(*a)->Write([&](db::Connection& c) {
      return c.ExecScript("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
    });
    o.path = std::string(base) + (std::string(base).find('?') == std::string::npos ? "?" : "&") +
             "options=-csearch_path%3D" + schema;
  } else {
    o.path = FreshPath(name + ".db");
  }
  auto db = db::OpenDatabase(o);
  return db.ok() ? std::move(db).value() : nullptr;
}

constexpr const char* kInsert =
    "INSERT INTO patients (given_name, family_name, birth_date, administrative_sex, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?)";

// Baseline: sqlite3 directly, one transaction per row, same pragmas and schema.
void BM_RawSqliteInsert(benchmark::State& state) {
  std::string path = FreshPath("raw.db");
  {
    db::Database::Options o;
    o.path = path;
    auto created = db::OpenDatabase(o);  // same schema as casekeeper's
    if (!created.ok()) return state.SkipWithError(created.status().message().c_str());
  }
  sqlite3* h = nullptr;
  sqlite3_open(path.c_str(), &h);
  sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(h, kInsert, -1, &stmt, nullptr);
  int64_t i = 0;
  for (auto _ : state) {
    sqlite3_exec(h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    std::string family = "Family" + std::to_string(i);
    sqlite3_bind_text(stmt, 1, "Given", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, family.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, "1950-01-01", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, "female", -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 5, i);
    sqlite3_bind_int64(stmt, 6, i);
    sqlite3_step(stmt);
    sqlite3_reset(stmt);
    sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
    ++i;
  }
  sqlite3_finalize(stmt);
  sqlite3_close(h);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawSqliteInsert)->Unit(benchmark::kMicrosecond);

void DatabaseWriteInsert(benchmark::State& state, const std::string& backend) {
  auto db = OpenBench(backend, "write_insert");
  if (!db) return state.SkipWithError("no database (set CK_BENCH_POSTGRES_URL for PostgreSQL)");
  int64_t i = 0;
  for (auto _ : state) {
    Status st = db->Write([&](db::Connection& c) {
      return c.Exec(kInsert, {"Given", "Family" + std::to_string(i), "1950-01-01", "female", i, i})
          .status();
    });
    if (!st.ok()) return state.SkipWithError(st.message().c_str());
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(DatabaseWriteInsert, sqlite, std::string("sqlite"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(DatabaseWriteInsert, postgres, std::string("postgres"))
    ->Unit(benchmark::kMicrosecond);

void AuditAppend(benchmark::State& state, const std::string& backend) {
  auto db = OpenBench(backend, "audit_append");
  if (!db) return state.SkipWithError("no database (set CK_BENCH_POSTGRES_URL for PostgreSQL)");
  audit::Event e{.at = 1,
                 .user_id = 1,
                 .username = "cm.bench",
                 .role = "case_manager",
                 .action = "patient.read",
                 .entity_type = "patient",
                 .entity_id = "1",
                 .patient_id = 1,
                 .outcome = "success",
                 .request_id = "0123456789abcdef",
                 .detail = "access=care_team"};
  for (auto _ : state) {
    Status st = audit::AppendNow(*db, e);
    if (!st.ok()) return state.SkipWithError(st.message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(AuditAppend, sqlite, std::string("sqlite"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(AuditAppend, postgres, std::string("postgres"))->Unit(benchmark::kMicrosecond);

// The in-process request path, without the network.
class RequestPath {
 public:
  explicit RequestPath(const std::string& backend) {
    (void)auth::InitCrypto();
    db_ = OpenBench(backend, "router");
    if (!db_) return;
    authn_ = std::make_unique<auth::Authenticator>(*db_, clock_, auth::Authenticator::Options{});
    accounts_ =
        std::make_unique<auth::Accounts>(*db_, clock_, authn_.get(), auth::PasswordCost::kMinimal);
    authz_ = std::make_unique<auth::Authorizer>(clock_);
    patients_ =
        std::make_unique<patients::Service>(*db_, clock_, *authz_, patients::Service::Options{});
    router_ = std::make_unique<http::Router>(*authn_, *authz_, *db_, clock_);
    router_->Add(http::Method::kGet, "/healthz", {.on_io_thread = true},
                 [](http::Request&) -> Result<http::Response> {
                   http::Response r;
                   r.body = R"({"status":"ok"})";
                   return r;
                 });
    patients::RegisterRoutes(*router_, *patients_);
    auto user = accounts_->AddUser(
        {}, {"cm.bench", "", auth::Role::kCaseManager, std::nullopt, "bench-password-1"});
    (void)db_->Write([&](db::Connection& c) -> Status {
      CK_ASSIGN_OR_RETURN(auto p,
                          patients::InsertPatient(c, {"Ana", "Lima", "1950-01-02", "female"}, 0));
      patient_id_ = p.id;
      return patients::InsertCareTeamMember(c, p.id, user->id, "primary_case_manager", 0).status();
    });
    token_ = authn_->SignIn("cm.bench", "bench-password-1", "bench")->token;
  }
  bool ok() const { return router_ != nullptr; }
  http::Response Healthz() {
    http::Request req;
    req.path = "/healthz";
    return router_->Execute(req);
  }
  http::Response PatientRead() {
    http::Request req;
    req.path = "/api/v1/patients/" + std::to_string(patient_id_);
    req.headers.emplace_back("authorization", "Bearer " + token_);
    return router_->Execute(req);
  }

 private:
  SystemClock clock_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<auth::Authenticator> authn_;
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<auth::Authorizer> authz_;
  std::unique_ptr<patients::Service> patients_;
  std::unique_ptr<http::Router> router_;
  std::string token_;
  int64_t patient_id_ = 0;
};

void RouterHealthz(benchmark::State& state) {
  static RequestPath path("sqlite");
  for (auto _ : state) benchmark::DoNotOptimize(path.Healthz());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(RouterHealthz);

void AuthenticatedPatientRead(benchmark::State& state, const std::string& backend) {
  RequestPath path(backend);
  if (!path.ok())
    return state.SkipWithError("no database (set CK_BENCH_POSTGRES_URL for PostgreSQL)");
  for (auto _ : state) {
    http::Response r = path.PatientRead();
    if (r.status != 200) return state.SkipWithError(r.body.c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(AuthenticatedPatientRead, sqlite, std::string("sqlite"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(AuthenticatedPatientRead, postgres, std::string("postgres"))
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ck
