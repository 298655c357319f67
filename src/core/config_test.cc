#include "core/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/temp_db.h"

namespace ck {
namespace {

TEST(Config, DefaultsAreSafe) {
  auto c = LoadConfig("", nullptr);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->http.listen, "127.0.0.1:8080");
  EXPECT_FALSE(c->http.allow_plaintext_non_loopback);
  EXPECT_EQ(c->auth.session_idle_minutes, 15);
}

TEST(Config, FileThenEnvironment) {
  testing::TempDir dir;
  std::string path = dir.File("c.toml");
  std::ofstream(path)
      << "[http]\nlisten = \"127.0.0.1:9000\"\nmax_body_bytes = 4096\n"
         "[calendar]\nholidays = [\"2026-12-24\"]\n[auth]\nsession_idle_minutes = 10\n";
  std::string e1 = "CASEKEEPER_AUTH_SESSION_IDLE_MINUTES=5", e2 = "UNRELATED=1";
  char* env[] = {e1.data(), e2.data(), nullptr};
  auto c = LoadConfig(path, env);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->http.listen, "127.0.0.1:9000");
  EXPECT_EQ(c->http.max_body_bytes, 4096);
  EXPECT_EQ(c->auth.session_idle_minutes, 5);
  ASSERT_EQ(c->calendar.holidays.size(), 1u);
  EXPECT_EQ(FormatDate(c->calendar.holidays[0]), "2026-12-24");
}

TEST(Config, ErrorsNameTheKey) {
  testing::TempDir dir;
  struct Case {
    const char* toml;
    const char* field;
  } cases[] = {
      {"[http]\nlisen = \"x\"\n", "http.lisen"},
      {"[http]\nmax_body_bytes = \"big\"\n", "http.max_body_bytes"},
      {"[http]\nmax_body_bytes = 10\n", "http.max_body_bytes"},
      {"[db]\nsynchronous = \"sometimes\"\n", "db.synchronous"},
      {"[calendar]\nholidays = [\"2026-02-30\"]\n", "calendar.holidays"},
      {"top = 1\n", "top"},
  };
  for (const Case& c : cases) {
    std::string path = dir.File("bad.toml");
    std::ofstream(path) << c.toml;
    auto r = LoadConfig(path, nullptr);
    ASSERT_FALSE(r.ok()) << c.toml;
    EXPECT_EQ(r.status().field(), c.field) << c.toml;
  }
  std::string e = "CASEKEEPER_HTTP_IO_THREADS=zero";
  char* env[] = {e.data(), nullptr};
  EXPECT_EQ(LoadConfig("", env).status().field(), "http.io_threads");
}

TEST(Config, SyntaxErrorIsReported) {
  testing::TempDir dir;
  std::string path = dir.File("broken.toml");
  std::ofstream(path) << "[http\nlisten=";
  auto r = LoadConfig(path, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
}

TEST(HostPort, Parses) {
  auto a = ParseHostPort("127.0.0.1:8080", "x");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto b = ParseHostPort("[::1]:0", "x");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  for (const char* bad : {"", "8080", ":80", "host:", "host:99999", "host:8x"})
    EXPECT_FALSE(ParseHostPort(bad, "http.listen").ok()) << bad;
}

}  // namespace
}  // namespace ck
