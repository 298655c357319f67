// The confidential case file: its extracted text holds every section and the
// record's content (a signed note and its addendum, a contact, an assessment's
// score, a barrier and its referral, the access log), every page is marked
// confidential, producing it needs a reason and is audited, and only those
// with access to the patient may produce it.
#include <gtest/gtest.h>

#include <memory>

#include "assessments/alerts.h"
#include "assessments/routes.h"
#include "assessments/service.h"
#include "cases/routes.h"
#include "core/business_calendar.h"
#include "http/json.h"
#include "patients/routes.h"
#include "patients/service.h"
#include "reports/routes.h"
#include "scoring/catalog.h"
#include "social/routes.h"
#include "testing/api_harness.h"
#include "testing/pdf_text.h"

namespace ck::reports {
namespace {

using http::Json;
using http::Method;

class CaseFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db::Database& db = api_.db();
    catalog_ = std::move(*scoring::Catalog::Load());
    ASSERT_TRUE(assessments::SyncDefinitions(db, *catalog_, api_.clock().Now()).ok());
    patients_ = std::make_unique<patients::Service>(db, api_.clock(), api_.authorizer(),
                                                    patients::Service::Options{});
    cases_ = std::make_unique<cases::Service>(db, api_.clock(), calendar_, api_.authorizer());
    assessments_ = std::make_unique<assessments::Service>(db, api_.clock(), *catalog_);
    alerts_ = std::make_unique<assessments::Alerts>(db, api_.clock());
    patients::RegisterRoutes(api_.router(), *patients_);
    cases::RegisterRoutes(api_.router(), *cases_);
    assessments::RegisterRoutes(api_.router(), *assessments_, *alerts_);
    social::RegisterRoutes(api_.router(), social_, directory_, "/partner");
    RegisterRoutes(api_.router(), db, api_.clock());
    int64_t team = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team);
    api_.AddUser("cm.other", auth::Role::kCaseManager, api_.AddTeam("B"));
    api_.AddUser("sup", auth::Role::kSupervisor, team);
  }

  Json Ok(const http::Response& r, int want) {
    EXPECT_EQ(r.status, want) << r.body;
    return Json::parse(r.body);
  }
  Json Post(const std::string& path, const Json& body, int want = 201,
            const std::string& who = "cm.one") {
    return Ok(api_.Call(Method::kPost, path, who, body), want);
  }

  testing::ApiHarness api_;
  BusinessCalendar calendar_{BusinessCalendar::Options{}};
  std::unique_ptr<scoring::Catalog> catalog_;
  std::unique_ptr<patients::Service> patients_;
  std::unique_ptr<cases::Service> cases_;
  std::unique_ptr<assessments::Service> assessments_;
  std::unique_ptr<assessments::Alerts> alerts_;
  social::Service social_{api_.db(), api_.clock(), calendar_, {}};
  social::Directory directory_{api_.db(), api_.clock()};
};

