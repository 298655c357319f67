// The worklist at a health plan's size: 1,000,000 patients (all stratified),
// 50,000 open cases with their care teams, 500,000 open tasks, alerts,
// discharges, contacts and care plans (CK_BENCH_WORKLIST_PATIENTS scales the
// patients; the rest stays). Side by side in one run:
//   WorklistCaseManager  one case manager's worklist (~150 cases), 300 of them
//   WorklistTeam         a supervisor's team of 10 case managers, 34 teams x 3
//   RawOwnTasks          raw sqlite3: one case manager's due tasks by the same index
// A tenth of the due tasks are snoozed (the lists read and apply the snoozes).
// Targets (issue #5): a case manager's worklist p99 < 20 ms, a team's p99 < 100 ms.
#include <benchmark/benchmark.h>
#include <sqlite3.h>  // bulk loading and the baseline only

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "bench_support.h"
#include "db/database.h"
#include "worklist/worklist.h"

namespace ck {
namespace {

constexpr int kCaseManagers = 340, kTeamSize = 10, kCases = 50000, kTasksPerCase = 10;
constexpr Timestamp kNow = 1795770000000;  // 2026-11-27T09:00:00Z

int64_t PatientCount() { return bench::Scale("CK_BENCH_WORKLIST_PATIENTS", 1000000); }

std::string Path() { return bench::CachedDatabase("worklist-v4", PatientCount()); }

using bench::Check;

struct Stmt {
  sqlite3* h;
  sqlite3_stmt* s = nullptr;
  Stmt(sqlite3* db, const char* sql) : h(db) {
    Check(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), db);
  }
  ~Stmt() { sqlite3_finalize(s); }
  template <typename... A>
  void Run(A... args) {
    int i = 1;
    (Bind(i++, args), ...);
    Check(sqlite3_step(s), h);
    sqlite3_reset(s);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
  void Bind(int i, int v) { sqlite3_bind_int64(s, i, v); }
  void Bind(int i, const char* v) { sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT); }
  void Bind(int i, std::nullptr_t) { sqlite3_bind_null(s, i); }
};

// Creates the schema through casekeeper, then bulk-loads synthetic rows.
void Build(const std::string& path) {
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  {
    db::Database::Options o;
    o.path = path;
    auto db = db::OpenDatabase(o);
    if (!db.ok()) std::abort();
    (*db)->Close();
  }
  sqlite3* h = nullptr;
  Check(sqlite3_open(path.c_str(), &h), h);
  Check(sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN", nullptr, nullptr,
                     nullptr),
        h);
  std::mt19937_64 rng(7);
  {
    Stmt team(h, "INSERT INTO teams (id, name, created_at) VALUES (?, ?, 0)");
    Stmt user(h,
              "INSERT INTO users (id, username, display_name, role, team_id, created_at, "
              "updated_at) VALUES (?, ?, 'Synthetic', ?, ?, 0, 0)");
    for (int t = 1; t <= kCaseManagers / kTeamSize; ++t) {
      team.Run(int64_t{t}, ("team" + std::to_string(t)).c_str());
      user.Run(int64_t{10000 + t}, ("sup" + std::to_string(t)).c_str(), "supervisor", int64_t{t});
    }
    for (int u = 1; u <= kCaseManagers; ++u)
      user.Run(int64_t{u}, ("cm" + std::to_string(u)).c_str(), "case_manager",
               int64_t{(u - 1) / kTeamSize + 1});
  }
  {
    Stmt patient(h,
                 "INSERT INTO patients (id, given_name, family_name, birth_date, "
                 "administrative_sex, created_at, updated_at) VALUES (?, 'Syn', 'Thetic', "
                 "'1950-01-01', 'female', 0, 0)");
    Stmt risk(h,
              "INSERT INTO patient_risk (patient_id, tier, reasons, scores, computed_at, "
              "tier_since, rules_version) VALUES (?, ?, '[]', '{}', 0, 0, 'bench')");
    for (int64_t i = 1; i <= PatientCount(); ++i) {
      patient.Run(i);
      int r = static_cast<int>(rng() % 100);
      risk.Run(i, int64_t{r < 3 ? 1 : r < 13 ? 2 : r < 43 ? 3 : 4});
    }
  }
  {
    Stmt kase(h,
              "INSERT INTO cases (id, patient_id, program_id, status, referral_source, "
              "referral_reason, urgency, referred_at, triage_due_at, assigned_user_id, "
              "created_at, updated_at) VALUES (?, ?, 1, ?, 'hospital', 'synthetic', 'routine', "
              "0, ?, ?, 0, 0)");
    Stmt member(h,
                "INSERT INTO care_team_members (patient_id, user_id, member_role, added_at) "
                "VALUES (?, ?, 'primary_case_manager', 0)");
    Stmt task(h,
              "INSERT INTO tasks (case_id, patient_id, title, task_type, owner_user_id, "
              "queue_team_id, due_at, priority, status, created_at, updated_at) VALUES (?, ?, "
              "'Synthetic task', 'call', ?, ?, ?, ?, 'open', 0, 0)");
    const char* priorities[] = {"normal", "normal", "normal", "high", "urgent", "low"};
    for (int64_t k = 1; k <= kCases; ++k) {
      int64_t patient = k * (PatientCount() / kCases);
      int64_t cm = (k - 1) % kCaseManagers + 1;
      bool referred = rng() % 20 == 0;
      kase.Run(k, patient, referred ? "referred" : "active",
               kNow + static_cast<int64_t>(rng() % 100 - 50) * kMillisPerHour, cm);
      member.Run(patient, cm);
      for (int t = 0; t < kTasksPerCase; ++t) {
        bool queued = rng() % 20 == 0;
        Timestamp due = kNow + static_cast<int64_t>(rng() % (60 * 24)) * kMillisPerHour / 24 -
                        30 * kMillisPerDay + static_cast<int64_t>(rng() % 24) * kMillisPerHour;
        if (queued)
          task.Run(k, patient, nullptr, (cm - 1) / kTeamSize + 1, due, priorities[rng() % 6]);
        else
          task.Run(k, patient, cm, nullptr, due, priorities[rng() % 6]);
      }
    }
  }
  {
    Stmt alert(h,
               "INSERT INTO alerts (patient_id, kind, severity, reason, status, raised_at) "
               "VALUES (?, 'phq9_item9', ?, 'synthetic', 'open', ?)");
    Stmt event(h,
               "INSERT INTO domain_events (kind, patient_id, entity_type, entity_id, payload, "
               "source, occurred_at, recorded_at) VALUES (?, ?, 'encounter', NULL, '{}', "
               "'hl7v2', ?, ?)");
    Stmt contact(h,
                 "INSERT INTO case_contacts (case_id, patient_id, contact_at, method, direction, "
                 "party, outcome, recorded_by, created_at) VALUES (?, ?, ?, 'phone', "
                 "'outbound', 'patient', ?, 1, 0)");
    Stmt plan(h,
              "INSERT INTO care_plans (id, case_id, patient_id, title, status, review_every_days, "
              "next_review_due, created_at, updated_at) VALUES (?, ?, ?, 'Synthetic', 'active', "
              "30, ?, 0, 0)");
    Stmt goal(h,
              "INSERT INTO care_plan_goals (care_plan_id, patient_id, description, target_text, "
              "target_date, origin, status, created_at, updated_at) VALUES (?, ?, 'Synthetic', "
              "'x', ?, 'clinician_set', 'active', 0, 0)");
    auto case_patient = [&](int64_t k) { return k * (PatientCount() / kCases); };
    for (int i = 0; i < 2000; ++i) {
      int64_t k = static_cast<int64_t>(rng() % kCases) + 1;
      alert.Run(case_patient(k), i % 3 ? "high" : "crisis",
                kNow - static_cast<int64_t>(rng() % 72) * kMillisPerHour);
    }
    for (int i = 0; i < 10000; ++i) {
      int64_t k = static_cast<int64_t>(rng() % kCases) + 1;
      Timestamp at = kNow - static_cast<int64_t>(rng() % (7 * 24)) * kMillisPerHour;
      event.Run(i % 2 ? "encounter.discharged" : "encounter.admitted", case_patient(k), at, at);
    }
    for (int i = 0; i < 150000; ++i) {
      int64_t k = static_cast<int64_t>(rng() % kCases) + 1;
      contact.Run(k, case_patient(k),
                  kNow - static_cast<int64_t>(rng() % (60 * 24)) * kMillisPerHour,
                  rng() % 3 ? "reached" : "no_answer");
    }
    for (int64_t p = 1; p <= 20000; ++p) {
      int64_t k = (p * 7919) % kCases + 1;
      plan.Run(p, k, case_patient(k), kNow + static_cast<int64_t>(rng() % 60 - 30) * kMillisPerDay);
      goal.Run(p, case_patient(k), rng() % 2 ? "2026-10-01" : "2027-06-01");
      goal.Run(p, case_patient(k), "2027-03-01");
    }
    // Insurance: a coverage per case patient, three authorizations per case
    // (mostly decided long ago, some waiting on the payer, some denied), and
    // appeals on a fifth of the denials.
    Stmt coverage(h,
                  "INSERT INTO coverages (id, patient_id, payer, product_type, member_id, "
                  "effective_from, priority, status, created_at, updated_at) VALUES (?, ?, "
                  "'Acme', 'medicare_advantage', ?, '2026-01-01', 'primary', 'active', 0, 0)");
    Stmt auth(h,
              "INSERT INTO prior_authorizations (id, patient_id, case_id, coverage_id, payer, "
              "product_type, urgency, status, requesting_provider, diagnosis_codes, "
              "decision_due_at, appeal_deadline, approved_to, created_at, updated_at) VALUES (?, "
              "?, ?, ?, 'Acme', 'medicare_advantage', 'standard', ?, 'Dr. X', 'I50.9', ?, ?, ?, 0, "
              "0)");
    Stmt appeal(h,
                "INSERT INTO appeals (patient_id, authorization_id, product_type, level, "
                "level_name, kind, urgency, status, notice_date, filing_deadline, "
                "decision_due_at, created_at, updated_at) VALUES (?, ?, 'medicare_advantage', "
                "'first_level_internal', 'Reconsideration', 'pre_service', 'standard', ?, "
                "'2026-10-01', ?, ?, 0, 0)");
    int64_t auth_id = 0;
    for (int64_t k = 1; k <= kCases; ++k) {
      int64_t patient = case_patient(k);
      coverage.Run(k, patient, ("M" + std::to_string(k)).c_str());
      for (int a = 0; a < 3; ++a) {
        ++auth_id;
        uint64_t r = rng() % 100;
        auto days = [&](int lo, int hi) {
          return kNow + (lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo))) *
                            kMillisPerDay;
        };
        if (r < 8) {  // waiting on the payer
          auth.Run(auth_id, patient, k, k, r < 6 ? "submitted" : "pended", days(-3, 8), nullptr,
                   nullptr);
        } else if (r < 20) {  // denied
          Timestamp deadline = days(-30, 60);
          auth.Run(auth_id, patient, k, k, "denied", nullptr, deadline, nullptr);
          if (r < 12)
            appeal.Run(patient, auth_id, r < 10 ? "draft" : "filed", deadline, days(-5, 30));
        } else if (r < 80) {  // approved
          std::string to = FormatDate(DateOf(days(-60, 300)));
          auth.Run(auth_id, patient, k, k, "approved", nullptr, nullptr, to.c_str());
        } else {
          auth.Run(auth_id, patient, k, k, r < 90 ? "expired" : "withdrawn", nullptr, nullptr,
                   nullptr);
        }
      }
    }
  }
  Check(sqlite3_exec(h, "COMMIT; ANALYZE", nullptr, nullptr, nullptr), h);
  sqlite3_close(h);
}

