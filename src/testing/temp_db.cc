#include "testing/temp_db.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>

namespace ck::testing {
namespace {

std::string PostgresBaseUrl() {
  const char* url = std::getenv("CK_TEST_POSTGRES_URL");
  return url ? url : "";
}

std::string WithSearchPath(const std::string& url, const std::string& schema) {
  std::string sep = url.find('?') == std::string::npos ? "?" : "&";
  return url + sep + "options=-csearch_path%3D" + schema;
}

Status RunOn(const std::string& path, const std::string& sql) {
  db::Database::Options o;
  o.path = path;
  o.migrate = false;
  o.create = false;
  o.readers = 1;
  auto db = db::OpenDatabase(o);
  if (!db.ok()) return db.status();
  return (*db)->Write([&](db::Connection& c) { return c.ExecScript(sql); });
}

}  // namespace

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "casekeeper-test-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  if (!made) throw std::runtime_error("mkdtemp failed");
  path_ = made;
}

TempDir::~TempDir() {
  for (auto it = cleanups_.rbegin(); it != cleanups_.rend(); ++it) (*it)();
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TestBackend() {
  const char* b = std::getenv("CK_TEST_BACKEND");
  return b && std::string(b) == "postgres" ? "postgres" : "sqlite";
}

std::string NewDatabasePath(const TempDir& dir, const std::string& name,
                            const std::string& backend) {
  if (backend != "postgres") return dir.File(name);
  std::string base = PostgresBaseUrl();
  if (base.empty()) {
    ADD_FAILURE() << "CK_TEST_BACKEND=postgres needs CK_TEST_POSTGRES_URL";
    return dir.File(name);
  }
  static std::atomic<int> counter{0};
  static const uint64_t run = std::random_device{}();
  std::string schema = "ck_test_" + std::to_string(getpid()) + "_" + std::to_string(run % 100000) +
                       "_" + std::to_string(++counter);
  Status st = RunOn(base, "CREATE SCHEMA " + schema);
  if (!st.ok()) ADD_FAILURE() << st.ToString();
  dir.AtExit([base, schema] { (void)RunOn(base, "DROP SCHEMA IF EXISTS " + schema + " CASCADE"); });
  return WithSearchPath(base, schema);
}

std::unique_ptr<db::Database> OpenTestDatabase(const TempDir& dir, const std::string& backend,
                                               bool migrate, int readers) {
  db::Database::Options o;
  o.path = NewDatabasePath(dir, "test.db", backend);
  o.migrate = migrate;
  o.readers = readers;
  auto db = db::OpenDatabase(o);
  if (!db.ok()) {
    ADD_FAILURE() << db.status().ToString();
    return nullptr;
  }
  return std::move(db).value();
}

Status ExecSql(const std::string& path, const std::string& sql) { return RunOn(path, sql); }

}  // namespace ck::testing