TEST_F(CaseFileTest, HoldsEverySectionAndIsAudited) {
  int64_t patient =
      Post("/api/v1/patients",
           {{"given_name", "Marguerite"},
            {"family_name", "Okonkwo"},
            {"birth_date", "1947-08-19"},
            {"administrative_sex", "female"},
            {"identifiers", {{{"system", "urn:mrn:riverside"}, {"value", "RV-5521"}}}}})["id"];
  std::string pp = "/api/v1/patients/" + std::to_string(patient);
  int64_t k = Post(pp + "/cases", {{"program", "heart_failure_transitions"},
                                   {"referral_source", "hospital"},
                                   {"referral_reason", "Second heart failure admission"},
                                   {"urgency", "urgent"}})["id"];
  std::string kp = "/api/v1/cases/" + std::to_string(k);
  Json note = Post(
      kp + "/notes",
      {{"note_type", "progress"},
       {"body", "Discussed daily weights; scale delivered. Daughter Nguyễn Thị Lan interprets."}});
  Ok(api_.Call(Method::kPost,
               "/api/v1/notes/" + std::to_string(note["id"].get<int64_t>()) + "/sign", "cm.one"),
     200);
  Post("/api/v1/notes/" + std::to_string(note["id"].get<int64_t>()) + "/addenda",
       {{"body", "Correction: the scale arrives Monday."}});
  Post(kp + "/contacts", {{"method", "phone"},
                          {"direction", "outbound"},
                          {"party", "patient"},
                          {"outcome", "reached"},
                          {"duration_minutes", 15},
                          {"summary", "Weight stable at 81 kg"}});
  Post(kp + "/assessments", {{"instrument", "phq9"},
                             {"answers", {{"items", {1, 1, 2, 1, 0, 1, 1, 0, 0}}}},
                             {"complete", true}});
  Json barrier = Post(kp + "/barriers", {{"domain", "transportation"}, {"severity", "high"}});
  int64_t rides = Post("/api/v1/resources",
                       {{"organization", "Eastside Rides"},
                        {"service", "Medical rides"},
                        {"domains", {"transportation"}}},
                       201, "sup")["id"];
  Post("/api/v1/barriers/" + std::to_string(barrier["id"].get<int64_t>()) + "/referrals",
       {{"resource_id", rides}, {"send", true}, {"consent_method", "verbal"}});

  // A reason is required; only those with access to the patient produce it.
  EXPECT_EQ(Ok(api_.Call(Method::kGet, kp + "/file.pdf", "cm.one"), 400)["field"], "reason");
  EXPECT_EQ(Ok(api_.Call(Method::kGet, kp + "/file.pdf?reason=%20%20", "cm.one"), 400)["field"],
            "reason");
  EXPECT_EQ(api_.Call(Method::kGet, kp + "/file.pdf?reason=curious", "cm.other").status, 403);
  int unknown = api_.Call(Method::kGet, "/api/v1/cases/999/file.pdf?reason=x", "cm.one").status;
  EXPECT_TRUE(unknown == 403 || unknown == 404) << unknown;

  auto r = api_.Call(Method::kGet, kp + "/file.pdf?reason=Quality%20audit%202026-Q4", "cm.one");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/pdf");
  ASSERT_EQ(r.body.rfind("%PDF-", 0), 0u);
  auto text = testing::PdfText(r.body);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  for (const char* want : {"Confidential case file: case",
                           "CONFIDENTIAL - protected health information",
                           "Reason: Quality audit 2026-Q4",
                           "1. Patient",
                           "Marguerite Okonkwo",
                           "1947-08-19",
                           "urn:mrn:riverside: RV-5521",
                           "2. Coverage",
                           "3. Care team",
                           "4. The case",
                           "Heart failure transitions",
                           "Second heart failure admission",
                           "Status history",
                           "5. Conditions, medications, allergies",
                           "Hospital and emergency stays",
                           "6. Assessments and alerts",
                           "phq9 v1 - completed, score 7, mild",
                           "7. Care plans",
                           "8. Notes and addenda",
                           "Discussed daily weights; scale delivered.",
                           "Nguyễn Thị Lan",
                           "Correction: the scale arrives Monday.",
                           "to note",
                           "9. Contacts",
                           "Weight stable at 81 kg",
                           "10. Tasks and appointments",
                           "11. Authorizations and appeals",
                           "12. Barriers and community referrals",
                           "transportation (high, manual) - in_progress",
                           "to Eastside Rides, Medical rides - sent",
                           "13. Education",
                           "14. Consents",
                           "information_sharing with Eastside Rides",
                           "15. Access log extract",
                           "note.sign",
                           "Page 1 of"})
    EXPECT_NE(text->find(want), std::string::npos) << "missing: " << want << "\n" << *text;

  // Producing it is audited with the reason.
  int64_t audited = 0;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(auto rows,
                                        c.Query("SELECT COUNT(*) FROM audit_log WHERE action = "
                                                "'case_file.produce' AND patient_id = ? AND detail "
                                                "LIKE '%reason: Quality audit 2026-Q4'",
                                                {patient}));
                    audited = rows.at(0).Int(0);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(audited, 1);
}

}  // namespace
}  // namespace ck::reports
