// The patient registry at health-plan scale: 100,000 patients, a case manager
// with a caseload of 200, name-prefix searches and caseload listing through the
// service (access filtering and per-patient audit records included).
// Reports p50 and p99 per operation as counters; the target is p99 < 20 ms.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>

#include "auth/accounts.h"
#include "auth/authorizer.h"
#include "auth/crypto.h"
#include "cases/service.h"
#include "cases/store.h"
#include "db/database.h"
#include "patients/service.h"
#include "patients/store.h"
#include "patients/validation.h"

namespace ck {
namespace {

constexpr int kPatients = 100000;
constexpr int kCaseload = 200;
constexpr const char* kFamilies[] = {
    "Abernathy",  "Balogun", "Castellano", "Dubois",    "Eriksen",   "Fonseca",   "Gallagher",
    "García",     "Haddad",  "Ivanova",    "Jablonski", "Kowalczyk", "Lindqvist", "Mbeki",
    "Nakamura",   "Nguyễn",  "O'Brien",    "Pereira",   "Quintero",  "Rasmussen", "Szabo",
    "Thibodeaux", "Umarov",  "Valdivia",   "Whitfield", "Xiong",     "Yamamoto",  "Zielinski"};
constexpr const char* kGiven[] = {"Alma",    "Bruno", "Carmen", "Dmitri", "Elena", "Farid",
                                  "Gloria",  "Hiro",  "Imani",  "Jonas",  "Keiko", "Lionel",
                                  "Marisol", "Nadia", "Omar",   "Priya"};

struct Registry {
  SystemClock clock;
  std::unique_ptr<db::Database> db;
  std::unique_ptr<auth::Authorizer> authz;
  std::unique_ptr<patients::Service> service;
  BusinessCalendar calendar;
  std::unique_ptr<cases::Service> cases;
  auth::Principal case_manager, auditor;
};

Registry& Shared() {
  static Registry* r = [] {
    auto* reg = new Registry;
    (void)auth::InitCrypto();
    auto dir = std::filesystem::temp_directory_path() / "casekeeper-bench";
    std::filesystem::create_directories(dir);
    std::string path = (dir / "registry.db").string();
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
    db::Database::Options o;
    o.path = path;
    reg->db = std::move(db::OpenDatabase(o)).value();
    reg->authz = std::make_unique<auth::Authorizer>(reg->clock);
    reg->service = std::make_unique<patients::Service>(*reg->db, reg->clock, *reg->authz,
                                                       patients::Service::Options{});
    reg->cases = std::make_unique<cases::Service>(*reg->db, reg->clock, reg->calendar, *reg->authz);
    auth::Accounts accounts(*reg->db, reg->clock, nullptr, auth::PasswordCost::kMinimal);
    auto team = accounts.AddTeam({}, "Bench");
    auto cm = accounts.AddUser(
        {}, {"cm.bench", "", auth::Role::kCaseManager, team->id, "bench-password-1"});
    auto au = accounts.AddUser(
        {}, {"auditor.bench", "", auth::Role::kAuditor, std::nullopt, "bench-password-1"});
    reg->case_manager = {cm->id, cm->username, "", auth::Role::kCaseManager, team->id};
    reg->auditor = {au->id, au->username, "", auth::Role::kAuditor, std::nullopt};
    std::mt19937 rng(7);
    Status st = reg->db->Write([&](db::Connection& c) -> Status {
      for (int i = 0; i < kPatients; ++i) {
        patients::NewPatient p{kGiven[rng() % std::size(kGiven)],
                               kFamilies[rng() % std::size(kFamilies)], "1950-01-01",
                               i % 2 ? "female" : "male"};
        char phone[16];
        std::snprintf(phone, sizeof phone, "+1614%07d", i);
        p.phones.push_back({phone, "mobile", true});
        p.identifiers.push_back({0, "urn:bench:mrn", "B" + std::to_string(i), "MR"});
        CK_ASSIGN_OR_RETURN(auto made, patients::InsertPatient(c, p, 0));
        if (i % (kPatients / kCaseload) == 0) {
          CK_RETURN_IF_ERROR(
              patients::InsertCareTeamMember(c, made.id, cm->id, "primary_case_manager", 0)
                  .status());
          cases::NewCase n{made.id, "complex_care", "hospital", "benchmark referral", "routine"};
          CK_ASSIGN_OR_RETURN(cases::Case k, cases::InsertCase(c, n, 0, 0, std::nullopt, 0));
          CK_RETURN_IF_ERROR(cases::Reassign(c, k, cm->id, std::nullopt, std::nullopt, 0));
        }
      }
      return Status::Ok();
    });
    if (!st.ok()) std::fprintf(stderr, "seeding failed: %s\n", st.ToString().c_str());
    return reg;
  }();
  return *r;
}

template <typename Fn>
void Percentiles(benchmark::State& state, Fn&& op) {
  std::vector<double> ms;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    if (!op()) return state.SkipWithError("operation failed");
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
}

std::string Prefix(std::mt19937& rng) {
  std::string family = patients::SearchKey(kFamilies[rng() % std::size(kFamilies)]);
  return family.substr(0, 3);
}

void SearchByNamePrefix(benchmark::State& state, bool organisation_wide) {
  Registry& r = Shared();
  const auth::Principal& who = organisation_wide ? r.auditor : r.case_manager;
  auth::Actor actor = auth::Actor::From(who, "bench");
  std::mt19937 rng(11);
  Percentiles(state, [&] {
    patients::SearchQuery q;
    q.name = Prefix(rng);
    q.limit = 50;
    return r.service->Search(who, actor, q).ok();
  });
}
BENCHMARK_CAPTURE(SearchByNamePrefix, caseload_of_200_among_100k, false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(300);
BENCHMARK_CAPTURE(SearchByNamePrefix, all_100k_auditor, true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(300);

void SearchByPhone(benchmark::State& state) {
  Registry& r = Shared();
  auth::Actor actor = auth::Actor::From(r.auditor, "bench");
  std::mt19937 rng(13);
  Percentiles(state, [&] {
    patients::SearchQuery q;
    char phone[20];
    std::snprintf(phone, sizeof phone, "614%07d", static_cast<int>(rng() % kPatients));
    q.phone = phone;
    return r.service->Search(r.auditor, actor, q).ok();
  });
}
BENCHMARK(SearchByPhone)->Unit(benchmark::kMillisecond)->Iterations(300);

void ListCaseload200(benchmark::State& state) {
  Registry& r = Shared();
  auth::Actor actor = auth::Actor::From(r.case_manager, "bench");
  Percentiles(state, [&] {
    auto list = r.service->List(r.case_manager, actor, 0, 500);
    return list.ok() && list->size() == kCaseload;
  });
}
BENCHMARK(ListCaseload200)->Unit(benchmark::kMillisecond)->Iterations(300);

void CaseloadOf200Cases(benchmark::State& state) {
  Registry& r = Shared();
  auth::Actor actor = auth::Actor::From(r.case_manager, "bench");
  Percentiles(state, [&] {
    auto list = r.cases->Caseload(r.case_manager, actor, r.case_manager.user_id, false, 0, 500);
    return list.ok() && list->size() == kCaseload;
  });
}
BENCHMARK(CaseloadOf200Cases)->Unit(benchmark::kMillisecond)->Iterations(300);

}  // namespace
}  // namespace ck
