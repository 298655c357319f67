// Black-box tests of the administrator's subcommands.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "server_process.h"
#include "testing/temp_db.h"

namespace ck::blackbox {
namespace {

using Json = nlohmann::json;

TEST(Cli, HelpOnEverySubcommand) {
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"serve", "--help"},
                                             {"user", "add", "--help"},
                                             {"backup", "--help"},
                                             {"audit", "verify", "--help"},
                                             {"migrate", "--help"},
                                             {"copy", "--help"},
                                             {"score", "--help"},
                                             {"stratify", "--help"}}) {
    CommandResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << args[0] << r.out;
  }
}

TEST(Cli, BadArgumentsExit2WithOneLineJson) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {}, {"frobnicate"}, {"backup", "--db", "x.db"}, {"user", "add", "--username", "x"}}) {
    CommandResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2);
    ASSERT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(Json::parse(r.err).contains("error"));
  }
}

TEST(Cli, UserAddReadsThePasswordFromStdinAndTheUserCanSignIn) {
  testing::TempDir dir;
  std::string db = testing::NewDatabasePath(dir, "u.db");
  CommandResult r = RunCli({"user", "add", "--db", db, "--username", "cm.new", "--role",
                            "case_manager", "--team", "East"},
                           "a-long-enough-password\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["username"], "cm.new");
  CommandResult dup =
      RunCli({"user", "add", "--db", db, "--username", "cm.new", "--role", "case_manager"},
             "a-long-enough-password\n");
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_EQ(Json::parse(dup.err)["field"], "username");
  CommandResult weak = RunCli(
      {"user", "add", "--db", db, "--username", "cm.weak", "--role", "case_manager"}, "short\n");
  EXPECT_EQ(weak.exit_code, 2);
  EXPECT_EQ(Json::parse(weak.err)["field"], "password");
  CommandResult role =
      RunCli({"user", "add", "--db", db, "--username", "x.y", "--role", "wizard"}, "pw\n");
  EXPECT_EQ(role.exit_code, 2);
  EXPECT_EQ(Json::parse(role.err)["field"], "role");
  ServerProcess server(db);
  ASSERT_TRUE(server.started());
  EXPECT_FALSE(Login(server.port(), "cm.new", "a-long-enough-password").empty());
}

TEST(Cli, OnlineBackupWhileTheServerWritesRestoresEverything) {
  testing::TempDir dir;
  std::string db = testing::NewDatabasePath(dir, "live.db");
  ServerProcess server(db, {"--demo"});
  ASSERT_TRUE(server.started()) << server.Stderr();
  std::string token = Login(server.port(), "cm.rivera", "casekeeper-demo");
  std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + token}};
  std::atomic<bool> stop{false};
  std::atomic<int> created{0};
  std::thread writer([&] {
    for (int i = 0; !stop && i < 300; ++i) {
      Json p = {{"given_name", "Backup"},
                {"family_name", "Test" + std::to_string(i)},
                {"birth_date", "1970-01-01"},
                {"administrative_sex", "unknown"}};
      if (Http(server.port(), "POST", "/api/v1/patients", p.dump(), auth).status == 201) ++created;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::string out = dir.File("backup.db");
  CommandResult r = RunCli({"backup", "--db", db, "--out", out});
  stop = true;
  writer.join();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(std::filesystem::exists(out));
  // The restored copy opens, has the demo users and a consistent audit chain.
  CommandResult verify = RunCli({"audit", "verify", "--db", out});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(Json::parse(verify.out)["intact"].get<bool>());
  ServerProcess restored(out);
  ASSERT_TRUE(restored.started()) << restored.Stderr();
  std::string t2 = Login(restored.port(), "cm.rivera", "casekeeper-demo");
  ASSERT_FALSE(t2.empty());
  HttpResponse list = Http(restored.port(), "GET", "/api/v1/patients?limit=500", "",
                           {{"Authorization", "Bearer " + t2}});
  EXPECT_EQ(list.status, 200);
  EXPECT_GT(Json::parse(list.body)["items"].size(), 20u);
  EXPECT_GT(created.load(), 0);
}

TEST(Cli, BackupOfAMissingDatabaseFails) {
  testing::TempDir dir;
  CommandResult r = RunCli({"backup", "--db", dir.File("none.db"), "--out", dir.File("b.db")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir.File("b.db")));
}

TEST(Cli, AuditVerifyNamesTheFirstTamperedRecord) {
  testing::TempDir dir;
  std::string db = testing::NewDatabasePath(dir, "a.db");
  {
    ServerProcess server(db, {"--demo"});
    ASSERT_TRUE(server.started());
    for (int i = 0; i < 3; ++i) Login(server.port(), "cm.chen", "casekeeper-demo");
  }
  CommandResult ok = RunCli({"audit", "verify", "--db", db});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  int64_t records = Json::parse(ok.out)["records"];
  EXPECT_GT(records, 10);
  // An intruder with database access drops the guard and edits record 5.
  std::string drop = testing::TestBackend() == "sqlite"
                         ? "DROP TRIGGER audit_log_no_update;"
                         : "DROP TRIGGER audit_log_no_update ON audit_log;";
  ASSERT_TRUE(
      testing::ExecSql(db, drop + "UPDATE audit_log SET outcome = 'failure' WHERE id = 5").ok());
  CommandResult bad = RunCli({"audit", "verify", "--db", db});
  EXPECT_EQ(bad.exit_code, 1);
  Json report = Json::parse(bad.out);
  EXPECT_FALSE(report["intact"].get<bool>());
  EXPECT_EQ(report["first_broken_id"], 5);
}

TEST(Cli, MigrateReportsWhatItApplied) {
  testing::TempDir dir;
  std::string db = testing::NewDatabasePath(dir, "m.db");
  CommandResult first = RunCli({"migrate", "--db", db});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_FALSE(Json::parse(first.out)["applied"].empty());
  CommandResult second = RunCli({"migrate", "--db", db});
  EXPECT_TRUE(Json::parse(second.out)["applied"].empty());
}

TEST(Cli, CopyMovesADeploymentAndVerifiesEveryTable) {
  testing::TempDir dir;
  std::string source = dir.File("source.db");
  {
    ServerProcess server(source, {"--demo"});
    ASSERT_TRUE(server.started());
    Login(server.port(), "cm.rivera", "casekeeper-demo");
  }
  // Into the backend of this run (PostgreSQL in the PostgreSQL run), then back to SQLite.
  std::string middle = testing::NewDatabasePath(dir, "middle.db");
  CommandResult there = RunCli({"copy", "--from", "sqlite:" + source, "--to", middle});
  ASSERT_EQ(there.exit_code, 0) << there.out << there.err;
  Json report = Json::parse(there.out);
  EXPECT_TRUE(report["verified"].get<bool>());
  bool saw_patients = false;
  for (const auto& t : report["tables"]) {
    EXPECT_TRUE(t["match"].get<bool>()) << t.dump();
    if (t["table"] == "patients") {
      saw_patients = true;
      EXPECT_EQ(t["target_rows"], 240);
    }
  }
  EXPECT_TRUE(saw_patients);
  std::string back = dir.File("back.db");
  CommandResult home = RunCli({"copy", "--from", middle, "--to", "sqlite:" + back});
  ASSERT_EQ(home.exit_code, 0) << home.out << home.err;
  // The copy is a working deployment: sign-in, data, an intact audit chain, new ids.
  EXPECT_EQ(RunCli({"audit", "verify", "--db", middle}).exit_code, 0);
  ServerProcess moved(middle);
  ASSERT_TRUE(moved.started()) << moved.Stderr();
  std::string token = Login(moved.port(), "cm.rivera", "casekeeper-demo");
  ASSERT_FALSE(token.empty());
  HttpResponse created =
      Http(moved.port(), "POST", "/api/v1/patients",
           R"({"given_name":"After","family_name":"Move","birth_date":"1980-02-02",)"
           R"("administrative_sex":"male"})",
           {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json::parse(created.body)["id"], 241);
}

TEST(Cli, CopyRefusesATargetThatHoldsData) {
  testing::TempDir dir;
  std::string a = dir.File("a.db"), b = testing::NewDatabasePath(dir, "b.db");
  ASSERT_EQ(RunCli({"user", "add", "--db", a, "--username", "cm.a", "--role", "case_manager"},
                   "a-long-enough-password\n")
                .exit_code,
            0);
  ASSERT_EQ(RunCli({"user", "add", "--db", b, "--username", "cm.b", "--role", "case_manager"},
                   "a-long-enough-password\n")
                .exit_code,
            0);
  CommandResult r = RunCli({"copy", "--from", a, "--to", b});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not empty"), std::string::npos) << r.err;
}

TEST(Cli, ScoreReadsOneJsonObjectAndPrintsOne) {
  CommandResult r = RunCli({"score", "phq9"}, R"({"items":[3,3,3,2,2,1,1,0,1]})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);
  EXPECT_EQ(Json::parse(r.out),
            Json({{"score", 16}, {"severity", "moderately_severe"}, {"suicide_risk", true}}));
  r = RunCli(
      {"score", "lace"},
      R"({"length_of_stay_days":5,"emergent_admission":true,"ed_visits_6mo":5,"icd10":["C78.0","I50.9"]})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out), Json({{"score", 16},
                                      {"risk", "high"},
                                      {"components", {{"L", 4}, {"A", 3}, {"C", 5}, {"E", 4}}}}));
  r = RunCli({"score", "ahc-hrsn"}, R"({"living_situation":"steady"})");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(Json::parse(r.err)["field"], "housing_problems");
  r = RunCli({"score", "charlson"}, R"({"icd10":["E11.9","99"]})");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Json::parse(r.err)["field"], "icd10[1]");
  r = RunCli({"score", "gad7"}, "not json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Json::parse(r.err)["field"], "body");
  r = RunCli({"score", "beck"}, "{}");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Json::parse(r.err)["field"], "instrument");
  EXPECT_TRUE(r.out.empty());
}

TEST(Cli, StratifyWhileTheServerRunsAndCaseloadsShowTiers) {
  testing::TempDir dir;
  std::string db = testing::NewDatabasePath(dir, "risk.db");
  ServerProcess server(db, {"--demo"});
  ASSERT_TRUE(server.started()) << server.Stderr();
  // The demo stratified on creation; a second run finds nothing changed.
  CommandResult r = RunCli({"stratify", "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json summary = Json::parse(r.out);
  EXPECT_EQ(summary["patients"], 240);
  EXPECT_EQ(summary["changed"], 0);
  int64_t total = 0;
  for (const char* tier : {"1", "2", "3", "4"}) total += summary["tiers"][tier].get<int64_t>();
  EXPECT_EQ(total, 240);
  EXPECT_GT(summary["tiers"]["1"].get<int64_t>(), 0);
  EXPECT_TRUE(r.err.empty()) << "no progress bar without a terminal: " << r.err;

  std::string token = Login(server.port(), "cm.rivera", "casekeeper-demo");
  HttpResponse cases =
      Http(server.port(), "GET", "/api/v1/cases", "", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(cases.status, 200) << cases.body;
  Json items = Json::parse(cases.body)["items"];
  ASSERT_FALSE(items.empty());
  int with_tier = 0;
  for (const Json& k : items) with_tier += k["risk_tier"].is_number() ? 1 : 0;
  EXPECT_EQ(with_tier, static_cast<int>(items.size()));

  CommandResult bad = RunCli({"stratify", "--db", db, "--rules", dir.File("missing.json")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(Json::parse(bad.err)["field"], "risk.rules_file");
}

}  // namespace
}  // namespace ck::blackbox
