#include <gtest/gtest.h>

#include "assessments/routes.h"
#include "cases/routes.h"
#include "patients/routes.h"
#include "patients/timeline.h"
#include "testing/api_harness.h"

namespace ck::assessments {
namespace {

using http::Method;

class AssessmentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db::Database& db = api_.db();
    catalog_ = std::move(*scoring::Catalog::Load());
    ASSERT_TRUE(SyncDefinitions(db, *catalog_, api_.clock().Now()).ok());
    patients_ = std::make_unique<patients::Service>(db, api_.clock(), api_.authorizer(),
                                                    patients::Service::Options{});
    calendar_ = std::make_unique<BusinessCalendar>(BusinessCalendar::Options{});
    cases_ = std::make_unique<cases::Service>(db, api_.clock(), *calendar_, api_.authorizer());
    service_ = std::make_unique<Service>(db, api_.clock(), *catalog_);
    alerts_ = std::make_unique<Alerts>(db, api_.clock());
    patients::RegisterRoutes(api_.router(), *patients_);
    patients::RegisterTimelineRoute(api_.router(), db, api_.clock());
    cases::RegisterRoutes(api_.router(), *cases_);
    RegisterRoutes(api_.router(), *service_, *alerts_);
    int64_t a = api_.AddTeam("A"), b = api_.AddTeam("B");
    api_.AddUser("cm.one", auth::Role::kCaseManager, a);
    api_.AddUser("cm.other", auth::Role::kCaseManager, b);
    api_.AddUser("sup", auth::Role::kSupervisor, a);
    api_.AddUser("sup.b", auth::Role::kSupervisor, b);
    api_.AddUser("admin", auth::Role::kAdmin);
    auto p = Call(Method::kPost, "/api/v1/patients", "cm.one",
                  {{"given_name", "Ana"},
                   {"family_name", "Lima"},
                   {"birth_date", "1950-02-03"},
                   {"administrative_sex", "female"}});
    ASSERT_EQ(p.status, 201) << p.body;
    patient_ = Json::parse(p.body)["id"];
    auto k =
        Call(Method::kPost, "/api/v1/patients/" + std::to_string(patient_) + "/cases", "cm.one",
             {{"program", "complex_care"},
              {"referral_source", "hospital"},
              {"referral_reason", "depression and diabetes"},
              {"urgency", "routine"}});
    ASSERT_EQ(k.status, 201) << k.body;
    case_ = Json::parse(k.body)["id"];
  }

  http::Response Call(Method m, const std::string& path, const std::string& who,
                      const Json& body = nullptr) {
    return api_.Call(m, path, who, body);
  }

  std::string CasePath() { return "/api/v1/cases/" + std::to_string(case_) + "/assessments"; }
  std::string Path(const Json& a) {
    return "/api/v1/assessments/" + std::to_string(a["id"].get<int64_t>());
  }

  Json Start(const std::string& instrument, const Json& answers, bool complete,
             const std::string& who = "cm.one") {
    auto r = Call(Method::kPost, CasePath(), who,
                  {{"instrument", instrument}, {"answers", answers}, {"complete", complete}});
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::parse(r.body);
  }

