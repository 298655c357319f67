// Population stratification at health-plan scale: 1,000,000 patients with
// 5,000,000 conditions and 2,000,000 encounters (CK_BENCH_STRATIFY_PATIENTS
// scales all three). Side by side in one run:
//   BareScan          raw sqlite3 stepping over the same rows and columns
//   BareScanMapped    the same with the file memory-mapped, as casekeeper's readers do
//   StratifyFirstRun  casekeeper stratify with an empty patient_risk (writes every row)
//   StratifyRerun     the nightly case: nothing changed, nothing written
// Target (issue #4): StratifyFirstRun under 30 s and within 3x BareScan.
#include <benchmark/benchmark.h>
#include <sqlite3.h>  // the baseline and bulk loading only

#include <cstdlib>
#include <filesystem>
#include <random>

#include "bench_support.h"
#include "db/database.h"
#include "risk/stratify.h"

namespace ck {
namespace {

int64_t PatientCount() { return bench::Scale("CK_BENCH_STRATIFY_PATIENTS", 1000000); }

constexpr const char* kCodes[] = {
    "I50.9",  "I50.22",  "J44.9",  "J45.40",  "E11.9",   "E11.22", "E11.65", "I10",
    "I25.10", "I21.4",   "I63.9",  "N18.3",   "N18.4",   "F32.9",  "F41.1",  "F03.90",
    "G30.9",  "C50.911", "C78.00", "C34.90",  "K70.30",  "K74.60", "K72.10", "B20",
    "M05.79", "M32.9",   "K25.9",  "I70.209", "G81.90",  "E78.5",  "Z79.4",  "M54.5",
    "R07.9",  "J18.9",   "N39.0",  "E66.9",   "F17.210", "Z91.19", "I48.91", "D64.9"};

std::string Path() { return bench::CachedDatabase("stratify", PatientCount()); }

using bench::Check;

// Creates the schema through casekeeper, then bulk-loads synthetic rows.
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
  std::mt19937_64 rng(42);
  const int64_t n = PatientCount();
  sqlite3_stmt* p = nullptr;
  Check(sqlite3_prepare_v2(h,
                           "INSERT INTO patients (id, given_name, family_name, birth_date, "
                           "administrative_sex, created_at, updated_at) VALUES (?, 'Syn', "
                           "'Thetic', ?, 'female', 0, 0)",
                           -1, &p, nullptr),
        h);
  char birth[16];
  for (int64_t i = 1; i <= n; ++i) {
    std::snprintf(birth, sizeof birth, "%04d-%02d-%02d", 1930 + static_cast<int>(rng() % 80),
                  1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28));
    sqlite3_bind_int64(p, 1, i);
    sqlite3_bind_text(p, 2, birth, -1, SQLITE_TRANSIENT);
    Check(sqlite3_step(p), h);
    sqlite3_reset(p);
  }
  sqlite3_finalize(p);
  Check(sqlite3_prepare_v2(h,
                           "INSERT INTO conditions (patient_id, code, status, created_at, "
                           "updated_at) VALUES (?, ?, 'active', 0, 0)",
                           -1, &p, nullptr),
        h);
  constexpr size_t kCodeCount = sizeof kCodes / sizeof kCodes[0];
  for (int64_t i = 0; i < 5 * n; ++i) {
    sqlite3_bind_int64(p, 1, 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(n)));
    sqlite3_bind_text(p, 2, kCodes[rng() % kCodeCount], -1, SQLITE_STATIC);
    Check(sqlite3_step(p), h);
    sqlite3_reset(p);
  }
  sqlite3_finalize(p);
  Check(sqlite3_prepare_v2(h,
                           "INSERT INTO encounters (patient_id, encounter_class, facility, "
                           "admitted_at, discharged_at, admission_type, diagnoses, status, "
                           "created_at, updated_at) VALUES (?, ?, 'General', ?, ?, ?, ?, "
                           "'finished', 0, 0)",
                           -1, &p, nullptr),
        h);
  const char* classes[] = {"inpatient", "emergency", "outpatient", "observation"};
  const char* types[] = {"emergency", "urgent", "elective"};
  for (int64_t i = 0; i < 2 * n; ++i) {
    Timestamp admitted = now - static_cast<Timestamp>(rng() % 400) * kMillisPerDay -
                         static_cast<Timestamp>(rng() % kMillisPerDay);
    const char* klass = classes[rng() % 4];
    Timestamp discharged =
        admitted + (std::string_view(klass) == "inpatient"
                        ? static_cast<Timestamp>(rng() % 12) * kMillisPerDay + kMillisPerHour
                        : 4 * kMillisPerHour);
    sqlite3_bind_int64(p, 1, 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(n)));
    sqlite3_bind_text(p, 2, klass, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p, 3, admitted);
    sqlite3_bind_int64(p, 4, discharged);
    sqlite3_bind_text(p, 5, types[rng() % 3], -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 6, kCodes[rng() % kCodeCount], -1, SQLITE_STATIC);
    Check(sqlite3_step(p), h);
    sqlite3_reset(p);
  }
  sqlite3_finalize(p);
  Check(sqlite3_exec(h, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr), h);
  sqlite3_close(h);
}

