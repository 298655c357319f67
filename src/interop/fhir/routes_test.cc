#include "interop/fhir/routes.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "patients/store.h"
#include "testing/api_harness.h"

namespace ck::fhir {
namespace {

using http::Json;
using http::Method;

const char* kLuigi =
    "../shared/data/synthea/smart-generated-sample-data-r4/"
    "Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json";
const char* kLuigiId = "1ae0605d-e5b8-4d6d-a96d-c93dcbd57e06";

Json ReadJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return Json::parse(buf.str());
}

class FhirApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api_.AddUser("ehr", auth::Role::kIntegration);
    api_.AddUser("cm.one", auth::Role::kCaseManager, api_.AddTeam("north"));
    api_.AddUser("auditor", auth::Role::kAuditor);
    RegisterRoutes(api_.router(), api_.db(), api_.clock());
    http::Response r = api_.Call(Method::kPost, "/fhir/R4", "ehr", ReadJson(kLuigi));
    ASSERT_EQ(r.status, 200) << r.body;
    imported_ = Json::parse(r.body);
  }

  Json Get(const std::string& path, const std::string& who, int want = 200) {
    http::Response r = api_.Call(Method::kGet, path, who);
    EXPECT_EQ(r.status, want) << path << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/fhir+json") << path;
    return Json::parse(r.body);
  }

  int64_t LocalPatient() {
    int64_t id = 0;
    EXPECT_TRUE(api_.db()
                    .Read([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id FROM patients"));
                      id = rows.at(0).Int(0);
                      return Status::Ok();
                    })
                    .ok());
    return id;
  }

  void JoinCareTeam(const std::string& who) {
    int64_t patient = LocalPatient();
    ASSERT_TRUE(api_.db()
                    .Write([&](db::Connection& c) {
                      return patients::InsertCareTeamMember(c, patient, api_.id(who),
                                                            "primary_case_manager", 0)
                          .status();
                    })
                    .ok());
  }

  testing::ApiHarness api_;
  Json imported_;
};

TEST_F(FhirApiTest, TransactionImportAnswersEveryEntry) {
  EXPECT_EQ(imported_["type"], "transaction-response");
  int created = 0, passed_over = 0;
  for (const Json& e : imported_["entry"]) {
    std::string status = e["response"]["status"];
    if (status == "201 Created") ++created;
    if (status.rfind("422", 0) == 0) {
      ++passed_over;
      EXPECT_EQ(e["response"]["outcome"]["issue"][0]["code"], "not-supported");
    }
  }
  EXPECT_EQ(created, 40);      // Patient, Organization, Practitioner, 4 Encounter, 31 Obs, 2 Proc
  EXPECT_EQ(passed_over, 21);  // Immunization, Claim, ExplanationOfBenefit, DiagnosticReport
  EXPECT_EQ(imported_["entry"][0]["response"]["location"], std::string("Patient/") + kLuigiId);
}

TEST_F(FhirApiTest, ImportNeedsTheImportPermission) {
  http::Response r = api_.Call(Method::kPost, "/fhir/R4", "cm.one", ReadJson(kLuigi));
  EXPECT_EQ(r.status, 403);
  Json outcome = Json::parse(r.body);
  EXPECT_EQ(outcome["resourceType"], "OperationOutcome");
  EXPECT_EQ(outcome["issue"][0]["code"], "forbidden");
}

TEST_F(FhirApiTest, MetadataIsPublicAndListsTheTypes) {
  Json cs = Get("/fhir/R4/metadata", "");
  EXPECT_EQ(cs["resourceType"], "CapabilityStatement");
  EXPECT_EQ(cs["fhirVersion"], "4.0.1");
  std::set<std::string> types;
  for (const Json& r : cs["rest"][0]["resource"]) types.insert(r["type"]);
  for (const char* t : {"Patient", "Encounter", "Condition", "Observation", "Coverage", "CarePlan",
                        "Goal", "CareTeam", "EpisodeOfCare", "ServiceRequest", "Consent",
                        "AuditEvent", "Task", "Appointment"})
    EXPECT_TRUE(types.count(t)) << t;
}

