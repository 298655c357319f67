// Measure packs on hand-built data with known answers: NCQA timeliness,
// HEDIS TRC, FMC-style ED follow-up and observed PCR, with their population
// rules (Medicare, 18+, superseded discharges, same-day and pregnancy stays)
// and the pending cases whose windows are still open.
#include <gtest/gtest.h>

#include "assessments/service.h"
#include "http/json.h"
#include "outcomes/measures.h"
#include "outcomes/routes.h"
#include "scoring/catalog.h"
#include "testing/api_harness.h"
#include "transitions/readmissions.h"

namespace ck::outcomes {
namespace {

using http::Json;
using http::Method;

Timestamp T(const char* iso) { return *ParseTimestamp(iso); }

class PacksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterRoutes(api_.router(), outcomes_);
    int64_t team = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team);
    api_.AddUser("sup", auth::Role::kSupervisor, team);
    auto catalog = scoring::Catalog::Load();
    ASSERT_TRUE(catalog.ok());
    ASSERT_TRUE(assessments::SyncDefinitions(api_.db(), **catalog, 0).ok());
    Status built = api_.db().Write([&](db::Connection& c) { return Build(c); });
    ASSERT_TRUE(built.ok()) << built.ToString();
  }

  Status Build(db::Connection& c) {
    cm_ = api_.id("cm.one");
    auto patient = [&](const char* given, const char* born) -> Result<int64_t> {
      CK_ASSIGN_OR_RETURN(auto r, c.Query("INSERT INTO patients (given_name, family_name, "
                                          "birth_date, administrative_sex, created_at, "
                                          "updated_at) VALUES (?, 'Test', ?, 'female', 0, 0) "
                                          "RETURNING id",
                                          {given, born}));
      return r.at(0).Int(0);
    };
    auto kase = [&](int64_t p, const char* referred, const char* closed,
                    const char* reason) -> Result<int64_t> {
      CK_ASSIGN_OR_RETURN(
          auto r, c.Query("INSERT INTO cases (patient_id, program_id, status, referral_source, "
                          "referral_reason, urgency, referred_at, triage_due_at, closure_reason, "
                          "closed_at, assigned_user_id, created_at, updated_at) VALUES (?, "
                          "(SELECT id FROM programs WHERE code = 'complex_care'), ?, 'hospital', "
                          "'x', 'routine', ?, ?, ?, ?, ?, 0, 0) RETURNING id",
                          {p, closed ? "closed" : "active", T(referred), T(referred),
                           reason ? db::Value(reason) : db::Value(),
                           closed ? db::Value(T(closed)) : db::Value(), cm_}));
      return r.at(0).Int(0);
    };
    auto assess = [&](int64_t p, int64_t k, const char* instrument, const char* at) -> Status {
      return c
          .Exec(
              "INSERT INTO assessments (patient_id, case_id, instrument_id, "
              "instrument_version, status, answers, started_by, started_at, completed_at, "
              "updated_at) VALUES (?, ?, ?, (SELECT MAX(version) FROM instrument_definitions "
              "WHERE instrument_id = ?), 'completed', '{}', ?, ?, ?, 0)",
              {p, k, instrument, instrument, cm_, T(at), T(at)})
          .status();
    };
    auto contact = [&](int64_t p, int64_t k, const char* at, const char* outcome) -> Status {
      return c
          .Exec(
              "INSERT INTO case_contacts (case_id, patient_id, contact_at, method, direction, "
              "party, outcome, recorded_by, created_at) VALUES (?, ?, ?, 'phone', 'outbound', "
              "'patient', ?, ?, 0)",
              {k, p, T(at), outcome, cm_})
          .status();
    };
    auto visit = [&](int64_t p, const char* cls, const char* in, const char* out,
                     const char* dx = nullptr) -> Result<int64_t> {
      CK_ASSIGN_OR_RETURN(
          auto r, c.Query("INSERT INTO encounters (patient_id, encounter_class, facility, "
                          "admitted_at, discharged_at, discharge_disposition, admission_type, "
                          "diagnoses, status, created_at, updated_at) VALUES (?, ?, 'Riverside', "
                          "?, ?, 'home', 'emergency', ?, 'finished', 0, 0) RETURNING id",
                          {p, cls, T(in), T(out), dx ? db::Value(dx) : db::Value()}));
      return r.at(0).Int(0);
    };
    auto medicare = [&](int64_t p) -> Status {
      return c
          .Exec(
              "INSERT INTO coverages (patient_id, payer, product_type, member_id, "
              "effective_from, priority, status, created_at, updated_at) VALUES (?, 'Medicare "
              "Plan', 'medicare_advantage', 'M1', '2026-01-01', 'primary', 'active', 0, 0)",
              {p})
          .status();
    };

    // NCQA: four referrals in November, one in October.
    CK_ASSIGN_OR_RETURN(int64_t a, patient("A", "1950-01-01"));
    CK_ASSIGN_OR_RETURN(int64_t k1, kase(a, "2026-11-01T10:00:00Z", nullptr, nullptr));
    CK_RETURN_IF_ERROR(assess(a, k1, "phq9", "2026-11-10T10:00:00Z"));
    CK_RETURN_IF_ERROR(assess(a, k1, "ahc-hrsn", "2026-11-12T10:00:00Z"));
    CK_RETURN_IF_ERROR(assess(a, k1, "morse", "2026-11-15T10:00:00Z"));
    CK_ASSIGN_OR_RETURN(int64_t b, patient("B", "1950-01-01"));
    CK_ASSIGN_OR_RETURN(int64_t k2, kase(b, "2026-11-02T10:00:00Z", nullptr, nullptr));
    CK_RETURN_IF_ERROR(assess(b, k2, "phq9", "2026-11-20T10:00:00Z"));  // alone
    CK_ASSIGN_OR_RETURN(int64_t d, patient("D", "1950-01-01"));
    CK_RETURN_IF_ERROR(kase(d, "2026-11-05T10:00:00Z", nullptr, nullptr).status());
    CK_RETURN_IF_ERROR(kase(d, "2026-11-28T10:00:00Z", nullptr, nullptr).status());  // pending
    CK_RETURN_IF_ERROR(kase(d, "2026-10-01T10:00:00Z", nullptr, nullptr).status());  // before
    // Outreach: three days of attempts; three attempts on two days; closed otherwise.
    CK_ASSIGN_OR_RETURN(int64_t k6,
                        kase(d, "2026-08-01T10:00:00Z", "2026-11-20T10:00:00Z", "unable_to_reach"));
    for (const char* at : {"2026-11-10T10:00:00Z", "2026-11-12T10:00:00Z", "2026-11-15T10:00:00Z"})
      CK_RETURN_IF_ERROR(contact(d, k6, at, "no_answer"));
    CK_ASSIGN_OR_RETURN(int64_t k7,
                        kase(d, "2026-08-01T10:00:00Z", "2026-11-21T10:00:00Z", "unable_to_reach"));
    for (const char* at : {"2026-11-18T10:00:00Z", "2026-11-18T15:00:00Z", "2026-11-19T10:00:00Z"})
      CK_RETURN_IF_ERROR(contact(d, k7, at, "voicemail"));
    CK_RETURN_IF_ERROR(
        kase(d, "2026-08-01T10:00:00Z", "2026-11-22T10:00:00Z", "goals_met").status());

    // Stays. M: Medicare, adult; engaged by phone, discharge information by hand.
    CK_ASSIGN_OR_RETURN(int64_t m, patient("M", "1950-01-01"));
    CK_RETURN_IF_ERROR(medicare(m));
    CK_ASSIGN_OR_RETURN(int64_t km, kase(m, "2026-10-01T10:00:00Z", nullptr, nullptr));
    CK_ASSIGN_OR_RETURN(int64_t m_stay,
                        visit(m, "inpatient", "2026-11-03T12:00:00Z", "2026-11-06T12:00:00Z"));
    CK_RETURN_IF_ERROR(contact(m, km, "2026-11-08T12:00:00Z", "reached"));
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO trc_documentation (encounter_id, patient_id, "
                              "component, occurred_at, status, recorded_at) VALUES (?, ?, "
                              "'discharge_information', ?, 'active', 0)",
                              {m_stay, m, T("2026-11-06T15:00:00Z")})
                           .status());
    // R: Medicare, readmitted on the 20th (the first discharge is superseded for TRC).
    CK_ASSIGN_OR_RETURN(int64_t r, patient("R", "1945-01-01"));
    CK_RETURN_IF_ERROR(medicare(r));
    CK_RETURN_IF_ERROR(
        visit(r, "inpatient", "2026-11-10T12:00:00Z", "2026-11-12T12:00:00Z").status());
    CK_RETURN_IF_ERROR(
        visit(r, "inpatient", "2026-11-20T12:00:00Z", "2026-11-22T12:00:00Z").status());
    // Y: Medicare but 16; N: commercial; S: a same-day stay; P: a delivery.
    CK_ASSIGN_OR_RETURN(int64_t y, patient("Y", "2010-01-01"));
    CK_RETURN_IF_ERROR(medicare(y));
    CK_RETURN_IF_ERROR(
        visit(y, "inpatient", "2026-11-03T12:00:00Z", "2026-11-06T12:00:00Z").status());
    CK_ASSIGN_OR_RETURN(int64_t n, patient("N", "1980-01-01"));
    CK_RETURN_IF_ERROR(
        visit(n, "inpatient", "2026-11-07T12:00:00Z", "2026-11-09T12:00:00Z").status());
    CK_ASSIGN_OR_RETURN(int64_t s, patient("S", "1980-01-01"));
    CK_RETURN_IF_ERROR(
        visit(s, "inpatient", "2026-11-14T08:00:00Z", "2026-11-14T20:00:00Z").status());
    CK_ASSIGN_OR_RETURN(int64_t p, patient("P", "1995-01-01"));
    CK_RETURN_IF_ERROR(
        visit(p, "inpatient", "2026-11-14T08:00:00Z", "2026-11-16T20:00:00Z", "O80").status());

    // ED: A followed up in 4 days; admitted from the ED on the 10th; not followed on the 15th.
    CK_RETURN_IF_ERROR(
        visit(a, "emergency", "2026-11-05T02:00:00Z", "2026-11-05T06:00:00Z").status());
    CK_RETURN_IF_ERROR(contact(a, k1, "2026-11-09T12:00:00Z", "reached"));
    CK_RETURN_IF_ERROR(
        visit(b, "emergency", "2026-11-10T02:00:00Z", "2026-11-10T06:00:00Z").status());
    CK_RETURN_IF_ERROR(
        visit(b, "inpatient", "2026-11-10T07:00:00Z", "2026-11-13T12:00:00Z").status());
    CK_RETURN_IF_ERROR(
        visit(d, "emergency", "2026-11-15T02:00:00Z", "2026-11-15T06:00:00Z").status());
    CK_RETURN_IF_ERROR(
        visit(y, "emergency", "2026-11-15T02:00:00Z", "2026-11-15T06:00:00Z").status());
    for (int64_t id : {a, b, d, m, r, y, n, s, p})
      CK_RETURN_IF_ERROR(transitions::RecomputeStays(c, id, utc_, 0));
    return Status::Ok();
  }

  Json Pack(const std::string& pack, int status = 200, const std::string& who = "sup") {
    http::Response r =
        api_.Call(Method::kGet,
                  "/api/v1/reports/measure-packs/" + pack + "?from=2026-11-01&to=2026-11-30", who);
    EXPECT_EQ(r.status, status) << r.body;
    return Json::parse(r.body, nullptr, false);
  }

  // numerator / denominator (+pending)
  static std::string Figures(const Json& report, const char* key) {
    for (const Json& m : report["measures"])
      if (m["key"] == key)
        return std::to_string(m["numerator"].get<int64_t>()) + "/" +
               std::to_string(m["denominator"].get<int64_t>()) + "+" +
               std::to_string(m["pending"].get<int64_t>());
    return "missing";
  }

  testing::ApiHarness api_{T("2026-12-20T12:00:00Z")};
  const TimeZone utc_ = TimeZone::Utc();
  BusinessCalendar calendar_{BusinessCalendar::Options{}};
  Outcomes outcomes_{api_.db(), api_.clock(), calendar_, utc_};
  int64_t cm_ = 0;
};