// Every tenth of the case managers' due tasks snoozed until tomorrow, so that
// the worklist pays for reading and applying snoozes as it would in use.
// Added to a database built before snoozes existed, once;
// CK_BENCH_WORKLIST_SNOOZES=0 removes them (to measure what they cost).
void SnoozeSome(const std::string& path) {
  db::Database::Options o;
  o.path = path;
  auto db = std::move(db::OpenDatabase(o)).value();
  const char* env = std::getenv("CK_BENCH_WORKLIST_SNOOZES");
  const bool none = env && std::string_view(env) == "0";
  Status st = db->Write([&](db::Connection& c) -> Status {
    if (none) return c.Exec("DELETE FROM worklist_snoozes", {}).status();
    CK_ASSIGN_OR_RETURN(auto n, c.Query("SELECT COUNT(*) FROM worklist_snoozes", {}));
    if (n.at(0).Int(0) > 0) return Status::Ok();
    CK_ASSIGN_OR_RETURN(auto tasks, c.Query("SELECT id, due_at, priority, owner_user_id, "
                                            "patient_id FROM tasks WHERE status IN ('open', "
                                            "'in_progress') AND owner_user_id IS NOT NULL AND "
                                            "due_at < ? AND id % 10 = 0",
                                            {kNow + kMillisPerDay}));
    for (const db::Row& t : tasks) {
      std::string key = std::string(t.Int(1) < kNow ? "task_overdue" : "task_due_soon") +
                        ":task:" + std::to_string(t.Int(0));
      CK_RETURN_IF_ERROR(
          c.Exec("INSERT INTO worklist_snoozes (item_key, item_state, patient_id, reason, "
                 "until_at, snoozed_by, snoozed_at) VALUES (?, ?, ?, 'bench', ?, ?, ?)",
                 {key, worklist::TaskState(t.Int(1), t.Text(2), t.Int(3)), t.Int(4),
                  kNow + kMillisPerDay, t.Int(3), kNow - kMillisPerHour})
              .status());
    }
    return Status::Ok();
  });
  if (!st.ok()) std::abort();
  db->Close();
}