  int64_t Count(const std::string& sql) {
    int64_t n = 0;
    EXPECT_TRUE(api_.db()
                    .Read([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql));
                      n = rows.at(0).Int(0);
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  testing::ApiHarness api_;
  std::unique_ptr<scoring::Catalog> catalog_;
  std::unique_ptr<patients::Service> patients_;
  std::unique_ptr<BusinessCalendar> calendar_;
  std::unique_ptr<cases::Service> cases_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Alerts> alerts_;
  int64_t patient_ = 0, case_ = 0;
};

TEST_F(AssessmentsTest, ThePhqNineIsScoredByTheServerAndItemNineRaisesACrisisAlert) {
  Json a = Start("phq9", {{"items", {2, 2, 1, 1, 1, 0, 1, 1, 1}}}, true);
  EXPECT_EQ(a["status"], "completed");
  EXPECT_EQ(a["score"], 10);
  EXPECT_EQ(a["band"], "moderate");
  EXPECT_EQ(a["result"]["output"],
            Json({{"score", 10}, {"severity", "moderate"}, {"suicide_risk", true}}));
  EXPECT_EQ(a["result"]["item_points"]["item9"], 1);
  ASSERT_EQ(a["sections"].size(), 1u);
  EXPECT_EQ(a["sections"][0]["completed_by"], api_.id("cm.one"));
  EXPECT_EQ(a["sections"][0]["completed_at"], FormatTimestamp(api_.clock().Now()));
  ASSERT_EQ(a["alert_ids"].size(), 1u);

  // The crisis alert tops the case manager's open alerts and the supervisor is told.
  Json mine = Json::parse(Call(Method::kGet, "/api/v1/alerts", "cm.one").body);
  ASSERT_EQ(mine["items"].size(), 1u);
  EXPECT_EQ(mine["items"][0]["severity"], "crisis");
  EXPECT_EQ(mine["items"][0]["kind"], "suicide_risk");
  Json team = Json::parse(Call(Method::kGet, "/api/v1/alerts", "sup").body);
  EXPECT_EQ(team["items"].size(), 1u);
  EXPECT_EQ(Json::parse(Call(Method::kGet, "/api/v1/alerts", "sup.b").body)["items"].size(), 0u);
  Json note = Json::parse(Call(Method::kGet, "/api/v1/notifications?unread=true", "sup").body);
  ASSERT_EQ(note["items"].size(), 1u);
  EXPECT_EQ(note["items"][0]["alert_id"], a["alert_ids"][0]);
  EXPECT_EQ(note["items"][0]["patient_id"], patient_);
  EXPECT_EQ(note["items"][0]["message"].get<std::string>().find("Ana"), std::string::npos);
  int64_t nid = note["items"][0]["id"];
  EXPECT_EQ(
      Call(Method::kPost, "/api/v1/notifications/" + std::to_string(nid) + "/read", "sup").status,
      200);
  EXPECT_EQ(Call(Method::kPost, "/api/v1/notifications/" + std::to_string(nid) + "/read", "cm.one")
                .status,
            404);
  EXPECT_EQ(
      Json::parse(Call(Method::kGet, "/api/v1/notifications?unread=true", "sup").body)["items"]
          .size(),
      0u);

  // Acknowledge, then resolve with what was done; stale versions are refused.
  std::string alert = "/api/v1/alerts/" + std::to_string(a["alert_ids"][0].get<int64_t>());
  EXPECT_EQ(Call(Method::kPost, alert + "/acknowledge", "cm.other", {{"version", 1}}).status, 403);
  auto ack = Call(Method::kPost, alert + "/acknowledge", "cm.one", {{"version", 1}});
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(Json::parse(ack.body)["status"], "acknowledged");
  EXPECT_EQ(Call(Method::kPost, alert + "/resolve", "cm.one",
                 {{"resolution", "safety plan"}, {"version", 1}})
                .status,
            409);
  EXPECT_EQ(Call(Method::kPost, alert + "/resolve", "cm.one", {{"version", 2}}).status, 400);
  auto done = Call(
      Method::kPost, alert + "/resolve", "cm.one",
      {{"resolution", "safety plan made with the patient; crisis line given"}, {"version", 2}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(Json::parse(Call(Method::kGet, "/api/v1/alerts", "cm.one").body)["items"].size(), 0u);

  // Entered in error: the assessment stays, marked, and its open alerts are resolved.
  Json again = Start("phq9", {{"items", {0, 0, 0, 0, 0, 0, 0, 0, 3}}}, true);
  ASSERT_EQ(again["alert_ids"].size(), 1u);
  auto wrong = Call(Method::kPost, Path(again) + "/entered-in-error", "cm.one",
                    {{"reason", "wrong patient"}, {"version", again["version"]}});
  ASSERT_EQ(wrong.status, 200) << wrong.body;
  EXPECT_EQ(Json::parse(wrong.body)["status"], "entered_in_error");
  EXPECT_EQ(Json::parse(Call(Method::kGet, "/api/v1/alerts", "cm.one").body)["items"].size(), 0u);

  // A PHQ-9 without item 9 raises nothing.
  Json calm = Start("phq9", {{"items", {0, 1, 0, 0, 0, 0, 0, 0, 0}}}, true);
  EXPECT_EQ(calm["alert_ids"].size(), 0u);
  EXPECT_EQ(calm["band"], "minimal");
}

TEST_F(AssessmentsTest, SectionsAreStampedWithWhoCompletedThemAndWhen) {
  Json a =
      Start("ahc-hrsn", {{"living_situation", "worried"}, {"housing_problems", {"mold"}}}, false);
  EXPECT_EQ(a["status"], "in_progress");
  ASSERT_EQ(a["sections"].size(), 1u);
  EXPECT_EQ(a["sections"][0]["section_id"], "living_situation");
  EXPECT_EQ(a["sections"][0]["completed_by"], api_.id("cm.one"));

  api_.clock().Advance(5 * kMillisPerMinute);
  auto r = Call(Method::kPatch, Path(a), "sup",
                {{"answers",
                  {{"food_worry", "never"},
                   {"food_ran_out", "sometimes"},
                   {"transportation_problem", false}}},
                 {"version", a["version"]}});
  ASSERT_EQ(r.status, 200) << r.body;
  a = Json::parse(r.body);
  ASSERT_EQ(a["sections"].size(), 3u);
  EXPECT_EQ(a["sections"][1]["section_id"], "food");
  EXPECT_EQ(a["sections"][1]["completed_by"], api_.id("sup"));
  EXPECT_EQ(a["sections"][2]["section_id"], "transportation");

  // Completing before every item is answered names the first missing answer.
  auto early = Call(Method::kPost, Path(a) + "/complete", "cm.one", {{"version", a["version"]}});
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(Json::parse(early.body)["field"], "answers.utility_shutoff_threat");

  r = Call(Method::kPatch, Path(a), "cm.one",
           {{"answers",
             {{"utility_shutoff_threat", "no"},
              {"safety",
               {{"physically_hurt", 1}, {"insult", 2}, {"threaten", 1}, {"scream_curse", 2}}}}},
            {"version", a["version"]}});
  ASSERT_EQ(r.status, 200) << r.body;
  a = Json::parse(r.body);
  auto stale = Call(Method::kPost, Path(a) + "/complete", "cm.one", {{"version", 1}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(Json::parse(stale.body)["field"], "version");
  r = Call(Method::kPost, Path(a) + "/complete", "cm.one", {{"version", a["version"]}});
  ASSERT_EQ(r.status, 200) << r.body;
  a = Json::parse(r.body);
  EXPECT_EQ(a["status"], "completed");
  EXPECT_EQ(a["result"]["output"]["positive_domains"],
            Json({"housing_instability", "housing_quality", "food_insecurity"}));
  EXPECT_EQ(a["result"]["output"]["safety_score"], 6);
  EXPECT_EQ(a["sections"].size(), 5u);

  // Conclusions per domain, after completion, on the instrument's domains only.
  auto c = Call(Method::kPost, Path(a) + "/conclusions", "cm.one",
                {{"domain", "food_insecurity"},
                 {"conclusion", "Runs out before payday; refer to food bank"}});
  ASSERT_EQ(c.status, 201) << c.body;
  EXPECT_EQ(Json::parse(c.body)["conclusions"][0]["recorded_by"], api_.id("cm.one"));
  auto bad = Call(Method::kPost, Path(a) + "/conclusions", "cm.one",
                  {{"domain", "depression"}, {"conclusion", "x"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json::parse(bad.body)["field"], "domain");

  // Completed answers never change, through the API or behind it.
  auto edit = Call(Method::kPatch, Path(a), "cm.one",
                   {{"answers", {{"food_worry", "often"}}}, {"version", a["version"]}});
  EXPECT_EQ(edit.status, 409);
  Status direct = api_.db().Write([&](db::Connection& conn) -> Status {
    return conn.Exec("UPDATE assessments SET answers = '{}' WHERE id = ?", {a["id"].get<int64_t>()})
        .status();
  });
  EXPECT_FALSE(direct.ok());
}

TEST_F(AssessmentsTest, BadAnswersAreRefusedByNameAndNothingIsStored) {
  auto r = Call(Method::kPost, CasePath(), "cm.one",
                {{"instrument", "phq9"},
                 {"answers", {{"items", {0, 0, 0, 0, 0, 0, 0, 0, 4}}}},
                 {"complete", true}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["field"], "answers.items[8]");
  r = Call(Method::kPost, CasePath(), "cm.one",
           {{"instrument", "phq9"},
            {"answers", {{"items", {0, 0, 0, 0, 0, 0, 0, 0, 0}}, {"score", 0}}},
            {"complete", true}});
  EXPECT_EQ(Json::parse(r.body)["field"], "answers.score");
  r = Call(Method::kPost, CasePath(), "cm.one",
           {{"instrument", "phq9"}, {"answers", {{"items", {0}}}}, {"score", 27}});
  EXPECT_EQ(Json::parse(r.body)["field"], "score");
  r = Call(Method::kPost, CasePath(), "cm.one",
           {{"instrument", "bdi"}, {"answers", Json::object()}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["field"], "instrument");
  r = Call(Method::kPost, CasePath(), "cm.one",
           {{"instrument", "phq9"},
            {"answers", {{"items", {0, 0, 0, 0, 0, 0, 0, 0, 0}}}},
            {"complete", true}});
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assessments"), 1);
  EXPECT_EQ(Call(Method::kGet, CasePath(), "cm.other").status, 403);
  Json list = Json::parse(Call(Method::kGet, CasePath(), "cm.one").body);
  EXPECT_EQ(list["items"].size(), 1u);
  Json timeline = Json::parse(
      Call(Method::kGet,
           "/api/v1/patients/" + std::to_string(patient_) + "/timeline?types=assessment", "cm.one")
          .body);
  ASSERT_EQ(timeline["items"].size(), 1u) << timeline.dump();
  EXPECT_NE(timeline["items"][0]["summary"].get<std::string>().find("phq9"), std::string::npos);
}

TEST_F(AssessmentsTest, StatelessScoringOverHttp) {
  auto r = Call(Method::kPost, "/api/v1/scores/gad7", "cm.one", {{"items", {3, 3, 3, 3, 3, 0, 0}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::parse(r.body), Json({{"score", 15}, {"severity", "severe"}}));
  r = Call(Method::kPost, "/api/v1/scores/lace", "cm.one",
           {{"length_of_stay_days", 5},
            {"emergent_admission", true},
            {"ed_visits_6mo", 1},
            {"icd10", {"I50.9"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::parse(r.body)["score"], 10);
  r = Call(Method::kPost, "/api/v1/scores/charlson", "cm.one", {{"icd10", {"E11.9", "X"}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["field"], "icd10[1]");
  r = Call(Method::kPost, "/api/v1/scores/zung", "cm.one", Json::object());
  EXPECT_EQ(Json::parse(r.body)["field"], "instrument");
  EXPECT_EQ(Call(Method::kPost, "/api/v1/scores/gad7", "admin", Json::object()).status, 403);
  EXPECT_EQ(Call(Method::kPost, "/api/v1/scores/gad7", "", Json::object()).status, 401);
  Json list = Json::parse(Call(Method::kGet, "/api/v1/instruments", "cm.one").body);
  EXPECT_GE(list["items"].size(), 8u);
  Json phq9 = Json::parse(Call(Method::kGet, "/api/v1/instruments/phq9", "cm.one").body);
  EXPECT_EQ(phq9["sections"][0]["items"].size(), 9u);
}

TEST_F(AssessmentsTest, ChangedDefinitionsNeedANewVersion) {
  ASSERT_TRUE(api_.db()
                  .Write([](db::Connection& c) -> Status {
                    return c
                        .Exec(
                            "UPDATE instrument_definitions SET definition = '{}' "
                            "WHERE instrument_id = 'gad7'")
                        .status();
                  })
                  .ok());
  Status st = SyncDefinitions(api_.db(), *catalog_, api_.clock().Now());
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ck::assessments
