// What the population benchmarks share: their scale from the environment, a
// cached database file per scale under /tmp/casekeeper-bench/, and sqlite3
// error checks for the bulk loading and raw baselines.
#pragma once

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace ck::bench {

// The number of patients: the environment variable `name`, else `fallback`.
inline int64_t Scale(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoll(v) : fallback;
}

// The cached database file for `stem` at `patients` (a new layout: a new stem).
inline std::string CachedDatabase(const std::string& stem, int64_t patients) {
  auto dir = std::filesystem::temp_directory_path() / "casekeeper-bench";
  std::filesystem::create_directories(dir);
  return (dir / (stem + "-" + std::to_string(patients) + ".db")).string();
}

// Aborts with sqlite's message on anything but OK, DONE or ROW.
inline void Check(int rc, sqlite3* h) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(h));
    std::abort();
  }
}

}  // namespace ck::bench
