// Outcome measures on a small hand-built population with known answers:
// every measure's numerator and denominator, boundary days (the last day of
// the period, day 30 of a readmission window), empty denominators, the
// population and role scoping, stratification with gaps, and the statistics.
#include <gtest/gtest.h>

#include <map>

#include "assessments/service.h"
#include "http/json.h"
#include "outcomes/measures.h"
#include "outcomes/routes.h"
#include "outcomes/stats.h"
#include "scoring/catalog.h"
#include "testing/api_harness.h"
#include "transitions/readmissions.h"

namespace ck::outcomes {
namespace {

using http::Json;
using http::Method;

Timestamp T(const char* iso) { return *ParseTimestamp(iso); }

TEST(OutcomeStats, IntervalsAndTestsMatchPublishedValues) {
  // Wilson 95 % for 10/100: 0.0552 to 0.1744 (Newcombe 1998, table I style figures).
  auto ci = WilsonInterval(10, 100);
  ASSERT_TRUE(ci);
  EXPECT_NEAR(ci->low, 0.0552, 1e-4);
  EXPECT_NEAR(ci->high, 0.1744, 1e-4);
  EXPECT_FALSE(WilsonInterval(0, 0));
  auto zero = WilsonInterval(0, 20);
  EXPECT_EQ(zero->low, 0);
  EXPECT_NEAR(zero->high, 0.1611, 1e-4);
  // 30/100 against 15/100: pooled 0.225, z = 2.54, p = 0.0111.
  EXPECT_NEAR(*TwoProportionP(30, 100, 15, 100), 0.0111, 1e-4);
  EXPECT_FALSE(TwoProportionP(0, 10, 0, 10));  // nothing happened anywhere
  EXPECT_FALSE(TwoProportionP(1, 0, 1, 10));
  // Poisson: 10 events in 1 unit of time, exact 95 % limits 4.80 to 18.39 (Byar's close).
  auto rate = PoissonRateInterval(10, 1.0);
  EXPECT_NEAR(rate->low, 4.80, 0.02);
  EXPECT_NEAR(rate->high, 18.39, 0.03);
  EXPECT_EQ(PoissonRateInterval(0, 2.0)->low, 0);
  EXPECT_FALSE(PoissonRateInterval(3, 0));
  EXPECT_NEAR(*TwoRateP(20, 10, 20, 10), 1.0, 1e-9);
  // Flagged only with p < 0.05 and at least 10 on each side.
  EXPECT_TRUE(Significant(0.01, 10, 10));
  EXPECT_FALSE(Significant(0.01, 9.5, 400));
  EXPECT_FALSE(Significant(0.01, 400, 9));
  EXPECT_FALSE(Significant(0.05, 400, 400));
  EXPECT_FALSE(Significant(std::nullopt, 400, 400));
  EXPECT_LT(*TwoRateP(40, 10, 10, 10), 0.001);
}

class OutcomesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterRoutes(api_.router(), outcomes_);
    team_ = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team_);
    api_.AddUser("cm.two", auth::Role::kCaseManager, api_.AddTeam("B"));
    api_.AddUser("sup", auth::Role::kSupervisor, team_);
    api_.AddUser("auditor", auth::Role::kAuditor);
    api_.AddUser("admin", auth::Role::kAdmin);
    auto catalog = scoring::Catalog::Load();
    ASSERT_TRUE(catalog.ok());
    ASSERT_TRUE(assessments::SyncDefinitions(api_.db(), **catalog, 0).ok());
    Status built = api_.db().Write([&](db::Connection& c) { return Build(c); });
    ASSERT_TRUE(built.ok()) << built.ToString();
  }

  // Four patients. P1, P2 on cm.one's caseload (team A), P3 on cm.two's, P4 with no case.
  Status Build(db::Connection& c) {
    auto patient = [&](const char* given, const char* sex, const char* born, const char* lang,
                       std::vector<const char*> races) -> Result<int64_t> {
      CK_ASSIGN_OR_RETURN(auto r, c.Query("INSERT INTO patients (given_name, family_name, "
                                          "birth_date, administrative_sex, preferred_language, "
                                          "address_postal_code, created_at, updated_at) VALUES "
                                          "(?, 'Test', ?, ?, ?, '43205', 0, 0) RETURNING id",
                                          {given, born, sex, lang}));
      int64_t id = r.at(0).Int(0);
      for (const char* race : races)
        CK_RETURN_IF_ERROR(
            c.Exec("INSERT INTO patient_races (patient_id, race) VALUES (?, ?)", {id, race})
                .status());
      return id;
    };
    CK_ASSIGN_OR_RETURN(p1_, patient("One", "female", "1950-01-01", "en", {"white"}));
    CK_ASSIGN_OR_RETURN(p2_, patient("Two", "male", "1980-06-01", "es", {"black"}));
    CK_ASSIGN_OR_RETURN(p3_, patient("Three", "female", "2000-03-03", "en", {"asian", "white"}));
    CK_ASSIGN_OR_RETURN(p4_, patient("Four", "male", "1960-01-01", "en", {}));
    // A duplicate record merged into P4: in no population.
    CK_ASSIGN_OR_RETURN(int64_t dup, patient("Four-dup", "male", "1960-01-01", "en", {}));
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE patients SET merged_into_id = ? WHERE id = ?", {p4_, dup}).status());
    auto kase = [&](int64_t p, const char* user, const char* referred,
                    std::optional<const char*> closed) -> Result<int64_t> {
      CK_ASSIGN_OR_RETURN(
          auto r,
          c.Query("INSERT INTO cases (patient_id, program_id, status, referral_source, "
                  "referral_reason, urgency, referred_at, triage_due_at, assigned_user_id, "
                  "closed_at, created_at, updated_at) VALUES (?, (SELECT id FROM programs WHERE "
                  "code = 'heart_failure_transitions'), ?, 'hospital', 'x', 'routine', ?, ?, ?, "
                  "?, 0, 0) RETURNING id",
                  {p, closed ? "closed" : "active", T(referred), T(referred), api_.id(user),
                   closed ? db::Value(T(*closed)) : db::Value()}));
      return r.at(0).Int(0);
    };
    CK_ASSIGN_OR_RETURN(k1_, kase(p1_, "cm.one", "2026-09-01T00:00:00Z", std::nullopt));
    CK_ASSIGN_OR_RETURN(k2_, kase(p2_, "cm.one", "2026-10-16T10:00:00Z", std::nullopt));
    CK_ASSIGN_OR_RETURN(k3_, kase(p3_, "cm.two", "2026-08-01T00:00:00Z", "2026-10-11T00:00:00Z"));
    // Hospital stays; the readmission flags come from the transitions rules.
    auto stay = [&](int64_t p, const char* cls, const char* in, const char* out) -> Status {
      return c
          .Exec(
              "INSERT INTO encounters (patient_id, encounter_class, facility, admitted_at, "
              "discharged_at, discharge_disposition, admission_type, status, created_at, "
              "updated_at) VALUES (?, ?, 'Riverside', ?, ?, 'home', 'emergency', 'finished', "
              "0, 0)",
              {p, cls, T(in), T(out)})
          .status();
    };
    CK_RETURN_IF_ERROR(stay(p1_, "inpatient", "2026-10-01T12:00:00Z", "2026-10-05T12:00:00Z"));
    CK_RETURN_IF_ERROR(stay(p1_, "inpatient", "2026-10-20T12:00:00Z", "2026-10-25T12:00:00Z"));
    CK_RETURN_IF_ERROR(stay(p2_, "inpatient", "2026-09-25T12:00:00Z", "2026-09-30T12:00:00Z"));
    CK_RETURN_IF_ERROR(stay(p2_, "inpatient", "2026-10-10T12:00:00Z", "2026-10-12T12:00:00Z"));
    CK_RETURN_IF_ERROR(stay(p2_, "inpatient", "2026-11-20T12:00:00Z", "2026-11-22T12:00:00Z"));
    CK_RETURN_IF_ERROR(stay(p3_, "inpatient", "2026-10-29T12:00:00Z", "2026-10-31T20:00:00Z"));
    CK_RETURN_IF_ERROR(stay(p3_, "inpatient", "2026-11-30T12:00:00Z", "2026-12-03T12:00:00Z"));
    CK_RETURN_IF_ERROR(stay(p4_, "inpatient", "2026-10-10T12:00:00Z", "2026-10-15T12:00:00Z"));
    CK_RETURN_IF_ERROR(stay(p4_, "inpatient", "2026-10-20T12:00:00Z", "2026-10-22T12:00:00Z"));
    CK_RETURN_IF_ERROR(stay(p1_, "emergency", "2026-10-03T02:00:00Z", "2026-10-03T08:00:00Z"));
    CK_RETURN_IF_ERROR(stay(p2_, "emergency", "2026-10-08T02:00:00Z", "2026-10-08T08:00:00Z"));
    CK_RETURN_IF_ERROR(stay(p2_, "emergency", "2026-11-02T02:00:00Z", "2026-11-02T08:00:00Z"));
    for (int64_t p : {p1_, p2_, p3_, p4_})
      CK_RETURN_IF_ERROR(transitions::RecomputeStays(c, p, TimeZone::Utc(), 0));
    // Follow-ups: P1 reached two days after the first discharge; P2 seen four days after.
    auto contact = [&](int64_t k, int64_t p, const char* at, const char* outcome) -> Status {
      return c
          .Exec(
              "INSERT INTO case_contacts (case_id, patient_id, contact_at, method, direction, "
              "party, outcome, recorded_by, created_at) VALUES (?, ?, ?, 'phone', 'outbound', "
              "'patient', ?, ?, 0)",
              {k, p, T(at), outcome, api_.id("cm.one")})
          .status();
    };
    CK_RETURN_IF_ERROR(contact(k1_, p1_, "2026-10-07T15:00:00Z", "reached"));
    CK_RETURN_IF_ERROR(contact(k1_, p1_, "2026-10-26T15:00:00Z", "no_answer"));
    CK_RETURN_IF_ERROR(contact(k1_, p1_, "2026-11-02T15:00:00Z", "reached"));
    CK_RETURN_IF_ERROR(contact(k2_, p2_, "2026-10-19T09:00:00Z", "reached"));
    CK_RETURN_IF_ERROR(
        c.Exec("INSERT INTO appointments (case_id, patient_id, kind, reason, starts_at, ends_at, "
               "status, created_at, updated_at) VALUES (?, ?, 'appointment', 'follow-up', ?, ?, "
               "'completed', 0, 0)",
               {k2_, p2_, T("2026-10-16T14:00:00Z"), T("2026-10-16T14:30:00Z")})
            .status());
    // Medication reconciliations: P1's on the discharge day; P2's 39 days late.
    auto rec = [&](int64_t p, const char* done) -> Status {
      return c
          .Exec(
              "INSERT INTO medication_reconciliations (encounter_id, patient_id, status, "
              "source, created_at, completed_at, updated_at) VALUES ((SELECT MIN(id) FROM "
              "encounters WHERE patient_id = ?), ?, 'completed', 'discharge_summary', 0, ?, 0)",
              {p, p, T(done)})
          .status();
    };
    CK_RETURN_IF_ERROR(rec(p1_, "2026-10-05T18:00:00Z"));
    CK_RETURN_IF_ERROR(rec(p2_, "2026-11-20T18:00:00Z"));
    // Goals on P1's plan: achieved in the period, missed in it, achieved after it, cancelled.
    CK_ASSIGN_OR_RETURN(
        auto plan, c.Query("INSERT INTO care_plans (case_id, patient_id, title, status, "
                           "review_every_days, next_review_due, created_at, updated_at) VALUES "
                           "(?, ?, 'Plan', 'active', 30, 0, 0, 0) RETURNING id",
                           {k1_, p1_}));
    for (auto [status, target] :
         {std::pair{"achieved", "2026-10-10"}, std::pair{"not_achieved", "2026-10-31"},
          std::pair{"achieved", "2026-11-01"}, std::pair{"cancelled", "2026-10-15"}})
      CK_RETURN_IF_ERROR(c.Exec("INSERT INTO care_plan_goals (care_plan_id, patient_id, "
                                "description, origin, status, target_date, created_at, "
                                "updated_at) VALUES (?, ?, 'g', 'clinician_set', ?, ?, 0, 0)",
                                {plan.at(0).Int(0), p1_, status, target})
                             .status());
    // Barriers: P2's resolved and open ones in the period, P1's before it.
    auto barrier = [&](int64_t k, int64_t p, const char* at, const char* status) -> Status {
      return c
          .Exec(
              "INSERT INTO barriers (patient_id, case_id, domain, severity, status, source, "
              "identified_at, created_at, updated_at) VALUES (?, ?, 'transportation', "
              "'moderate', ?, 'manual', ?, 0, 0)",
              {p, k, status, T(at)})
          .status();
    };
    CK_RETURN_IF_ERROR(barrier(k2_, p2_, "2026-10-02T10:00:00Z", "resolved"));
    CK_RETURN_IF_ERROR(barrier(k2_, p2_, "2026-10-20T10:00:00Z", "identified"));
    CK_RETURN_IF_ERROR(barrier(k1_, p1_, "2026-09-30T10:00:00Z", "resolved"));
    // PHQ-9s: P1 15 → 12 → 8 (improved by 7); P2 one only; P3 6 → 9.
    auto phq = [&](int64_t k, int64_t p, const char* at, double score) -> Status {
      return c
          .Exec(
              "INSERT INTO assessments (patient_id, case_id, instrument_id, "
              "instrument_version, status, answers, score, started_by, started_at, "
              "completed_at, updated_at) VALUES (?, ?, 'phq9', 1, 'completed', '{}', ?, ?, 0, "
              "?, 0)",
              {p, k, score, api_.id("cm.one"), T(at)})
          .status();
    };
    CK_RETURN_IF_ERROR(phq(k1_, p1_, "2026-09-01T10:00:00Z", 15));
    CK_RETURN_IF_ERROR(phq(k1_, p1_, "2026-10-10T10:00:00Z", 12));
    CK_RETURN_IF_ERROR(phq(k1_, p1_, "2026-10-20T10:00:00Z", 8));
    CK_RETURN_IF_ERROR(phq(k2_, p2_, "2026-10-05T10:00:00Z", 10));
    CK_RETURN_IF_ERROR(phq(k3_, p3_, "2026-08-01T10:00:00Z", 6));
    CK_RETURN_IF_ERROR(phq(k3_, p3_, "2026-10-15T10:00:00Z", 9));
    // HbA1c: P2 9.1 → 7.6.
    for (auto [at, v] :
         {std::pair{"2026-09-01T10:00:00Z", 9.1}, std::pair{"2026-10-20T10:00:00Z", 7.6}})
      CK_RETURN_IF_ERROR(c.Exec("INSERT INTO observations (patient_id, code_system, code, status, "
                                "effective_at, value_number, created_at, updated_at) VALUES (?, "
                                "'loinc', '4548-4', 'final', ?, ?, 0, 0)",
                                {p2_, T(at), v})
                             .status());
    return Status::Ok();
  }

  std::map<std::string, Json> Report(const std::string& query, const std::string& who = "auditor",
                                     int want = 200) {
    auto r = api_.Call(Method::kGet, "/api/v1/reports/outcomes?" + query, who);
    EXPECT_EQ(r.status, want) << r.body;
    std::map<std::string, Json> out;
    if (r.status != 200) {
      out["error"] = Json::parse(r.body);
      return out;
    }
    Json body = Json::parse(r.body);
    for (const Json& m : body["measures"]) out[m["key"]] = m;
    return out;
  }

  testing::ApiHarness api_{T("2026-12-27T12:00:00Z")};
  BusinessCalendar calendar_{{}};
  TimeZone utc_ = TimeZone::Utc();
  Outcomes outcomes_{api_.db(), api_.clock(), calendar_, utc_};
  int64_t team_ = 0, p1_ = 0, p2_ = 0, p3_ = 0, p4_ = 0, k1_ = 0, k2_ = 0, k3_ = 0;
};