TEST_F(PacksTest, NcqaTimelinessCountsPendingApart) {
  Json r = Pack("ncqa_case_management");
  EXPECT_EQ(Figures(r, "initial_assessment_30_days"), "2/3+1");
  EXPECT_EQ(Figures(r, "initial_assessment_components_dated"), "1/3+1");
  EXPECT_EQ(Figures(r, "outreach_before_closure"), "1/2+0");
  EXPECT_NEAR(r["measures"][0]["rate"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_FALSE(r["notes"].empty());
}

TEST_F(PacksTest, TransitionsOfCareForMedicareAdultsPerLastDischarge) {
  Json r = Pack("hedis_trc");
  // M's stay and R's second; R's first is superseded, Y is 16, N has no Medicare.
  EXPECT_EQ(Figures(r, "admission_notification"), "0/2+0");
  EXPECT_EQ(Figures(r, "discharge_information"), "1/2+0");
  EXPECT_EQ(Figures(r, "patient_engagement"), "1/1+1");
  EXPECT_EQ(Figures(r, "medication_reconciliation"), "0/1+1");
  EXPECT_EQ(Figures(r, "all_four"), "0/2+0");
}

TEST_F(PacksTest, EdFollowUpLeavesOutAdmissionsAndChildren) {
  EXPECT_EQ(Figures(Pack("hedis_fmc"), "ed_follow_up_7_days"), "1/2+0");
}

TEST_F(PacksTest, PlanAllCauseReadmissionsObserved) {
  // M, R's first (readmitted), N, B (admitted from the ED); R's second is
  // pending; Y is a child, S a same-day stay, P a delivery.
  EXPECT_EQ(Figures(Pack("hedis_pcr"), "observed_readmission_30d"), "1/4+1");
}

TEST_F(PacksTest, UnknownPacksAndRoles) {
  EXPECT_EQ(Pack("hedis_xyz", 400)["field"], "pack");
  Pack("hedis_trc", 403, "cm.one");
  http::Response list = api_.Call(Method::kGet, "/api/v1/reports/measure-packs", "sup");
  EXPECT_EQ(Json::parse(list.body)["items"].size(), 4u);
  http::Response csv = api_.Call(
      Method::kGet,
      "/api/v1/reports/measure-packs/hedis_trc?from=2026-11-01&to=2026-11-30&format=csv", "sup");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.body.find("Receipt of discharge information"), std::string::npos) << csv.body;
}

}  // namespace
}  // namespace ck::outcomes
