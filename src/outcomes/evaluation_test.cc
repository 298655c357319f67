// Program evaluation on a hand-built population with known answers: hospital
// use before and after enrolment, against patients not enrolled.
#include <gtest/gtest.h>

#include <cmath>

#include "http/json.h"
#include "outcomes/measures.h"
#include "outcomes/routes.h"
#include "testing/api_harness.h"
#include "transitions/readmissions.h"

namespace ck::outcomes {
namespace {

using http::Json;
using http::Method;

Timestamp T(const char* iso) { return *ParseTimestamp(iso); }

class EvaluationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterRoutes(api_.router(), outcomes_);
    int64_t team = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team);
    api_.AddUser("sup", auth::Role::kSupervisor, team);
    api_.AddUser("auditor", auth::Role::kAuditor);
    Status built = api_.db().Write([&](db::Connection& c) { return Build(c); });
    ASSERT_TRUE(built.ok()) << built.ToString();
  }

  // A and B enrol in heart failure transitions in the summer (1 July, 1
  // August); C enrolled in March (not new in the period); D and E were never
  // enrolled, and only D used the hospital before 1 August (the median enrolment).
  Status Build(db::Connection& c) {
    auto patient = [&](const char* given) -> Result<int64_t> {
      CK_ASSIGN_OR_RETURN(auto r, c.Query("INSERT INTO patients (given_name, family_name, "
                                          "birth_date, administrative_sex, created_at, "
                                          "updated_at) VALUES (?, 'Test', '1950-01-01', "
                                          "'female', 0, 0) RETURNING id",
                                          {given}));
      return r.at(0).Int(0);
    };
    auto enrol = [&](int64_t p, const char* program, const char* referred) -> Status {
      return c
          .Exec(
              "INSERT INTO cases (patient_id, program_id, status, referral_source, "
              "referral_reason, urgency, referred_at, triage_due_at, created_at, updated_at) "
              "VALUES (?, (SELECT id FROM programs WHERE code = ?), 'active', 'hospital', 'x', "
              "'routine', ?, ?, 0, 0)",
              {p, program, T(referred), T(referred)})
          .status();
    };
    auto visit = [&](int64_t p, const char* cls, const char* in, const char* out) -> Status {
      return c
          .Exec(
              "INSERT INTO encounters (patient_id, encounter_class, facility, admitted_at, "
              "discharged_at, discharge_disposition, admission_type, status, created_at, "
              "updated_at) VALUES (?, ?, 'Riverside', ?, ?, 'home', 'emergency', 'finished', "
              "0, 0)",
              {p, cls, T(in), T(out)})
          .status();
    };
    CK_ASSIGN_OR_RETURN(int64_t a, patient("A"));
    CK_ASSIGN_OR_RETURN(int64_t b, patient("B"));
    CK_ASSIGN_OR_RETURN(int64_t cc, patient("C"));
    CK_ASSIGN_OR_RETURN(int64_t d, patient("D"));
    CK_ASSIGN_OR_RETURN(int64_t e, patient("E"));
    CK_RETURN_IF_ERROR(enrol(a, "heart_failure_transitions", "2026-07-01T10:00:00Z"));
    CK_RETURN_IF_ERROR(enrol(a, "heart_failure_transitions", "2026-08-15T10:00:00Z"));  // 2nd
    CK_RETURN_IF_ERROR(enrol(b, "heart_failure_transitions", "2026-08-01T10:00:00Z"));
    CK_RETURN_IF_ERROR(enrol(cc, "heart_failure_transitions", "2026-03-01T10:00:00Z"));
    CK_RETURN_IF_ERROR(enrol(cc, "heart_failure_transitions", "2026-07-10T10:00:00Z"));
    CK_RETURN_IF_ERROR(enrol(d, "complex_care", "2026-07-10T10:00:00Z"));  // another program
    // A before: two stays, the second a readmission of the first; two ED visits.
    CK_RETURN_IF_ERROR(visit(a, "inpatient", "2026-04-10T12:00:00Z", "2026-04-14T12:00:00Z"));
    CK_RETURN_IF_ERROR(visit(a, "inpatient", "2026-05-01T12:00:00Z", "2026-05-05T12:00:00Z"));
    CK_RETURN_IF_ERROR(visit(a, "emergency", "2026-04-02T12:00:00Z", "2026-04-02T16:00:00Z"));
    CK_RETURN_IF_ERROR(visit(a, "emergency", "2026-06-01T12:00:00Z", "2026-06-01T16:00:00Z"));
    CK_RETURN_IF_ERROR(visit(a, "emergency", "2026-03-01T12:00:00Z", "2026-03-01T16:00:00Z"));
    // A after: one stay, not readmitted.
    CK_RETURN_IF_ERROR(visit(a, "inpatient", "2026-08-10T12:00:00Z", "2026-08-12T12:00:00Z"));
    // B before: one stay and one ED visit; nothing after.
    CK_RETURN_IF_ERROR(visit(b, "inpatient", "2026-07-01T12:00:00Z", "2026-07-05T12:00:00Z"));
    CK_RETURN_IF_ERROR(visit(b, "emergency", "2026-06-15T12:00:00Z", "2026-06-15T16:00:00Z"));
    // C's stays are nobody's figures.
    CK_RETURN_IF_ERROR(visit(cc, "inpatient", "2026-07-20T12:00:00Z", "2026-07-22T12:00:00Z"));
    // D: one stay and one ED visit before 1 August; one stay and two ED visits after.
    CK_RETURN_IF_ERROR(visit(d, "inpatient", "2026-07-01T12:00:00Z", "2026-07-03T12:00:00Z"));
    CK_RETURN_IF_ERROR(visit(d, "emergency", "2026-06-10T12:00:00Z", "2026-06-10T16:00:00Z"));
    CK_RETURN_IF_ERROR(visit(d, "inpatient", "2026-09-01T12:00:00Z", "2026-09-03T12:00:00Z"));
    CK_RETURN_IF_ERROR(visit(d, "emergency", "2026-08-20T12:00:00Z", "2026-08-20T16:00:00Z"));
    CK_RETURN_IF_ERROR(visit(d, "emergency", "2026-09-20T12:00:00Z", "2026-09-20T16:00:00Z"));
    // E: after only.
    CK_RETURN_IF_ERROR(visit(e, "emergency", "2026-09-20T12:00:00Z", "2026-09-20T16:00:00Z"));
    for (int64_t p : {a, b, cc, d, e})
      CK_RETURN_IF_ERROR(transitions::RecomputeStays(c, p, TimeZone::Utc(), 0));
    return Status::Ok();
  }

  Json Get(const std::string& query, const std::string& who = "sup", int status = 200) {
    http::Response r = api_.Call(Method::kGet, "/api/v1/reports/program-evaluation?" + query, who);
    EXPECT_EQ(r.status, status) << r.body;
    return Json::parse(r.body, nullptr, false);
  }

  static const Json& Find(const Json& cohort, const char* key) {
    for (const Json& m : cohort["measures"])
      if (m["key"] == key) return m;
    ADD_FAILURE() << "no measure " << key;
    return cohort;
  }

  testing::ApiHarness api_{T("2026-11-27T12:00:00Z")};
  const TimeZone utc_ = TimeZone::Utc();
  BusinessCalendar calendar_{BusinessCalendar::Options{}};
  Outcomes outcomes_{api_.db(), api_.clock(), calendar_, utc_};
};

