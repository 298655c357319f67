// Care plans through their HTTP routes: problems, measurable goals with their
// progress, interventions, agreement, reviews and versions.
#include <gtest/gtest.h>

#include "careplans/routes.h"
#include "cases/routes.h"
#include "http/json.h"
#include "patients/clinical.h"
#include "patients/routes.h"
#include "testing/api_harness.h"

namespace ck::careplans {
namespace {

using http::Method;

class CarePlansTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db::Database& db = api_.db();
    patients_ = std::make_unique<patients::Service>(db, api_.clock(), api_.authorizer(),
                                                    patients::Service::Options{});
    cases_ = std::make_unique<cases::Service>(db, api_.clock(), calendar_, api_.authorizer());
    clinical_ = std::make_unique<patients::ClinicalRecords>(db, api_.clock());
    plans_ = std::make_unique<Service>(db, api_.clock());
    patients::RegisterRoutes(api_.router(), *patients_);
    patients::RegisterClinicalRoutes(api_.router(), *clinical_);
    cases::RegisterRoutes(api_.router(), *cases_);
    RegisterRoutes(api_.router(), *plans_);
    api_.AddUser("cm.one", auth::Role::kCaseManager, api_.AddTeam("A"));
    api_.AddUser("cm.other", auth::Role::kCaseManager, api_.AddTeam("B"));
    auto p = api_.Call(Method::kPost, "/api/v1/patients", "cm.one",
                       {{"given_name", "Ana"},
                        {"family_name", "Lima"},
                        {"birth_date", "1950-02-03"},
                        {"administrative_sex", "female"}});
    ASSERT_EQ(p.status, 201) << p.body;
    patient_ = Json::parse(p.body)["id"];
    auto cond =
        api_.Call(Method::kPost, "/api/v1/patients/" + std::to_string(patient_) + "/conditions",
                  "cm.one", {{"code", "E11.9"}, {"status", "active"}});
    ASSERT_EQ(cond.status, 201) << cond.body;
    condition_ = Json::parse(cond.body)["id"];
    auto k = api_.Call(Method::kPost, "/api/v1/patients/" + std::to_string(patient_) + "/cases",
                       "cm.one",
                       {{"program", "diabetes_behavioral_health"},
                        {"referral_source", "physician"},
                        {"referral_reason", "HbA1c 9.1"},
                        {"urgency", "routine"}});
    ASSERT_EQ(k.status, 201) << k.body;
    case_ = Json::parse(k.body)["id"];
  }

  Json Post(const std::string& path, const Json& body, int want,
            const std::string& who = "cm.one") {
    auto r = api_.Call(Method::kPost, path, who, body);
    EXPECT_EQ(r.status, want) << path << " " << r.body;
    return Json::parse(r.body);
  }

  testing::ApiHarness api_{*ParseTimestamp("2026-11-25T15:00:00Z")};
  BusinessCalendar calendar_{{.holidays = UsFederalHolidays(2026)}};
  std::unique_ptr<patients::Service> patients_;
  std::unique_ptr<cases::Service> cases_;
  std::unique_ptr<patients::ClinicalRecords> clinical_;
  std::unique_ptr<Service> plans_;
  int64_t patient_ = 0, condition_ = 0, case_ = 0;
};