TEST_F(FhirApiTest, ReadsFollowCareTeamAccessAndAreAudited) {
  std::string path = std::string("/fhir/R4/Patient/") + kLuigiId;
  Json denied = Get(path, "cm.one", 403);
  EXPECT_EQ(denied["resourceType"], "OperationOutcome");
  Get(std::string("/fhir/R4/Observation?patient=") + kLuigiId, "cm.one", 403);
  JoinCareTeam("cm.one");
  Json p = Get(path, "cm.one");
  EXPECT_EQ(p["resourceType"], "Patient");
  EXPECT_EQ(p["id"], kLuigiId);
  EXPECT_EQ(p["name"][0]["family"], "Wiegand");
  EXPECT_EQ(p["meta"]["versionId"], "1");
  EXPECT_FALSE(p["meta"]["lastUpdated"].get<std::string>().empty());

  // Patient search shows only the caseload to a case manager.
  Json mine = Get("/fhir/R4/Patient?family=wieg", "cm.one");
  EXPECT_EQ(mine["entry"].size(), 1u);
  EXPECT_EQ(mine["type"], "searchset");
  Json none = Get("/fhir/R4/Patient?family=nobody", "cm.one");
  EXPECT_EQ(none["entry"].size(), 0u);

  // The auditor finds these reads in AuditEvent.
  Json events =
      Get(std::string("/fhir/R4/AuditEvent?patient=") + kLuigiId + "&_count=100", "auditor");
  int reads = 0, denials = 0;
  for (const Json& e : events["entry"]) {
    if (e["resource"]["subtype"][0]["code"] == "fhir.read") ++reads;
    if (e["resource"]["outcome"] == "4") ++denials;
  }
  EXPECT_EQ(reads, 1);
  EXPECT_GE(denials, 1);
  Get("/fhir/R4/AuditEvent", "cm.one", 403);
}

TEST_F(FhirApiTest, SearchesByCodeDateAndPages) {
  std::string base = std::string("/fhir/R4/Observation?patient=Patient/") + kLuigiId;
  Json height = Get(base + "&code=http://loinc.org|8302-2", "ehr");
  ASSERT_EQ(height["entry"].size(), 4u);  // one a visit
  const Json& obs = height["entry"][0]["resource"];
  EXPECT_EQ(obs["subject"]["reference"], std::string("Patient/") + kLuigiId);
  EXPECT_TRUE(obs["valueQuantity"]["value"].is_number());
  EXPECT_EQ(height["entry"][0]["fullUrl"].get<std::string>().find("http"), 0u);
  // The resource is read by its id too.
  Json again = Get("/fhir/R4/Observation/" + obs["id"].get<std::string>(), "ehr");
  EXPECT_EQ(again, obs);

  EXPECT_EQ(Get(base + "&date=ge2021-03-31", "ehr")["entry"].size(), 0u);
  EXPECT_EQ(Get(base + "&date=2020-10-20", "ehr")["entry"].size(), 16u);
  EXPECT_EQ(Get(base + "&date=gt2021-01-26", "ehr")["entry"].size(), 5u);

  // A repeated parameter must hold each time; commas are alternatives.
  EXPECT_EQ(Get(base + "&date=ge2020-11-24&date=le2021-01-26", "ehr")["entry"].size(), 10u);
  EXPECT_EQ(Get(base + "&date=ge2021-01-01&date=le2021-01-01", "ehr")["entry"].size(), 0u);
  EXPECT_EQ(Get(base + "&code=8302-2,29463-7", "ehr")["entry"].size(), 8u);
  Json none = Get(base + "&_count=0", "ehr");
  EXPECT_EQ(none["entry"].size(), 0u);
  EXPECT_EQ(none["link"].size(), 1u);  // no next page

  Json page1 = Get(base + "&_count=20", "ehr");
  EXPECT_EQ(page1["entry"].size(), 20u);
  ASSERT_EQ(page1["link"].size(), 2u);
  std::string next = page1["link"][1]["url"];
  next = next.substr(next.find("/fhir/R4"));
  Json page2 = Get(next, "ehr");
  EXPECT_EQ(page2["entry"].size(), 11u);
  EXPECT_EQ(page2["link"].size(), 1u);

  Json enc = Get(std::string("/fhir/R4/Encounter?patient=") + kLuigiId + "&class=AMB", "ehr");
  EXPECT_EQ(enc["entry"].size(), 4u);
  EXPECT_EQ(enc["entry"][0]["resource"]["status"], "finished");
}

TEST_F(FhirApiTest, BadSearchesNameTheParameter) {
  Json unknown =
      Get(std::string("/fhir/R4/Condition?patient=") + kLuigiId + "&colour=red", "ehr", 400);
  EXPECT_EQ(unknown["issue"][0]["expression"][0], "colour");
  Json no_patient = Get("/fhir/R4/Observation?code=8302-2", "ehr", 400);
  EXPECT_EQ(no_patient["issue"][0]["expression"][0], "patient");
  Json bad_date =
      Get(std::string("/fhir/R4/Observation?patient=") + kLuigiId + "&date=soon", "ehr", 400);
  EXPECT_EQ(bad_date["issue"][0]["expression"][0], "date");
  Get("/fhir/R4/Patient/no-such-id", "ehr", 404);
  Json bad_count =
      Get(std::string("/fhir/R4/Observation?patient=") + kLuigiId + "&_count=20x", "ehr", 400);
  EXPECT_EQ(bad_count["issue"][0]["expression"][0], "_count");
}

