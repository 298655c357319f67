#include "testing/temp_db.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace ck::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "casekeeper-test-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  if (!made) throw std::runtime_error("mkdtemp failed");
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::unique_ptr<db::Database> OpenTestDatabase(const TempDir& dir, const std::string& backend,
                                               bool migrate, int readers) {
  if (backend != "sqlite") {
    ADD_FAILURE() << "unknown backend " << backend;
    return nullptr;
  }
  db::Database::Options o;
  o.path = dir.File("test.db");
  o.migrate = migrate;
  o.readers = readers;
  auto db = db::OpenDatabase(o);
  if (!db.ok()) {
    ADD_FAILURE() << db.status().ToString();
    return nullptr;
  }
  return std::move(db).value();
}

}  // namespace ck::testing
