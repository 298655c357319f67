// Test fixtures: a fresh migrated database per test, on the backend the run
// selects, removed afterwards.
//
// The backend is SQLite unless CK_TEST_BACKEND=postgres, in which case each
// database is a new schema in the server named by CK_TEST_POSTGRES_URL
// (scripts/pg-test-cluster.sh starts a throwaway one). The whole suite runs
// once per backend.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "db/database.h"

namespace ck::testing {

// A temporary directory, and the place where test databases register their
// clean-up (dropping a PostgreSQL schema).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  void AtExit(std::function<void()> fn) const { cleanups_.push_back(std::move(fn)); }

 private:
  std::string path_;
  mutable std::vector<std::function<void()>> cleanups_;
};

// "sqlite" or "postgres", from CK_TEST_BACKEND.
std::string TestBackend();

// A new, empty database location on `backend`: a file in `dir` for SQLite, a
// postgresql:// URL of a new schema (dropped with `dir`) for PostgreSQL.
std::string NewDatabasePath(const TempDir& dir, const std::string& name,
                            const std::string& backend = TestBackend());

// Opens a new database of `backend`; migrated unless told otherwise.
std::unique_ptr<db::Database> OpenTestDatabase(const TempDir& dir,
                                               const std::string& backend = TestBackend(),
                                               bool migrate = true, int readers = 4);

// Runs SQL statements against the database at `path` outside casekeeper's own
// code, as an intruder or an older/newer binary would (tests of tamper
// detection and version checks).
ck::Status ExecSql(const std::string& path, const std::string& sql);

}  // namespace ck::testing
