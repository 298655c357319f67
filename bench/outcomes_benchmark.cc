// The readmission rate for a year over a health plan's population: 1,000,000
// patients (sex, races, ethnicity, language and ZIP code varied) with
// 2,000,000 encounters over the last 400 days (CK_BENCH_OUTCOMES_PATIENTS
// scales both), their acute stays and 30-day flags computed once by the
// transitions rules. Side by side in one run:
//   RawIndexDischarges   raw sqlite3: the year's index discharges and readmissions, one count
//   RawBySex             raw sqlite3: the same joined to patients, grouped by sex
//   Readmission          casekeeper's outcome measure, everyone, not stratified
//   ReadmissionBy/...    the same stratified by age band, sex, race, ethnicity, language
// Target (issue #9): the year's readmission rate stratified by a demographic group in under 2 s.
#include <benchmark/benchmark.h>
#include <sqlite3.h>  // the baseline and bulk loading only

#include <cstdlib>
#include <filesystem>
#include <random>

#include "bench_support.h"
#include "core/business_calendar.h"
#include "core/time_zone.h"
#include "db/database.h"
#include "outcomes/measures.h"
#include "transitions/readmissions.h"

namespace ck {
namespace {

int64_t PatientCount() { return bench::Scale("CK_BENCH_OUTCOMES_PATIENTS", 1000000); }

std::string Path() { return bench::CachedDatabase("outcomes", PatientCount()); }

using bench::Check;

void Build(const std::string& path, Timestamp now) {
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
  const int64_t n = PatientCount();
  const char* sexes[] = {"female", "male"};
  const char* races[] = {"white", "black", "asian", "american_indian", "pacific_islander"};
  const char* ethnicities[] = {"not_hispanic", "hispanic", "not_hispanic", "unknown"};
  const char* languages[] = {"en", "en", "en", "es", "so", "vi", "zh"};
  const char* zips[] = {"43205", "43211", "43213", "43068", "43123", "43081", "43215", "43206"};
  sqlite3_stmt* p = nullptr;
  sqlite3_stmt* race = nullptr;
  Check(sqlite3_prepare_v2(h,
                           "INSERT INTO patients (id, given_name, family_name, birth_date, "
                           "administrative_sex, ethnicity, preferred_language, "
                           "address_postal_code, created_at, updated_at) VALUES (?, 'Syn', "
                           "'Thetic', ?, ?, ?, ?, ?, 0, 0)",
                           -1, &p, nullptr),
        h);
  Check(sqlite3_prepare_v2(h, "INSERT INTO patient_races (patient_id, race) VALUES (?, ?)", -1,
                           &race, nullptr),
        h);
  char birth[16];
  for (int64_t i = 1; i <= n; ++i) {
    std::snprintf(birth, sizeof birth, "%04d-%02d-%02d", 1930 + static_cast<int>(rng() % 90),
                  1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28));
    sqlite3_bind_int64(p, 1, i);
    sqlite3_bind_text(p, 2, birth, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(p, 3, sexes[rng() % 2], -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 4, ethnicities[rng() % 4], -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 5, languages[rng() % 7], -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 6, zips[rng() % 8], -1, SQLITE_STATIC);
    Check(sqlite3_step(p), h);
    sqlite3_reset(p);
    // One race for most, two for some, none recorded for a few.
    int count = rng() % 20 == 0 ? 2 : (rng() % 25 == 0 ? 0 : 1);
    int first = static_cast<int>(rng() % 5);
    for (int r = 0; r < count; ++r) {
      sqlite3_bind_int64(race, 1, i);
      sqlite3_bind_text(race, 2, races[(first + r) % 5], -1, SQLITE_STATIC);
      Check(sqlite3_step(race), h);
      sqlite3_reset(race);
    }
  }
  sqlite3_finalize(p);
  sqlite3_finalize(race);
  Check(sqlite3_prepare_v2(h,
                           "INSERT INTO encounters (patient_id, encounter_class, facility, "
                           "admitted_at, discharged_at, admission_type, discharge_disposition, "
                           "status, created_at, updated_at) VALUES (?, ?, 'General', ?, ?, ?, "
                           "'home', 'finished', 0, 0)",
                           -1, &p, nullptr),
        h);
  const char* classes[] = {"inpatient", "emergency", "outpatient", "observation"};
  const char* types[] = {"emergency", "urgent", "emergency", "elective"};
  // Inpatient stays concentrate on a third of the patients, so readmissions happen.
  for (int64_t i = 0; i < 2 * n; ++i) {
    Timestamp admitted = now - static_cast<Timestamp>(rng() % 400) * kMillisPerDay -
                         static_cast<Timestamp>(rng() % kMillisPerDay);
    const char* klass = classes[rng() % 4];
    bool inpatient = std::string_view(klass) == "inpatient";
    Timestamp discharged =
        admitted +
        (inpatient ? static_cast<Timestamp>(1 + rng() % 10) * kMillisPerDay : 4 * kMillisPerHour);
    int64_t patient =
        1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(inpatient ? n / 3 : n));
    sqlite3_bind_int64(p, 1, patient);
    sqlite3_bind_text(p, 2, klass, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p, 3, admitted);
    sqlite3_bind_int64(p, 4, discharged);
    sqlite3_bind_text(p, 5, types[rng() % 4], -1, SQLITE_STATIC);
    Check(sqlite3_step(p), h);
    sqlite3_reset(p);
  }
  sqlite3_finalize(p);
  Check(sqlite3_exec(h, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr), h);
  sqlite3_close(h);
  // The stays and their flags, by the transitions rules.
  db::Database::Options o;
  o.path = path;
  auto db = db::OpenDatabase(o);
  if (!db.ok()) std::abort();
  auto stays = transitions::RecomputeAllStays(**db, TimeZone::Utc(), now);
  if (!stays.ok()) {
    std::fprintf(stderr, "%s\n", stays.status().ToString().c_str());
    std::abort();
  }
  (*db)->Close();
}

struct Setup {
  std::string path;
  Date from, to;
};

const Setup& Data() {
  static const Setup setup = [] {
    SystemClock clock;
    Setup s{Path(), {}, {}};
    if (!std::filesystem::exists(s.path)) Build(s.path, clock.Now());
    // The year of discharges ending 31 days ago, so that every window has closed.
    Date last = DateOf(clock.Now() - 31 * kMillisPerDay);
    s.to = last;
    s.from = Date(std::chrono::sys_days{last} - std::chrono::days{364});
    return s;
  }();
  return setup;
}

void Raw(benchmark::State& state, const char* sql) {
  const Setup& s = Data();
  std::string from = FormatDate(s.from), to = FormatDate(s.to);
  for (auto _ : state) {
    sqlite3* h = nullptr;
    Check(sqlite3_open_v2(s.path.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), h);
    Check(sqlite3_exec(h, "PRAGMA mmap_size = 268435456", nullptr, nullptr, nullptr), h);
    sqlite3_stmt* st = nullptr;
    Check(sqlite3_prepare_v2(h, sql, -1, &st, nullptr), h);
    sqlite3_bind_text(st, 1, from.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, to.c_str(), -1, SQLITE_TRANSIENT);
    int64_t index = 0, readmitted = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
      index += sqlite3_column_int64(st, 1);
      readmitted += sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    state.counters["index_discharges"] = static_cast<double>(index);
    state.counters["readmissions"] = static_cast<double>(readmitted);
  }
}

void BM_RawIndexDischarges(benchmark::State& state) {
  Raw(state,
      "SELECT 'all', COUNT(*), SUM(CASE WHEN readmitted_by IS NOT NULL THEN 1 ELSE 0 END) FROM "
      "acute_stays WHERE index_discharge = 1 AND discharge_date >= ?1 AND discharge_date <= ?2");
}
void BM_RawBySex(benchmark::State& state) {
  Raw(state,
      "SELECT p.administrative_sex, COUNT(*), SUM(CASE WHEN m.readmitted_by IS NOT NULL THEN 1 "
      "ELSE 0 END) FROM acute_stays m JOIN patients p ON p.id = m.patient_id WHERE "
      "m.index_discharge = 1 AND m.discharge_date >= ?1 AND m.discharge_date <= ?2 GROUP BY 1");
}

void Measure(benchmark::State& state, const std::string& by) {
  const Setup& s = Data();
  db::Database::Options o;
  o.path = s.path;
  auto db = std::move(db::OpenDatabase(o)).value();
  SystemClock clock;
  BusinessCalendar calendar(BusinessCalendar::Options{});
  TimeZone utc = TimeZone::Utc();
  outcomes::Outcomes reports(*db, clock, calendar, utc);
  auth::Principal auditor;
  auditor.user_id = 1;
  auditor.username = "bench";
  auditor.role = auth::Role::kAuditor;
  auth::Actor actor;  // no user row in the bench database: the audit record names "bench"
  actor.username = "bench";
  actor.role = "auditor";
  actor.request_id = "bench";
  outcomes::Filter f;
  f.from = s.from;
  f.to = s.to;
  f.population = "all";
  for (auto _ : state) {
    auto r = reports.Compute(auditor, actor, f, by, {"readmission_30d"});
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    state.counters["index_discharges"] = static_cast<double>((*r)[0].overall.denominator);
    state.counters["readmissions"] = static_cast<double>((*r)[0].overall.numerator);
    state.counters["groups"] = static_cast<double>((*r)[0].groups.size());
  }
  db->Close();
}

void BM_Readmission(benchmark::State& state) { Measure(state, ""); }
void BM_ReadmissionByAgeBand(benchmark::State& state) { Measure(state, "age_band"); }
void BM_ReadmissionBySex(benchmark::State& state) { Measure(state, "sex"); }
void BM_ReadmissionByRace(benchmark::State& state) { Measure(state, "race"); }
void BM_ReadmissionByEthnicity(benchmark::State& state) { Measure(state, "ethnicity"); }
void BM_ReadmissionByLanguage(benchmark::State& state) { Measure(state, "language"); }

BENCHMARK(BM_RawIndexDischarges)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_RawBySex)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_Readmission)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_ReadmissionByAgeBand)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_ReadmissionBySex)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_ReadmissionByRace)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_ReadmissionByEthnicity)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_ReadmissionByLanguage)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace
}  // namespace ck
