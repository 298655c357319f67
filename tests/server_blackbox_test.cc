// Black-box tests of `casekeeper serve`: the real binary on a free loopback port.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "server_process.h"
#include "testing/temp_db.h"

namespace ck::blackbox {
namespace {

using Json = nlohmann::json;
constexpr const char* kDemoPassword = "casekeeper-demo";

class DemoServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    server_ = new ServerProcess(testing::NewDatabasePath(*dir_, "demo.db"), {"--demo"},
                                {"CASEKEEPER_HTTP_MAX_BODY_BYTES=4096"});
    ASSERT_TRUE(server_->started()) << server_->Stderr();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static int port() { return server_->port(); }
  static std::map<std::string, std::string> Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  static testing::TempDir* dir_;
  static ServerProcess* server_;
};
testing::TempDir* DemoServerTest::dir_ = nullptr;
ServerProcess* DemoServerTest::server_ = nullptr;

TEST_F(DemoServerTest, BannerPrintsTheDemoLogins) {
  EXPECT_NE(server_->banner().find("cm.rivera"), std::string::npos);
  EXPECT_NE(server_->banner().find(kDemoPassword), std::string::npos);
}

TEST_F(DemoServerTest, HealthzAndSecurityHeaders) {
  HttpResponse r = Http(port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["status"], "ok");
  EXPECT_NE(r.headers["content-security-policy"].find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(r.headers["x-frame-options"], "DENY");
  EXPECT_EQ(r.headers["cache-control"], "no-store");
  EXPECT_EQ(r.headers["x-request-id"].size(), 16u);
}

TEST_F(DemoServerTest, RequestIdIsEchoedWhenSane) {
  EXPECT_EQ(
      Http(port(), "GET", "/healthz", "", {{"X-Request-Id", "abc-123"}}).headers["x-request-id"],
      "abc-123");
  EXPECT_NE(Http(port(), "GET", "/healthz", "", {{"X-Request-Id", "bad id<script>"}})
                .headers["x-request-id"],
            "bad id<script>");
}

TEST_F(DemoServerTest, LoginSetsAHardenedCookieAndTheTokenWorks) {
  HttpResponse r = Http(port(), "POST", "/api/v1/auth/login",
                        Json{{"username", "cm.rivera"}, {"password", kDemoPassword}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string& cookie = r.headers["set-cookie"];
  EXPECT_NE(cookie.find("ck_session=cks_"), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  std::string token = Json::parse(r.body)["token"];
  HttpResponse me = Http(port(), "GET", "/api/v1/auth/me", "", Bearer(token));
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(Json::parse(me.body)["username"], "cm.rivera");
  std::string session = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(Http(port(), "GET", "/api/v1/auth/me", "", {{"Cookie", session}}).status, 200);
  EXPECT_EQ(Http(port(), "POST", "/api/v1/auth/logout", "", Bearer(token)).status, 200);
  EXPECT_EQ(Http(port(), "GET", "/api/v1/auth/me", "", Bearer(token)).status, 401);
}

TEST_F(DemoServerTest, WrongPasswordIs401WithJsonError) {
  HttpResponse r = Http(port(), "POST", "/api/v1/auth/login",
                        Json{{"username", "cm.chen"}, {"password", "nope-nope-nope"}}.dump());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Json::parse(r.body)["error"], "invalid username or password");
  EXPECT_EQ(Http(port(), "POST", "/api/v1/auth/login", R"({"username":"cm.chen"})").status, 400);
}

TEST_F(DemoServerTest, UnauthenticatedApiCallsAre401) {
  for (const char* path : {"/api/v1/patients", "/api/v1/patients/1", "/api/v1/users",
                           "/api/v1/audit", "/api/v1/auth/me"}) {
    HttpResponse r = Http(port(), "GET", path);
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_TRUE(Json::parse(r.body).contains("error")) << path;
  }
  EXPECT_EQ(Http(port(), "GET", "/api/v1/patients", "", Bearer("cks_forged")).status, 401);
}

TEST_F(DemoServerTest, ForbiddenIs403) {
  std::string admin = Login(port(), "admin", kDemoPassword);
  ASSERT_FALSE(admin.empty());
  EXPECT_EQ(Http(port(), "GET", "/api/v1/patients/1", "", Bearer(admin)).status, 403);
  std::string cm = Login(port(), "cm.chen", kDemoPassword);
  EXPECT_EQ(Http(port(), "GET", "/api/v1/users", "", Bearer(cm)).status, 403);
  EXPECT_EQ(Http(port(), "GET", "/api/v1/users", "", Bearer(admin)).status, 200);
}

TEST_F(DemoServerTest, StaffNamesAreForEveryoneSignedInWithoutAccountDetails) {
  std::string cm = Login(port(), "cm.chen", kDemoPassword);
  HttpResponse r = Http(port(), "GET", "/api/v1/staff", "", Bearer(cm));
  ASSERT_EQ(r.status, 200) << r.body;
  Json items = Json::parse(r.body)["items"];
  ASSERT_GT(items.size(), 3u);
  for (const Json& u : items) {
    EXPECT_FALSE(u.contains("username")) << u.dump();
    EXPECT_FALSE(u.contains("locked_until")) << u.dump();
    EXPECT_NE(u["role"], "integration");
    EXPECT_FALSE(u["display_name"].get<std::string>().empty());
  }
  EXPECT_EQ(Http(port(), "GET", "/api/v1/staff").status, 401);
}

TEST_F(DemoServerTest, DemoCaseloadIsThereAndScopedToTheCaseManager) {
  std::string token = Login(port(), "cm.rivera", kDemoPassword);
  HttpResponse r = Http(port(), "GET", "/api/v1/patients?limit=500", "", Bearer(token));
  ASSERT_EQ(r.status, 200);
  auto items = Json::parse(r.body)["items"];
  EXPECT_GT(items.size(), 20u);
  EXPECT_LT(items.size(), 240u);
  int64_t mine = items[0]["id"];
  EXPECT_EQ(
      Http(port(), "GET", "/api/v1/patients/" + std::to_string(mine), "", Bearer(token)).status,
      200);
}

TEST_F(DemoServerTest, OversizedBodyIs413) {
  std::string token = Login(port(), "cm.rivera", kDemoPassword);
  std::string big = "{\"given_name\":\"" + std::string(10000, 'a') + "\"}";
  HttpResponse r = Http(port(), "POST", "/api/v1/patients", big, Bearer(token));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Json::parse(r.body)["field"], "body");
  EXPECT_EQ(Http(port(), "GET", "/healthz").status, 200);
}

TEST_F(DemoServerTest, MalformedJsonIs400NamingTheField) {
  std::string token = Login(port(), "cm.rivera", kDemoPassword);
  HttpResponse r =
      Http(port(), "POST", "/api/v1/patients", "{\"given_name\": \"A\",", Bearer(token));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["field"], "body");
  HttpResponse typed = Http(
      port(), "POST", "/api/v1/patients",
      R"({"given_name":"A","family_name":"B","birth_date":19900101,"administrative_sex":"male"})",
      Bearer(token));
  EXPECT_EQ(typed.status, 400);
  EXPECT_EQ(Json::parse(typed.body)["field"], "birth_date");
}

TEST_F(DemoServerTest, MalformedHttpIs400AndTheServerCarriesOn) {
  std::string reply = RawExchange(port(), "GARBAGE\r\n\r\n");
  EXPECT_NE(reply.find("400"), std::string::npos) << reply;
  std::string bad_header = RawExchange(port(), "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n");
  EXPECT_NE(bad_header.find("400"), std::string::npos) << bad_header;
  EXPECT_EQ(Http(port(), "GET", "/healthz").status, 200);
}

TEST_F(DemoServerTest, RandomBytesNeverCrashTheServer) {
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::string junk(static_cast<size_t>(rng() % 2048), '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    if (i % 3 == 0) junk = "POST /api/v1/auth/login HTTP/1.1\r\nContent-Length: 40\r\n\r\n" + junk;
    RawExchange(port(), junk, 50);
  }
  EXPECT_EQ(Http(port(), "GET", "/healthz").status, 200);
  std::string token = Login(port(), "cm.johnson", kDemoPassword);
  EXPECT_FALSE(token.empty());
}

TEST_F(DemoServerTest, MetricsCountRequestsByRoute) {
  Http(port(), "GET", "/healthz");
  HttpResponse r = Http(port(), "GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(
                "casekeeper_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(r.body.find("casekeeper_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_EQ(r.body.find("/api/v1/patients/1\""), std::string::npos)
      << "raw paths never become labels";
}

TEST_F(DemoServerTest, AuditorSeesTheTrailAndItVerifies) {
  std::string auditor = Login(port(), "auditor.patel", kDemoPassword);
  HttpResponse verify = Http(port(), "GET", "/api/v1/audit/verify", "", Bearer(auditor));
  ASSERT_EQ(verify.status, 200);
  EXPECT_TRUE(Json::parse(verify.body)["intact"].get<bool>());
  HttpResponse list = Http(port(), "GET", "/api/v1/audit?limit=5", "", Bearer(auditor));
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Json::parse(list.body)["items"].size(), 5u);
}

// The demo shows both sides of a worklist snooze: an item hidden (cm.garcia's,
// counted on the team's list) and one back from a snooze with its reason.
TEST_F(DemoServerTest, TheDemoHasASnoozedItemAndOneBackFromASnooze) {
  Json team = Json::parse(Http(port(), "GET", "/api/v1/team/worklist?include_snoozed=true", "",
                               Bearer(Login(port(), "sup.novak", kDemoPassword)))
                              .body);
  EXPECT_EQ(team["snoozed"], 1);
  int hidden = 0;
  for (const Json& it : team["items"])
    if (!it["snooze"].is_null() && it["snooze"]["active"] == true) ++hidden;
  EXPECT_EQ(hidden, 1);
  Json mine = Json::parse(Http(port(), "GET", "/api/v1/worklist?limit=500", "",
                               Bearer(Login(port(), "cm.nguyen", kDemoPassword)))
                              .body);
  int back = 0;
  for (const Json& it : mine["items"])
    if (!it["snooze"].is_null() && it["snooze"]["active"] == false &&
        it["reasons"].dump().find("back from a snooze") != std::string::npos)
      ++back;
  EXPECT_EQ(back, 1);
}

// Issue #9: the demo data makes every report say something.
TEST_F(DemoServerTest, TheDemoMakesEveryReportMeaningful) {
  std::string sup = Login(port(), "sup.okafor", kDemoPassword);
  std::string auditor = Login(port(), "auditor.patel", kDemoPassword);
  HttpResponse org = Http(port(), "GET", "/api/v1/organisation", "", Bearer(sup));
  ASSERT_EQ(org.status, 200) << org.body;
  Json o = Json::parse(org.body);
  EXPECT_FALSE(o["time_zone"].get<std::string>().empty());
  EXPECT_GE(o["programs"].size(), 4u);
  EXPECT_FALSE(o["payers"].empty());
  EXPECT_EQ(o["snooze_max_days"], 30);
  const std::string today = o["today"];
  const std::string year_ago = std::to_string(std::stoi(today.substr(0, 4)) - 1) + today.substr(4);
  const std::string period = "from=" + year_ago + "&to=" + today;

  Json outcomes = Json::parse(
      Http(port(), "GET", "/api/v1/reports/outcomes?population=all&" + period, "", Bearer(auditor))
          .body);
  ASSERT_EQ(outcomes["measures"].size(), 14u);
  for (const Json& m : outcomes["measures"])
    EXPECT_GT(m["overall"]["denominator"].get<int64_t>(), 0) << m["key"];

  Json team = Json::parse(Http(port(), "GET", "/api/v1/supervision/team", "", Bearer(sup)).body);
  ASSERT_FALSE(team["items"].empty());
  for (const Json& m : team["items"]) {
    EXPECT_GT(m["open_cases"].get<int>(), 0);
    EXPECT_GT(m["compliance_checked"].get<int>(), m["compliance_met"].get<int>())
        << "some findings to act on";
  }
  Json coverages =
      Json::parse(Http(port(), "GET", "/api/v1/supervision/coverages", "", Bearer(sup)).body);
  EXPECT_EQ(coverages["items"].size(), 1u);

  Json evaluation = Json::parse(
      Http(
          port(), "GET",
          "/api/v1/reports/program-evaluation?program=heart_failure_transitions&months=3&" + period,
          "", Bearer(auditor))
          .body);
  for (const Json& cohort : evaluation["cohorts"]) {
    EXPECT_GT(cohort["patients"].get<int64_t>(), 0) << cohort["group"];
    EXPECT_GT(cohort["measures"][0]["before"]["events"].get<int64_t>(), 0) << cohort["group"];
  }
  for (const char* pack : {"ncqa_case_management", "hedis_trc", "hedis_fmc", "hedis_pcr"}) {
    Json r = Json::parse(Http(port(), "GET",
                              std::string("/api/v1/reports/measure-packs/") + pack + "?" + period,
                              "", Bearer(auditor))
                             .body);
    for (const Json& m : r["measures"])
      EXPECT_GT(m["denominator"].get<int64_t>(), 0) << pack << " " << m["key"];
  }
}

TEST_F(DemoServerTest, OpenApiDescribesEveryRoute) {
  HttpResponse r = Http(port(), "GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  Json doc = Json::parse(r.body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  const Json& paths = doc["paths"];
  for (const char* p :
       {"/api/v1/patients", "/api/v1/patients/{patient_id}", "/api/v1/cases/{case_id}/transitions",
        "/api/v1/notes/{note_id}/sign", "/api/v1/auth/login", "/healthz"}) {
    EXPECT_TRUE(paths.contains(p)) << p;
  }
  const Json& patch = paths["/api/v1/patients/{patient_id}"]["patch"];
  EXPECT_EQ(patch["x-casekeeper-permission"], "patient.write");
  EXPECT_EQ(patch["parameters"][0]["name"], "patient_id");
  EXPECT_TRUE(patch["responses"].contains("409"));
  EXPECT_TRUE(paths["/api/v1/auth/login"]["post"]["security"].empty());
}

TEST_F(DemoServerTest, HeadGivesHeadersOnly) {
  HttpResponse r = Http(port(), "HEAD", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(DemoServerTest, ManyConcurrentClients) {
  std::string token = Login(port(), "cm.rivera", kDemoPassword);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (Http(port(), "GET", "/api/v1/patients?limit=5", "", Bearer(token)).status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 200);
}

TEST(ServeTest, RefusesPlainHttpOnANonLoopbackAddress) {
  testing::TempDir dir;
  CommandResult r =
      RunCli({"serve", "--db", testing::NewDatabasePath(dir, "x.db"), "--http", "0.0.0.0:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("refusing plain HTTP"), std::string::npos) << r.err;
}

TEST(ServeTest, ServesTlsWithHsts) {
  testing::TempDir dir;
  std::string cert = dir.File("cert.pem"), key = dir.File("key.pem");
  std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout " + key +
      " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ServerProcess server(testing::NewDatabasePath(dir, "tls.db"),
                       {"--tls-cert", cert, "--tls-key", key});
  ASSERT_TRUE(server.started()) << server.Stderr();
  EXPECT_NE(server.banner().find("https://"), std::string::npos);
  HttpResponse r = Http(server.port(), "GET", "/healthz", "", {}, /*tls=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.headers["strict-transport-security"].find("max-age"), std::string::npos);
}

TEST(ServeTest, AConfigurationNamingAnUnknownInstrumentOrASnoozeLimitOutOfRangeIsRefusedAtStartUp) {
  testing::TempDir dir;
  auto serve_with = [&](const std::string& toml) {
    std::string path = dir.File("casekeeper.toml");
    std::ofstream(path) << toml;
    return RunCli({"serve", "--config", path, "--db", testing::NewDatabasePath(dir, "x.db"),
                   "--http", "127.0.0.1:0"});
  };
  // Checked against the loaded instruments: a typo would flag every case.
  CommandResult r = serve_with("[compliance]\nassessments = \"phq9:365,phq-9:30\"\n");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(Json::parse(r.err)["field"], "compliance.assessments") << r.err;
  EXPECT_NE(r.err.find("phq-9"), std::string::npos) << r.err;
  for (const char* days : {"0", "91"}) {
    r = serve_with(std::string("[worklist]\nsnooze_max_days = ") + days + "\n");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(Json::parse(r.err)["field"], "worklist.snooze_max_days") << r.err;
  }
}

TEST(ServeTest, BadTlsFilesAreAClearError) {
  testing::TempDir dir;
  CommandResult r =
      RunCli({"serve", "--db", testing::NewDatabasePath(dir, "x.db"), "--http", "127.0.0.1:0",
              "--tls-cert", dir.File("missing.pem"), "--tls-key", dir.File("missing.key")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Json::parse(r.err)["field"], "http.tls_cert");
}

TEST(ServeTest, GracefulShutdownFinishesTheRequestInFlight) {
  testing::TempDir dir;
  std::string db = testing::NewDatabasePath(dir, "g.db");
  // A grace period longer than the test waits: only closing idle connections at
  // once lets the server stop in time.
  ServerProcess server(db, {"--demo"}, {"CASEKEEPER_HTTP_SHUTDOWN_GRACE_MS=60000"});
  ASSERT_TRUE(server.started()) << server.Stderr();
  std::string token = Login(server.port(), "cm.rivera", kDemoPassword);
  ASSERT_FALSE(token.empty());
  // An idle keep-alive connection, which shutdown closes at once.
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket idle(ioc), busy(ioc);
  net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"),
                            static_cast<unsigned short>(server.port()));
  idle.connect(ep);
  busy.connect(ep);
  std::string body =
      R"({"given_name":"Shut","family_name":"Down","birth_date":"1961-05-06","administrative_sex":"female"})";
  std::string head =
      "POST /api/v1/patients HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n";
  // Half the request arrives, then SIGTERM, then the rest.
  net::write(busy, net::buffer(head + body.substr(0, 20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  server.Signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  net::write(busy, net::buffer(body.substr(20)));
  std::string reply;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    size_t n = busy.read_some(net::buffer(buf), ec);
    if (ec) break;
    reply.append(buf, n);
  }
  // The idle connection was closed by the server (end of stream, no reply).
  idle.non_blocking(false);
  size_t idle_bytes = idle.read_some(net::buffer(buf), ec);
  EXPECT_EQ(idle_bytes, 0u);
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
  EXPECT_NE(reply.find("HTTP/1.1 201"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
  EXPECT_EQ(server.Wait(15000), 0) << server.Stderr();
  net::ip::tcp::socket late(ioc);
  late.connect(ep, ec);
  EXPECT_TRUE(ec) << "the server still accepts connections after stopping";
  // A clean close checkpoints the write-ahead log into the database file.
  EXPECT_TRUE(!std::filesystem::exists(db + "-wal") ||
              std::filesystem::file_size(db + "-wal") == 0);
  // New connections are refused once it is down, and the write is durable.
  ServerProcess again(db);
  ASSERT_TRUE(again.started());
  std::string t2 = Login(again.port(), "cm.rivera", kDemoPassword);
  HttpResponse list = Http(again.port(), "GET", "/api/v1/patients?limit=500", "",
                           {{"Authorization", "Bearer " + t2}});
  EXPECT_NE(list.body.find("\"family_name\":\"Down\""), std::string::npos);
}

TEST(ServeTest, RefusesADatabaseFromANewerCasekeeper) {
  testing::TempDir dir;
  std::string db = testing::NewDatabasePath(dir, "n.db");
  ASSERT_EQ(RunCli({"migrate", "--db", db}).exit_code, 0);
  ASSERT_TRUE(testing::ExecSql(db,
                               "INSERT INTO schema_migrations (version, name, applied_at) "
                               "VALUES (9999, 'future', 0)")
                  .ok());
  CommandResult r = RunCli({"serve", "--db", db, "--http", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("newer than this casekeeper"), std::string::npos) << r.err;
}

TEST(ServeTest, KilledMidWriteLosesNothingAcknowledged) {
  testing::TempDir dir;
  std::string db = testing::NewDatabasePath(dir, "k.db");
  std::vector<std::string> acknowledged;
  {
    ServerProcess server(db, {"--demo"});
    ASSERT_TRUE(server.started()) << server.Stderr();
    std::string token = Login(server.port(), "cm.rivera", kDemoPassword);
    std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + token}};
    std::mutex mu;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; !stop; ++i) {
          std::string family = "Kill" + std::to_string(w) + "x" + std::to_string(i);
          Json p = {{"given_name", "Crash"},
                    {"family_name", family},
                    {"birth_date", "1955-05-05"},
                    {"administrative_sex", "female"}};
          try {
            if (Http(server.port(), "POST", "/api/v1/patients", p.dump(), auth).status == 201) {
              std::lock_guard lock(mu);
              acknowledged.push_back(family);
            }
          } catch (const std::exception&) {
            return;  // the server is gone
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    server.Signal(SIGKILL);  // no shutdown, no checkpoint: as a crash
    stop = true;
    for (auto& t : writers) t.join();
    server.Wait(5000);
  }
  ASSERT_GT(acknowledged.size(), 10u);
  ServerProcess again(db);
  ASSERT_TRUE(again.started()) << again.Stderr();
  std::string auditor = Login(again.port(), "auditor.patel", kDemoPassword);
  std::set<std::string> stored;
  for (int64_t after = 0;;) {
    HttpResponse r =
        Http(again.port(), "GET", "/api/v1/patients?limit=500&after=" + std::to_string(after), "",
             {{"Authorization", "Bearer " + auditor}});
    ASSERT_EQ(r.status, 200);
    Json body = Json::parse(r.body);
    for (const auto& p : body["items"]) stored.insert(p["family_name"].get<std::string>());
    if (body["next_after"].is_null()) break;
    after = body["next_after"];
  }
  for (const std::string& family : acknowledged)
    EXPECT_TRUE(stored.count(family)) << family << " was lost";
  // And the audit chain survived the crash intact.
  CommandResult verify = RunCli({"audit", "verify", "--db", db});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace ck::blackbox