const std::string& Database() {
  static const std::string path = [] {
    std::string p = Path();
    if (!std::filesystem::exists(p)) Build(p);
    SnoozeSome(p);
    return p;
  }();
  return path;
}

void Report(benchmark::State& state, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  state.counters["max_ms"] = ms.back();
}

auth::Principal Person(int64_t id, auth::Role role) {
  auth::Principal p;
  p.user_id = id;
  p.username = "bench";
  p.role = role;
  p.team_id = role == auth::Role::kSupervisor ? id - 10000 : (id - 1) / kTeamSize + 1;
  return p;
}

void BM_WorklistCaseManager(benchmark::State& state) {
  db::Database::Options o;
  o.path = Database();
  auto db = std::move(db::OpenDatabase(o)).value();
  FakeClock clock(kNow);
  worklist::Worklist worklist(*db, clock);
  for (auto _ : state) {
    std::vector<double> ms;
    size_t items = 0;
    for (int i = 0; i < 300; ++i) {
      auth::Principal who = Person(i % kCaseManagers + 1, auth::Role::kCaseManager);
      auto start = std::chrono::steady_clock::now();
      auto list = worklist.ForUser(who, auth::Actor::From(who, "bench"), who.user_id, 100);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      if (!list.ok()) return state.SkipWithError(list.status().ToString().c_str());
      items += list->items.size();
    }
    Report(state, ms);
    state.counters["items_avg"] = static_cast<double>(items) / 300;
  }
  db->Close();
}
BENCHMARK(BM_WorklistCaseManager)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_WorklistTeam(benchmark::State& state) {
  db::Database::Options o;
  o.path = Database();
  auto db = std::move(db::OpenDatabase(o)).value();
  FakeClock clock(kNow);
  worklist::Worklist worklist(*db, clock);
  for (auto _ : state) {
    std::vector<double> ms;
    for (int i = 0; i < 3 * kCaseManagers / kTeamSize; ++i) {
      auth::Principal who =
          Person(10000 + i % (kCaseManagers / kTeamSize) + 1, auth::Role::kSupervisor);
      auto start = std::chrono::steady_clock::now();
      auto list = worklist.ForTeam(who, auth::Actor::From(who, "bench"), 200);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      if (!list.ok()) return state.SkipWithError(list.status().ToString().c_str());
    }
    Report(state, ms);
  }
  db->Close();
}
BENCHMARK(BM_WorklistTeam)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_RawOwnTasks(benchmark::State& state) {
  sqlite3* h = nullptr;
  Check(sqlite3_open_v2(Database().c_str(), &h, SQLITE_OPEN_READONLY, nullptr), h);
  sqlite3_stmt* s = nullptr;
  Check(sqlite3_prepare_v2(h,
                           "SELECT id, case_id, patient_id, title, priority, due_at FROM tasks "
                           "WHERE status IN ('open', 'in_progress') AND due_at < ? AND "
                           "owner_user_id = ?",
                           -1, &s, nullptr),
        h);
  for (auto _ : state) {
    std::vector<double> ms;
    for (int i = 0; i < 300; ++i) {
      auto start = std::chrono::steady_clock::now();
      sqlite3_bind_int64(s, 1, kNow + kMillisPerDay);
      sqlite3_bind_int64(s, 2, i % kCaseManagers + 1);
      while (sqlite3_step(s) == SQLITE_ROW) {
      }
      sqlite3_reset(s);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    Report(state, ms);
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
}
BENCHMARK(BM_RawOwnTasks)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace ck