constexpr const char* kSummer =
    "program=heart_failure_transitions&from=2026-06-01&to=2026-08-31&months=3";

TEST_F(EvaluationTest, EnrolleesBeforeAndAfterWithIntervals) {
  Json e = Get(kSummer);
  const Json& enrolled = e["cohorts"][0];
  EXPECT_EQ(enrolled["group"], "enrolled");
  EXPECT_EQ(enrolled["patients"], 2) << "A and B; C enrolled before the period";
  EXPECT_EQ(enrolled["complete_follow_up"], 2);
  // Three months = 91.3125 days either side of each enrolment: 6 patient-months each.
  const Json& admissions = Find(enrolled, "acute_admissions");
  EXPECT_EQ(admissions["before"]["events"], 3);
  EXPECT_EQ(admissions["after"]["events"], 1);
  EXPECT_DOUBLE_EQ(admissions["before"]["patient_months"].get<double>(), 6.0);
  EXPECT_DOUBLE_EQ(admissions["after"]["patient_months"].get<double>(), 6.0);
  EXPECT_NEAR(admissions["before"]["rate"].get<double>(), 500.0, 1e-9);
  EXPECT_NEAR(admissions["after"]["rate"].get<double>(), 1000.0 / 6, 1e-9);
  EXPECT_LT(admissions["after"]["ci_low"].get<double>(), 1000.0 / 6);
  EXPECT_GT(admissions["after"]["ci_high"].get<double>(), 1000.0 / 6);
  const double half = 1.959963984540054 * std::sqrt(1.0 / 3 + 1.0);
  EXPECT_NEAR(admissions["change"]["ratio"].get<double>(), 1.0 / 3, 1e-9);
  EXPECT_NEAR(admissions["change"]["ci_low"].get<double>(), std::exp(std::log(1.0 / 3) - half),
              1e-9);
  EXPECT_NEAR(admissions["change"]["ci_high"].get<double>(), std::exp(std::log(1.0 / 3) + half),
              1e-9);
  EXPECT_FALSE(admissions["change"]["significant"].get<bool>()) << "four events prove nothing";

  const Json& ed = Find(enrolled, "ed_visits");
  EXPECT_EQ(ed["before"]["events"], 3) << "A's visit of 1 March is outside the window";
  EXPECT_EQ(ed["after"]["events"], 0);
  EXPECT_TRUE(ed["change"]["ratio"].is_null()) << "no ratio to zero";

  const Json& readmissions = Find(enrolled, "readmission_30d");
  EXPECT_EQ(readmissions["before"]["events"], 1);
  EXPECT_EQ(readmissions["before"]["denominator"], 3);
  EXPECT_EQ(readmissions["after"]["events"], 0);
  EXPECT_EQ(readmissions["after"]["denominator"], 1);
  EXPECT_NEAR(readmissions["before"]["rate"].get<double>(), 1.0 / 3, 1e-9);
}

