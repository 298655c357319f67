// Test fixtures: a fresh migrated database in a temporary directory, removed
// afterwards. Backends are named so the conformance suites run on each.
#pragma once

#include <memory>
#include <string>

#include "db/database.h"

namespace ck::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Opens a new database of `backend` ("sqlite"); migrated unless told otherwise.
std::unique_ptr<db::Database> OpenTestDatabase(const TempDir& dir, const std::string& backend,
                                               bool migrate = true, int readers = 4);

}  // namespace ck::testing