TEST_F(OutcomesTest, EveryMeasureOnAKnownPopulation) {
  auto m = Report("from=2026-10-01&to=2026-10-31");
  auto figures = [&](const char* key) {
    const Json& o = m[key]["overall"];
    return std::make_pair(o["numerator"].get<int64_t>(), o["denominator"].get<int64_t>());
  };
  // Index discharges in October of the case-managed patients: P1 5 Oct (readmitted on day 15),
  // P1 25 Oct, P2 12 Oct, P3 31 Oct (the last day; readmitted on day 30).
  EXPECT_EQ(figures("readmission_30d"), std::make_pair(int64_t{2}, int64_t{4}));
  EXPECT_DOUBLE_EQ(m["readmission_30d"]["overall"]["rate"].get<double>(), 0.5);
  EXPECT_NEAR(m["readmission_30d"]["overall"]["ci_low"].get<double>(), 0.150, 1e-3);
  // ED visits: P1 3 Oct, P2 8 Oct (the 2 November one is outside); exposure 31 + 16 + 10 days.
  EXPECT_EQ(m["ed_visits"]["overall"]["numerator"], 2);
  // Exposure: October for P1, from P2's referral (16 October 10:00), P3 until the case closed.
  const double days = 31 + (15 + 14.0 / 24) + 10;
  EXPECT_NEAR(m["ed_visits"]["overall"]["exposure"].get<double>(), days / 30.4375, 0.05);
  EXPECT_NEAR(m["ed_visits"]["overall"]["rate"].get<double>(), 2 / (days / 30.4375) * 1000, 0.01);
  // Follow-up: P1's call two business days after the Monday discharge (in both windows); P2's
  // visit on day 4 (7 days only); none after P1's second stay or P3's.
  EXPECT_EQ(figures("follow_up_2_business_days"), std::make_pair(int64_t{1}, int64_t{4}));
  EXPECT_EQ(figures("follow_up_7_days"), std::make_pair(int64_t{2}, int64_t{4}));
  EXPECT_EQ(figures("medication_reconciliation_30d"), std::make_pair(int64_t{1}, int64_t{4}));
  // P1's ED visit (3 October) is followed by the call on the 7th; P2's (8 October) only by the
  // visit on the 16th, a day too late.
  EXPECT_EQ(figures("ed_follow_up_7_days"), std::make_pair(int64_t{1}, int64_t{2}));
  EXPECT_EQ(figures("goal_attainment"), std::make_pair(int64_t{1}, int64_t{2}));
  EXPECT_EQ(figures("barriers_resolved"), std::make_pair(int64_t{1}, int64_t{2}));
  // PHQ-9: P1 −7 (improved), P3 +3; P2 has one score only.
  EXPECT_EQ(figures("phq9_change"), std::make_pair(int64_t{1}, int64_t{2}));
  EXPECT_DOUBLE_EQ(m["phq9_change"]["overall"]["value"].get<double>(), -2.0);
  EXPECT_EQ(figures("hba1c_change"), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_NEAR(m["hba1c_change"]["overall"]["value"].get<double>(), -1.5, 1e-9);
  // P2 referred Friday 10:00, reached Monday 09:00: 71 hours, within 2 business days.
  EXPECT_EQ(figures("referral_to_first_contact"), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_DOUBLE_EQ(m["referral_to_first_contact"]["overall"]["value"].get<double>(), 71.0);
  // Empty denominators: no rate, no interval, not an error.
  EXPECT_EQ(figures("authorization_timeliness"), std::make_pair(int64_t{0}, int64_t{0}));
  EXPECT_TRUE(m["authorization_timeliness"]["overall"]["rate"].is_null());
  EXPECT_TRUE(m["appeal_filing_timeliness"]["overall"]["ci_low"].is_null());
  EXPECT_TRUE(m["referrals_closed_loop"]["overall"]["rate"].is_null());

  // One day less: P3's discharge on 31 October drops out.
  m = Report("from=2026-10-01&to=2026-10-30&measures=readmission_30d");
  EXPECT_EQ(figures("readmission_30d"), std::make_pair(int64_t{1}, int64_t{3}));
  ASSERT_EQ(m.size(), 1u);
  // Everyone: P4's two stays (the first readmitted) join.
  m = Report("from=2026-10-01&to=2026-10-31&population=all&measures=readmission_30d,ed_visits");
  EXPECT_EQ(figures("readmission_30d"), std::make_pair(int64_t{3}, int64_t{6}));
  // Four patients' Octobers: the merged duplicate is nobody.
  EXPECT_NEAR(m["ed_visits"]["overall"]["exposure"].get<double>(), 4 * 31 / 30.4375, 0.05);
}

TEST_F(OutcomesTest, StratifiedWithGapsAndScopedByRole) {
  auto m = Report("from=2026-10-01&to=2026-10-31&measures=readmission_30d&by=sex");
  Json groups = m["readmission_30d"]["groups"];
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0]["group"], "female");  // P1's two, P3's one
  EXPECT_EQ(groups[0]["numerator"], 2);
  EXPECT_EQ(groups[0]["denominator"], 3);
  EXPECT_NEAR(groups[0]["gap"].get<double>(), 2.0 / 3 - 0.5, 1e-9);
  EXPECT_FALSE(groups[0]["significant"]);  // far too few to tell
  EXPECT_EQ(groups[1]["group"], "male");
  EXPECT_DOUBLE_EQ(groups[1]["rate"].get<double>(), 0.0);

  m = Report("from=2026-10-01&to=2026-10-31&measures=readmission_30d&by=race");
  std::map<std::string, int64_t> dens;
  for (const Json& g : m["readmission_30d"]["groups"]) dens[g["group"]] = g["denominator"];
  EXPECT_EQ(dens, (std::map<std::string, int64_t>{{"black", 1}, {"multiple", 1}, {"white", 2}}));
  m = Report("from=2026-10-01&to=2026-10-31&measures=readmission_30d&by=age_band");
  dens.clear();
  for (const Json& g : m["readmission_30d"]["groups"]) dens[g["group"]] = g["denominator"];
  EXPECT_EQ(dens, (std::map<std::string, int64_t>{{"18-44", 1}, {"45-64", 1}, {"75+", 2}}));
  // A filter on a group.
  m = Report("from=2026-10-01&to=2026-10-31&measures=readmission_30d&language=es");
  EXPECT_EQ(m["readmission_30d"]["overall"]["denominator"], 1);

  // A case manager sees their own caseload (P1, P2), a supervisor their team's; others nothing.
  m = Report("from=2026-10-01&to=2026-10-31&measures=readmission_30d", "cm.one");
  EXPECT_EQ(m["readmission_30d"]["overall"]["denominator"], 3);
  m = Report("from=2026-10-01&to=2026-10-31&measures=readmission_30d", "cm.two");
  EXPECT_EQ(m["readmission_30d"]["overall"]["denominator"], 1);
  Report("from=2026-10-01&to=2026-10-31&user_id=" + std::to_string(api_.id("cm.two")), "cm.one",
         403);
  Report("from=2026-10-01&to=2026-10-31&population=all", "cm.one", 403);
  m = Report("from=2026-10-01&to=2026-10-31&measures=readmission_30d", "sup");
  EXPECT_EQ(m["readmission_30d"]["overall"]["denominator"], 3);
  Report("from=2026-10-01&to=2026-10-31", "admin", 403);
  m = Report("from=2026-10-01&to=2026-10-31&measures=readmission_30d&by=case_manager");
  dens.clear();
  for (const Json& g : m["readmission_30d"]["groups"]) dens[g["group"]] = g["denominator"];
  EXPECT_EQ(dens, (std::map<std::string, int64_t>{{"cm.one", 3}, {"cm.two", 1}}));

  // Bad input names the field.
  EXPECT_EQ(Report("from=2026-10-31&to=2026-10-01", "auditor", 400)["error"]["field"], "to");
  EXPECT_EQ(Report("to=2026-10-01", "auditor", 400)["error"]["field"], "from");
  EXPECT_EQ(Report("from=2026-10-01&to=2026-10-31&by=star_sign", "auditor", 400)["error"]["field"],
            "by");
  EXPECT_EQ(
      Report("from=2026-10-01&to=2026-10-31&measures=happiness", "auditor", 400)["error"]["field"],
      "measures");
  auto refused = [&](const std::string& q) {
    return Report("from=2026-10-01&to=2026-10-31&" + q, "auditor", 400)["error"]["field"];
  };
  EXPECT_EQ(refused("program=nope"), "program");  // not silently an empty report
  EXPECT_EQ(refused("user_id=999"), "user_id");
  EXPECT_EQ(refused("team_id=999"), "team_id");
  EXPECT_EQ(refused("age_band=90%2B"), "age_band");
  EXPECT_EQ(refused("postal_code=432"), "postal_code");

  // The same figures as a spreadsheet: one row per measure and group.
  auto csv = api_.Call(Method::kGet,
                       "/api/v1/reports/outcomes?from=2026-10-01&to=2026-10-31&measures="
                       "readmission_30d&by=sex&format=csv&table=figures",
                       "auditor");
  ASSERT_EQ(csv.status, 200) << csv.body;
  // Text columns first; columns empty in every row are left out.
  EXPECT_EQ(csv.body.substr(0, csv.body.find('\r')),
            "Group,Measure,Significant,Unit,Ci high,Ci low,Denominator,Gap,Numerator,P value,Rate");
  EXPECT_NE(csv.body.find("\r\nfemale,30-day all-cause readmission rate,no,rate,"),
            std::string::npos)
      << csv.body;
}

}  // namespace
}  // namespace ck::outcomes