TEST_F(EvaluationTest, TheComparisonIsThoseNotEnrolledAroundTheMedianEnrolment) {
  Json e = Get(kSummer);
  EXPECT_EQ(e["comparison_index_at"], "2026-08-01T10:00:00.000Z");
  const Json& comparison = e["cohorts"][1];
  EXPECT_EQ(comparison["patients"], 1) << "D used the hospital before; E did not";
  const Json& admissions = Find(comparison, "acute_admissions");
  EXPECT_EQ(admissions["before"]["events"], 1);
  EXPECT_EQ(admissions["after"]["events"], 1);
  EXPECT_NEAR(admissions["change"]["ratio"].get<double>(), 1.0, 1e-9);
  EXPECT_EQ(Find(comparison, "ed_visits")["after"]["events"], 2);
  // Relative: (1/3) / 1, with both variances.
  const Json* relative = nullptr;
  for (const Json& r : e["relative"])
    if (r["key"] == "acute_admissions") relative = &r;
  ASSERT_NE(relative, nullptr);
  const double half = 1.959963984540054 * std::sqrt(1.0 / 3 + 1.0 + 1.0 + 1.0);
  EXPECT_NEAR((*relative)["ratio"].get<double>(), 1.0 / 3, 1e-9);
  EXPECT_NEAR((*relative)["ci_high"].get<double>(), std::exp(std::log(1.0 / 3) + half), 1e-9);

  Json all = Get(std::string(kSummer) + "&comparison=all");
  EXPECT_EQ(all["cohorts"][1]["patients"], 2);
  EXPECT_DOUBLE_EQ(Find(all["cohorts"][1], "ed_visits")["after"]["patient_months"].get<double>(),
                   6.0);
  EXPECT_EQ(Find(all["cohorts"][1], "ed_visits")["after"]["events"], 3);
}

TEST_F(EvaluationTest, FollowUpStillRunningCountsOnlyTheTimeElapsed) {
  // Enrolled a month ago: the after window has 30 days so far.
  ASSERT_TRUE(api_.db()
                  .Write([&](db::Connection& c) {
                    return c
                        .Exec(
                            "INSERT INTO cases (patient_id, program_id, status, "
                            "referral_source, referral_reason, urgency, referred_at, "
                            "triage_due_at, created_at, updated_at) VALUES ((SELECT id FROM "
                            "patients WHERE given_name = 'E'), (SELECT id FROM programs WHERE "
                            "code = 'copd_transitions'), 'active', 'hospital', 'x', 'routine', "
                            "?, ?, 0, 0)",
                            {T("2026-10-28T12:00:00Z"), T("2026-10-28T12:00:00Z")})
                        .status();
                  })
                  .ok());
  Json e = Get("program=copd_transitions&from=2026-10-01&to=2026-10-31&months=3");
  EXPECT_EQ(e["cohorts"][0]["patients"], 1);
  EXPECT_EQ(e["cohorts"][0]["complete_follow_up"], 0);
  EXPECT_NEAR(Find(e["cohorts"][0], "ed_visits")["after"]["patient_months"].get<double>(), 1.0,
              0.05);
}

TEST_F(EvaluationTest, BadQuestionsAndRoles) {
  EXPECT_EQ(Get("program=nope&from=2026-06-01&to=2026-08-31", "sup", 400)["field"], "program");
  EXPECT_EQ(Get(std::string(kSummer) + "0", "sup", 400)["field"], "months");
  EXPECT_EQ(Get(std::string(kSummer) + "&comparison=everyone", "sup", 400)["field"], "comparison");
  EXPECT_EQ(
      Get("program=heart_failure_transitions&from=2026-08-01&to=2026-06-01", "sup", 400)["field"],
      "to");
  Get(kSummer, "cm.one", 403);
  Get(kSummer, "auditor", 200);
  http::Response csv = api_.Call(
      Method::kGet, std::string("/api/v1/reports/program-evaluation?") + kSummer + "&format=csv",
      "sup");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.body.find("Acute inpatient admissions per 1,000 patient-months"), std::string::npos)
      << csv.body;
}

}  // namespace
}  // namespace ck::outcomes