TEST_F(FhirApiTest, CasesConsentAndCareTeamAsFhir) {
  int64_t patient = LocalPatient();
  JoinCareTeam("cm.one");
  ASSERT_TRUE(
      api_.db()
          .Write([&](db::Connection& c) -> Status {
            CK_RETURN_IF_ERROR(
                c.Exec("INSERT INTO cases (patient_id, program_id, status, referral_source, "
                       "referral_reason, urgency, referred_at, triage_due_at, created_at, "
                       "updated_at) VALUES (?, 1, 'active', 'Riverside ED', 'frequent ED use', "
                       "'urgent', 1795770000000, 1795773600000, 1795770000000, 1795770000000)",
                       {patient})
                    .status());
            return c
                .Exec(
                    "INSERT INTO consents (patient_id, kind, method, granted_on, created_at) "
                    "VALUES (?, 'case_management', 'verbal', '2026-11-20', 1795770000000)",
                    {patient})
                .status();
          })
          .ok());
  std::string q = std::string("?patient=") + kLuigiId;
  Json episodes = Get("/fhir/R4/EpisodeOfCare" + q, "cm.one");
  ASSERT_EQ(episodes["entry"].size(), 1u);
  const Json& e = episodes["entry"][0]["resource"];
  EXPECT_EQ(e["status"], "active");
  EXPECT_EQ(e["type"][0]["text"], "Complex care");
  Json referral = Get("/fhir/R4/ServiceRequest/" + e["id"].get<std::string>(), "cm.one");
  EXPECT_EQ(referral["priority"], "urgent");
  EXPECT_EQ(referral["reasonCode"][0]["text"], "frequent ED use");
  Json consents = Get("/fhir/R4/Consent" + q, "cm.one");
  ASSERT_EQ(consents["entry"].size(), 1u);
  EXPECT_EQ(consents["entry"][0]["resource"]["status"], "active");
  // Tasks and appointments of the case.
  ASSERT_TRUE(
      api_.db()
          .Write([&](db::Connection& c) -> Status {
            CK_RETURN_IF_ERROR(
                c.Exec("INSERT INTO tasks (case_id, patient_id, title, task_type, owner_user_id, "
                       "due_at, priority, status, created_at, updated_at) SELECT id, patient_id, "
                       "'Post-discharge call', 'call', ?, 1795800000000, 'high', 'open', 0, 0 "
                       "FROM cases",
                       {api_.id("cm.one")})
                    .status());
            return c
                .Exec(
                    "INSERT INTO appointments (case_id, patient_id, kind, reason, location, "
                    "starts_at, ends_at, status, created_at, updated_at) SELECT id, "
                    "patient_id, 'appointment', 'Cardiology follow-up', 'Riverside', "
                    "1795900000000, 1795902400000, 'confirmed', 0, 0 FROM cases")
                .status();
          })
          .ok());
  Json tasks = Get("/fhir/R4/Task" + q + "&status=ready", "cm.one");
  ASSERT_EQ(tasks["entry"].size(), 1u);
  EXPECT_EQ(tasks["entry"][0]["resource"]["description"], "Post-discharge call");
  EXPECT_EQ(tasks["entry"][0]["resource"]["priority"], "high");
  EXPECT_EQ(tasks["entry"][0]["resource"]["for"]["reference"], std::string("Patient/") + kLuigiId);
  Json appts = Get("/fhir/R4/Appointment" + q + "&status=booked", "cm.one");
  ASSERT_EQ(appts["entry"].size(), 1u);
  EXPECT_EQ(appts["entry"][0]["resource"]["status"], "booked");
  Json appt = Get("/fhir/R4/Appointment/" + appts["entry"][0]["resource"]["id"].get<std::string>(),
                  "cm.one");
  EXPECT_EQ(appt["reasonCode"][0]["text"], "Cardiology follow-up");
  Json team = Get(std::string("/fhir/R4/CareTeam/") + kLuigiId, "cm.one");
  EXPECT_EQ(team["participant"].size(), 1u);
  EXPECT_EQ(team["subject"]["reference"], std::string("Patient/") + kLuigiId);
}

}  // namespace
}  // namespace ck::fhir