TEST_F(CarePlansTest, AGoalIsTrackedAgainstItsTarget) {
  Json plan = Post("/api/v1/cases/" + std::to_string(case_) + "/care-plans",
                   {{"title", "Diabetes and mood"}, {"review_every_days", 30}}, 201);
  EXPECT_EQ(plan["status"], "draft");
  EXPECT_EQ(plan["next_review_due"], "2026-12-25T15:00:00.000Z");
  std::string base = "/api/v1/care-plans/" + std::to_string(plan["id"].get<int64_t>());
  plan = Post(base + "/problems",
              {{"description", "Diabetes not controlled"}, {"condition_id", condition_}}, 201);
  int64_t problem = plan["problems"][0]["id"];
  // Measurable or refused, naming the field.
  EXPECT_EQ(Post(base + "/goals",
                 {{"description", "Lower HbA1c"},
                  {"target_value", 7.0},
                  {"measure", "HbA1c (%)"},
                  {"target_date", "2027-05-31"}},
                 400)["field"],
            "direction");
  EXPECT_EQ(Post(base + "/goals", {{"description", "Feel better"}, {"target_date", "2027-05-31"}},
                 400)["field"],
            "target_value");
  EXPECT_EQ(
      Post(base + "/goals", {{"description", "x"}, {"target_text", "y"}, {"target_date", "soon"}},
           400)["field"],
      "target_date");
  plan = Post(base + "/goals",
              {{"description", "HbA1c below 7.0 %"},
               {"problem_id", problem},
               {"measure", "HbA1c (%)"},
               {"baseline_value", 9.1},
               {"target_value", 7.0},
               {"direction", "decrease"},
               {"target_date", "2027-05-31"},
               {"origin", "clinician_set"}},
              201);
  Json goal = plan["goals"][0];
  std::string progress = base + "/goals/" + std::to_string(goal["id"].get<int64_t>()) + "/progress";
  Post(progress, {{"value", 8.2}, {"measured_at", "2026-08-20T10:00:00Z"}}, 201);
  plan = Post(progress, {{"value", 7.4}, {"note", "diet changes"}}, 201);
  goal = plan["goals"][0];
  EXPECT_EQ(goal["progress"].size(), 2u);
  EXPECT_DOUBLE_EQ(goal["latest_value"].get<double>(), 7.4);
  EXPECT_EQ(goal["target_met"], false);
  plan = Post(progress, {{"value", 6.9}}, 201);
  EXPECT_EQ(plan["goals"][0]["target_met"], true);
  EXPECT_EQ(Post(progress, {{"note", "no value"}}, 400)["field"], "value");
  // A state goal, stated by the patient.
  plan = Post(base + "/goals",
              {{"description", "Walk to church on Sundays"},
               {"target_text", "walks there and back without stopping"},
               {"target_date", "2027-03-01"},
               {"origin", "patient_stated"}},
              201);
  EXPECT_EQ(plan["goals"][1]["origin"], "patient_stated");
  auto achieved =
      api_.Call(Method::kPatch, base + "/goals/" + std::to_string(goal["id"].get<int64_t>()),
                "cm.one", {{"status", "achieved"}, {"version", goal["version"]}});
  ASSERT_EQ(achieved.status, 200) << achieved.body;
  EXPECT_EQ(Json::parse(achieved.body)["goals"][0]["status"], "achieved");
  EXPECT_EQ(api_.Call(Method::kPatch, base + "/goals/" + std::to_string(goal["id"].get<int64_t>()),
                      "cm.one", {{"status", "cancelled"}, {"version", goal["version"]}})
                .status,
            409);
}

TEST_F(CarePlansTest, AgreementReviewsAndVersions) {
  Json plan = Post("/api/v1/cases/" + std::to_string(case_) + "/care-plans",
                   {{"title", "Diabetes and mood"}}, 201);
  std::string base = "/api/v1/care-plans/" + std::to_string(plan["id"].get<int64_t>());
  plan = Post(base + "/interventions",
              {{"description", "Teach-back on insulin technique"},
               {"responsible", "case manager"},
               {"frequency", "weekly until confident"}},
              201);
  EXPECT_EQ(plan["interventions"][0]["status"], "active");
  EXPECT_EQ(Post(base + "/agreement", {{"method", "declined"}}, 400)["field"], "note");
  plan = Post(base + "/agreement", {{"method", "verbal"}, {"note", "agreed by phone"}}, 200);
  EXPECT_EQ(plan["status"], "active");
  EXPECT_EQ(plan["agreement"]["method"], "verbal");
  EXPECT_FALSE(plan["agreement"]["agreed_at"].is_null());
  api_.clock().Advance(10 * kMillisPerDay);
  api_.SignInAgain("cm.one");
  plan = Post(base + "/reviews", {{"note", "on track"}}, 200);
  EXPECT_EQ(plan["last_reviewed_at"], "2026-12-05T15:00:00.000Z");
  EXPECT_EQ(plan["next_review_due"], "2027-01-04T15:00:00.000Z");

  auto versions = api_.Call(Method::kGet, base + "/versions", "cm.one");
  ASSERT_EQ(versions.status, 200);
  Json items = Json::parse(versions.body)["items"];
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0]["reason"], "created");
  EXPECT_TRUE(items[0]["plan"]["interventions"].empty());  // as it was then
  EXPECT_EQ(items[2]["reason"], "agreed");
  EXPECT_EQ(items[3]["plan"]["version"], 4);

  auto closed = api_.Call(Method::kPatch, base, "cm.one",
                          {{"status", "completed"}, {"version", plan["version"]}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(Post(base + "/reviews", Json::object(), 409)["error"], "the care plan is completed");
  // Outside the care team: refused.
  api_.SignInAgain("cm.other");
  EXPECT_EQ(api_.Call(Method::kGet, base, "cm.other").status, 403);
  EXPECT_EQ(
      api_.Call(Method::kGet, "/api/v1/cases/" + std::to_string(case_) + "/care-plans", "cm.one")
          .status,
      200);
}

}  // namespace
}  // namespace ck::careplans
