// FHIR R4 import on SQLite, side by side in one run, over the shared Synthea
// data (../shared/data/synthea, 91 patients, 35,985 resources of which 22,885
// are kinds casekeeper keeps):
//   FhirImportNdjson        the Bulk Data NDJSON that `export fhir` wrote from it,
//                           into an empty database (the bulk-load path)
//   FhirImportBundles       the Synthea transaction Bundles themselves (every
//                           resource parsed, unsupported kinds passed over)
//   FhirExportNdjson        writing that NDJSON again
//   RawSqliteSameRows       raw sqlite3 inserting the very rows the import
//                           wrote (every table, prepared statements, 1,000 a
//                           transaction): the floor for the database work
// Target (issue #8): FHIR import >= 20,000 resources/s.
#include <benchmark/benchmark.h>
#include <sqlite3.h>  // the baseline only

#include <chrono>
#include <filesystem>

#include "db/database.h"
#include "interop/fhir/exporter.h"
#include "interop/fhir/importer.h"

namespace ck {
namespace {

namespace fs = std::filesystem;

fs::path Dir() {
  auto dir = fs::temp_directory_path() / "casekeeper-bench";
  fs::create_directories(dir);
  return dir;
}

std::string FreshPath(const std::string& name) {
  std::string path = (Dir() / name).string();
  for (const char* s : {"", "-wal", "-shm"}) fs::remove(path + s);
  return path;
}

std::unique_ptr<db::Database> Open(const std::string& path) {
  db::Database::Options o;
  o.path = path;
  return std::move(db::OpenDatabase(o)).value();
}

std::vector<std::string> SyntheaFiles() {
  std::vector<std::string> files;
  for (const char* sub : {"smart-generated-sample-data-r4", "fhir-data-pipes-synthea-hiv"}) {
    fs::path dir = fs::path("../shared/data/synthea") / sub;
    if (!fs::exists(dir)) dir = fs::path("../../shared/data/synthea") / sub;  // from build/
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The Synthea data imported once (the source of the NDJSON and of the raw rows).
struct Fixture {
  std::string db_path = FreshPath("fhir_source.db");
  std::vector<std::string> ndjson;
  int64_t imported = 0;
  Fixture() {
    SystemClock clock;
    auto db = Open(db_path);
    fhir::Importer importer(*db, clock, {});
    if (!importer.ImportFiles(SyntheaFiles()).ok()) return;
    imported = importer.report().Imported();
    fs::remove_all(Dir() / "fhir_ndjson");
    auto report = fhir::ExportNdjson(*db, (Dir() / "fhir_ndjson").string());
    if (report.ok()) ndjson = report->files;
    db->Close();
  }
};

const Fixture& Source() {
  static const Fixture f;
  return f;
}

void Import(benchmark::State& state, const std::vector<std::string>& files) {
  int64_t imported = 0, read = 0;
  for (auto _ : state) {
    auto db = Open(FreshPath("fhir_import.db"));
    SystemClock clock;
    fhir::Importer importer(*db, clock, {});
    auto start = std::chrono::steady_clock::now();
    if (!importer.ImportFiles(files).ok()) return state.SkipWithError("import failed");
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(secs);
    imported = importer.report().Imported();
    read = importer.report().resources_read;
    state.counters["imported_per_s"] = static_cast<double>(imported) / secs;
    state.counters["read_per_s"] = static_cast<double>(read) / secs;
    db->Close();
  }
  state.counters["imported"] = static_cast<double>(imported);
}

void BM_FhirImportNdjson(benchmark::State& state) {
  if (Source().ndjson.empty()) return state.SkipWithError("no NDJSON (is ../shared/data there?)");
  Import(state, Source().ndjson);
}
BENCHMARK(BM_FhirImportNdjson)->Unit(benchmark::kMillisecond)->Iterations(3)->UseManualTime();

void BM_FhirImportBundles(benchmark::State& state) {
  if (Source().imported == 0) return state.SkipWithError("no Synthea data");
  Import(state, SyntheaFiles());
}
BENCHMARK(BM_FhirImportBundles)->Unit(benchmark::kMillisecond)->Iterations(3)->UseManualTime();

void BM_FhirExportNdjson(benchmark::State& state) {
  if (Source().imported == 0) return state.SkipWithError("no Synthea data");
  auto db = Open(Source().db_path);
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    auto report = fhir::ExportNdjson(*db, (Dir() / "fhir_ndjson_again").string());
    if (!report.ok()) return state.SkipWithError("export failed");
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(secs);
    int64_t n = 0;
    for (const auto& [_, c] : report->counts) n += c;
    state.counters["resources_per_s"] = static_cast<double>(n) / secs;
  }
  db->Close();
}
BENCHMARK(BM_FhirExportNdjson)->Unit(benchmark::kMillisecond)->Iterations(3)->UseManualTime();

// Every row the import wrote, inserted again by raw sqlite3 into an empty
// database with the same schema.
void BM_RawSqliteSameRows(benchmark::State& state) {
  if (Source().imported == 0) return state.SkipWithError("no Synthea data");
  static const char* kTables[] = {"patients",
                                  "patient_identifiers",
                                  "patient_phones",
                                  "patient_races",
                                  "directory_entries",
                                  "fhir_identifiers",
                                  "encounters",
                                  "conditions",
                                  "observations",
                                  "procedures",
                                  "medications",
                                  "allergies",
                                  "external_care_plans",
                                  "external_goals",
                                  "fhir_resources",
                                  "audit_log"};
  for (auto _ : state) {
    std::string path = FreshPath("fhir_raw.db");
    Open(path)->Close();  // the schema
    sqlite3* h = nullptr;
    sqlite3_open(path.c_str(), &h);
    sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF",
                 nullptr, nullptr, nullptr);
    // Triggers guard the audit log against edits, not inserts; drop none.
    std::string attach = "ATTACH DATABASE '" + Source().db_path + "' AS src";
    sqlite3_exec(h, attach.c_str(), nullptr, nullptr, nullptr);
    int64_t rows = 0;
    auto start = std::chrono::steady_clock::now();
    for (const char* table : kTables) {
      sqlite3_stmt* read = nullptr;
      std::string select = std::string("SELECT * FROM src.") + table;
      if (sqlite3_prepare_v2(h, select.c_str(), -1, &read, nullptr) != SQLITE_OK)
        return state.SkipWithError(sqlite3_errmsg(h));
      int cols = sqlite3_column_count(read);
      std::string insert = std::string("INSERT INTO main.") + table + " VALUES (";
      for (int i = 0; i < cols; ++i) insert += i ? ", ?" : "?";
      insert += ")";
      sqlite3_stmt* write = nullptr;
      if (sqlite3_prepare_v2(h, insert.c_str(), -1, &write, nullptr) != SQLITE_OK)
        return state.SkipWithError(sqlite3_errmsg(h));
      sqlite3_exec(h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
      int in_tx = 0;
      while (sqlite3_step(read) == SQLITE_ROW) {
        for (int i = 0; i < cols; ++i)
          sqlite3_bind_value(write, i + 1, sqlite3_column_value(read, i));
        if (sqlite3_step(write) != SQLITE_DONE) return state.SkipWithError(sqlite3_errmsg(h));
        sqlite3_reset(write);
        ++rows;
        if (++in_tx == 1000) {
          sqlite3_exec(h, "COMMIT; BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
          in_tx = 0;
        }
      }
      sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
      sqlite3_finalize(read);
      sqlite3_finalize(write);
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(secs);
    sqlite3_close(h);
    state.counters["rows"] = static_cast<double>(rows);
    state.counters["resources_per_s"] = static_cast<double>(Source().imported) / secs;
  }
}
BENCHMARK(BM_RawSqliteSameRows)->Unit(benchmark::kMillisecond)->Iterations(3)->UseManualTime();

}  // namespace
}  // namespace ck