const std::string& Database() {
  static const std::string path = [] {
    std::string p = Path();
    if (!std::filesystem::exists(p)) Build(p, SystemClock().Now());
    return p;
  }();
  return path;
}

// mmap: whether the baseline maps the file as casekeeper's readers do.
void BareScan(benchmark::State& state, bool mmap) {
  const std::string& path = Database();
  for (auto _ : state) {
    sqlite3* h = nullptr;
    Check(sqlite3_open_v2(path.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), h);
    if (mmap) Check(sqlite3_exec(h, "PRAGMA mmap_size = 268435456", nullptr, nullptr, nullptr), h);
    int64_t rows = 0, sum = 0;
    for (const char* sql :
         {"SELECT id, birth_date FROM patients WHERE merged_into_id IS NULL",
          "SELECT patient_id, code FROM conditions WHERE status <> 'entered_in_error'",
          "SELECT patient_id, encounter_class, admitted_at, discharged_at, admission_type, "
          "diagnoses, id FROM encounters WHERE status NOT IN ('cancelled', 'entered_in_error')"}) {
      sqlite3_stmt* s = nullptr;
      Check(sqlite3_prepare_v2(h, sql, -1, &s, nullptr), h);
      while (sqlite3_step(s) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(s); ++c) {
          if (sqlite3_column_type(s, c) == SQLITE_TEXT)
            sum += sqlite3_column_bytes(s, c) + *sqlite3_column_text(s, c);
          else
            sum += sqlite3_column_int64(s, c);
        }
        ++rows;
      }
      sqlite3_finalize(s);
    }
    sqlite3_close(h);
    benchmark::DoNotOptimize(sum);
    state.counters["rows"] = static_cast<double>(rows);
  }
}

void BM_BareScan(benchmark::State& state) { BareScan(state, false); }
void BM_BareScanMapped(benchmark::State& state) { BareScan(state, true); }

void RunStratify(benchmark::State& state, bool clear) {
  db::Database::Options o;
  o.path = Database();
  auto db = std::move(db::OpenDatabase(o)).value();
  SystemClock clock;
  for (auto _ : state) {
    if (clear) {
      state.PauseTiming();
      (void)db->Write(
          [](db::Connection& c) { return c.Exec("DELETE FROM patient_risk").status(); });
      state.ResumeTiming();
    }
    auto run = risk::Stratify(*db, clock, risk::TierRules::Builtin(), {.trigger = "bench"});
    if (!run.ok()) state.SkipWithError(run.status().ToString().c_str());
    state.counters["patients"] = static_cast<double>(run->patients);
    state.counters["changed"] = static_cast<double>(run->changed);
    state.counters["tier1"] = static_cast<double>(run->tier_counts[1]);
  }
  db->Close();
}

void BM_StratifyFirstRun(benchmark::State& state) { RunStratify(state, true); }
void BM_StratifyRerun(benchmark::State& state) { RunStratify(state, false); }

BENCHMARK(BM_BareScan)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_BareScanMapped)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_StratifyFirstRun)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_StratifyRerun)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace ck
