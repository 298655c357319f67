// Storage and request-path benchmarks, each beside its baseline in the same run:
//   raw sqlite3 inserts  vs  the same rows through db::Database::Write
//   Router /healthz      vs  an authenticated, audited patient read (in process)
#include <benchmark/benchmark.h>
#include <sqlite3.h>  // the baseline only; casekeeper code includes it in src/db/sqlite/ alone

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

void BM_DatabaseWriteInsert(benchmark::State& state) {
  db::Database::Options o;
  o.path = FreshPath("casekeeper.db");
  auto db = db::OpenDatabase(o);
  if (!db.ok()) return state.SkipWithError(db.status().message().c_str());
  int64_t i = 0;
  for (auto _ : state) {
    Status st = (*db)->Write([&](db::Connection& c) {
      return c.Exec(kInsert, {"Given", "Family" + std::to_string(i), "1950-01-01", "female", i, i})
          .status();
    });
    if (!st.ok()) return state.SkipWithError(st.message().c_str());
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DatabaseWriteInsert)->Unit(benchmark::kMicrosecond);

void BM_AuditAppend(benchmark::State& state) {
  db::Database::Options o;
  o.path = FreshPath("audit.db");
  auto db = db::OpenDatabase(o);
  if (!db.ok()) return state.SkipWithError(db.status().message().c_str());
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
    Status st = audit::AppendNow(**db, e);
    if (!st.ok()) return state.SkipWithError(st.message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AuditAppend)->Unit(benchmark::kMicrosecond);

// The in-process request path, without the network.
class RouterFixture : public benchmark::Fixture {
 public:
  void SetUp(const benchmark::State&) override {
    if (router_) return;
    (void)auth::InitCrypto();
    db::Database::Options o;
    o.path = FreshPath("router.db");
    db_ = std::move(db::OpenDatabase(o)).value();
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

 protected:
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

BENCHMARK_F(RouterFixture, Healthz)(benchmark::State& state) {
  for (auto _ : state) {
    http::Request req;
    req.path = "/healthz";
    benchmark::DoNotOptimize(router_->Execute(req));
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_F(RouterFixture, AuthenticatedPatientRead)(benchmark::State& state) {
  for (auto _ : state) {
    http::Request req;
    req.path = "/api/v1/patients/" + std::to_string(patient_id_);
    req.headers.emplace_back("authorization", "Bearer " + token_);
    http::Response r = router_->Execute(req);
    if (r.status != 200) return state.SkipWithError(r.body.c_str());
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace
}  // namespace ck

BENCHMARK_MAIN();
