// The clinical background through its routes: each record kind validated by
// its spec, versions, uniqueness of visit numbers, care-team access, and what
// a merge carries over.
#include "patients/clinical.h"

#include <gtest/gtest.h>

#include "auth/accounts.h"
#include "http/json.h"
#include "http/router.h"
#include "patients/routes.h"
#include "testing/api_harness.h"

namespace ck::patients {
namespace {

using http::Json;
using http::Method;

TEST(Icd10, NormalisesAndRejects) {
  EXPECT_EQ(*NormalizeIcd10("E119", "code"), "E11.9");
  EXPECT_EQ(*NormalizeIcd10("e11.9", "code"), "E11.9");
  EXPECT_EQ(*NormalizeIcd10("I50", "code"), "I50");
  EXPECT_EQ(*NormalizeIcd10("S72.001A", "code"), "S72.001A");
  EXPECT_EQ(*NormalizeIcd10("C4A.9", "code"), "C4A.9");
  for (const char* bad : {"", "E1", "11.9", "EE1.9", "E11.9XXXX", "E11-9", "é11"}) {
    auto r = NormalizeIcd10(bad, "code");
    EXPECT_FALSE(r.ok()) << bad;
  }
}

class ClinicalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ =
        std::make_unique<Service>(api_.db(), api_.clock(), api_.authorizer(), Service::Options{});
    records_ = std::make_unique<ClinicalRecords>(api_.db(), api_.clock());
    RegisterRoutes(api_.router(), *service_);
    RegisterClinicalRoutes(api_.router(), *records_);
    int64_t team = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team);
    api_.AddUser("cm.two", auth::Role::kCaseManager, team);
    api_.AddUser("sup", auth::Role::kSupervisor, team);
    patient_ = NewPatient("Ana");
  }

  int64_t NewPatient(const std::string& given) {
    auto r = Call(Method::kPost, "/api/v1/patients", "cm.one",
                  {{"given_name", given},
                   {"family_name", "Lima"},
                   {"birth_date", "1950-02-03"},
                   {"administrative_sex", "female"}});
    EXPECT_EQ(r.status, 201);
    return Json::parse(r.body)["id"];
  }

  http::Response Call(Method m, const std::string& path, const std::string& who,
                      const Json& body = nullptr) {
    return api_.Call(m, path, who, body);
  }

  std::string Path(const std::string& kind, int64_t patient = 0) {
    return "/api/v1/patients/" + std::to_string(patient ? patient : patient_) + "/" + kind;
  }

  testing::ApiHarness api_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<ClinicalRecords> records_;
  int64_t patient_ = 0;
};

TEST_F(ClinicalTest, EachKindStoresAValidRecord) {
  struct Case {
    const char* kind;
    Json body;
  } cases[] = {
      {"conditions",
       {{"code", "i509"},
        {"description", "Heart failure"},
        {"status", "active"},
        {"onset_date", "2019-03-01"}}},
      {"medications",
       {{"name", "Furosemide"},
        {"dose", "40 mg"},
        {"route", "oral"},
        {"frequency", "daily"},
        {"status", "active"},
        {"start_date", "2026-10-01"}}},
      {"allergies",
       {{"substance", "Penicillin"},
        {"reaction", "hives"},
        {"severity", "moderate"},
        {"status", "active"}}},
      {"encounters",
       {{"encounter_class", "inpatient"},
        {"facility", "Riverside General"},
        {"visit_number", "V100"},
        {"admitted_at", "2026-11-20T03:10:00Z"},
        {"discharged_at", "2026-11-24T15:00:00Z"},
        {"admission_type", "emergency"},
        {"discharge_disposition", "home_health"},
        {"diagnoses", {"I50.9", "e119"}},
        {"status", "finished"}}},
      {"coverages",
       {{"payer", "Acme Health"},
        {"product_type", "medicare_advantage"},
        {"member_id", "ACM1"},
        {"effective_from", "2026-01-01"},
        {"priority", "primary"},
        {"status", "active"}}},
  };
  for (const auto& c : cases) {
    http::Response r = Call(Method::kPost, Path(c.kind), "cm.one", c.body);
    ASSERT_EQ(r.status, 201) << c.kind << r.body;
    Json list = Json::parse(Call(Method::kGet, Path(c.kind), "cm.one").body);
    EXPECT_EQ(list["items"].size(), 1u) << c.kind;
  }
  Json cond = Json::parse(Call(Method::kGet, Path("conditions"), "cm.one").body)["items"][0];
  EXPECT_EQ(cond["code"], "I50.9");
  Json enc = Json::parse(Call(Method::kGet, Path("encounters"), "cm.one").body)["items"][0];
  EXPECT_EQ(enc["diagnoses"], Json({"I50.9", "E11.9"}));
  EXPECT_EQ(enc["admitted_at"], "2026-11-20T03:10:00.000Z");
}

TEST_F(ClinicalTest, InvalidRecordsNameTheField) {
  struct Case {
    const char* kind;
    Json body;
    const char* field;
  } cases[] = {
      {"conditions", {{"code", "11.9"}, {"status", "active"}}, "code"},
      {"conditions", {{"code", "E11.9"}}, "status"},
      {"conditions", {{"code", "E11.9"}, {"status", "cured"}}, "status"},
      {"conditions",
       {{"code", "E11.9"},
        {"status", "resolved"},
        {"onset_date", "2020-01-01"},
        {"resolved_date", "2019-01-01"}},
       "resolved_date"},
      {"conditions", {{"code", "E11.9"}, {"status", "active"}, {"icd9", "250.00"}}, "icd9"},
      {"medications", {{"name", "X"}, {"status", "active"}, {"route", "telepathic"}}, "route"},
      {"encounters",
       {{"encounter_class", "inpatient"},
        {"facility", "R"},
        {"admitted_at", "yesterday"},
        {"status", "finished"}},
       "admitted_at"},
      {"encounters",
       {{"encounter_class", "inpatient"},
        {"facility", "R"},
        {"admitted_at", "2026-11-20T00:00:00Z"},
        {"status", "finished"},
        {"diagnoses", {"I50.9", "bogus"}}},
       "diagnoses"},
      {"coverages",
       {{"payer", "A"},
        {"product_type", "medicare_advantage"},
        {"member_id", "1"},
        {"effective_from", "2026-01-01"},
        {"priority", "first"},
        {"status", "active"}},
       "priority"},
  };
  for (const auto& c : cases) {
    http::Response r = Call(Method::kPost, Path(c.kind), "cm.one", c.body);
    EXPECT_EQ(r.status, 400) << c.body.dump();
    EXPECT_EQ(Json::parse(r.body)["field"], c.field) << c.body.dump() << r.body;
  }
}

TEST_F(ClinicalTest, UpdatesNeedTheCurrentVersion) {
  Json made = Json::parse(
      Call(Method::kPost, Path("conditions"), "cm.one", {{"code", "E11.9"}, {"status", "active"}})
          .body);
  std::string one = Path("conditions") + "/" + std::to_string(made["id"].get<int64_t>());
  http::Response ok =
      Call(Method::kPatch, one, "cm.one",
           {{"status", "resolved"}, {"resolved_date", "2026-11-01"}, {"version", 1}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Json::parse(ok.body)["version"], 2);
  EXPECT_EQ(Json::parse(ok.body)["code"], "E11.9");
  http::Response stale =
      Call(Method::kPatch, one, "cm.one", {{"status", "entered_in_error"}, {"version", 1}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(Json::parse(stale.body)["field"], "version");
  EXPECT_EQ(Call(Method::kPatch, one, "cm.one", {{"status", "active"}}).status, 400);
  int64_t other = NewPatient("Bea");
  EXPECT_EQ(Call(Method::kPatch,
                 Path("conditions", other) + "/" + std::to_string(made["id"].get<int64_t>()),
                 "cm.one", {{"status", "active"}, {"version", 2}})
                .status,
            404)
      << "a record is reached only through its own patient";
}

TEST_F(ClinicalTest, VisitNumbersAreUniquePerFacility) {
  Json enc = {{"encounter_class", "emergency"},
              {"facility", "Riverside"},
              {"visit_number", "V1"},
              {"admitted_at", "2026-11-20T00:00:00Z"},
              {"status", "finished"}};
  ASSERT_EQ(Call(Method::kPost, Path("encounters"), "cm.one", enc).status, 201);
  http::Response dup = Call(Method::kPost, Path("encounters"), "cm.one", enc);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(Json::parse(dup.body)["field"], "visit_number");
  enc["facility"] = "Mercy";
  EXPECT_EQ(Call(Method::kPost, Path("encounters"), "cm.one", enc).status, 201);
}

TEST_F(ClinicalTest, OutsideTheCareTeamIsRefused) {
  EXPECT_EQ(Call(Method::kGet, Path("medications"), "cm.two").status, 403);
  EXPECT_EQ(Call(Method::kPost, Path("allergies"), "cm.two",
                 {{"substance", "Latex"}, {"status", "active"}})
                .status,
            403);
}

TEST_F(ClinicalTest, AMergeCarriesTheClinicalRecordsAndNotes) {
  int64_t dup = NewPatient("Ana");
  ASSERT_EQ(Call(Method::kPost, Path("conditions", dup), "cm.one",
                 {{"code", "J44.1"}, {"status", "active"}})
                .status,
            201);
  ASSERT_EQ(Call(Method::kPost, "/api/v1/patients/" + std::to_string(patient_) + "/merge", "sup",
                 {{"merged_patient_id", dup}})
                .status,
            200);
  Json list = Json::parse(Call(Method::kGet, Path("conditions"), "cm.one").body);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["code"], "J44.1");
}

}  // namespace
}  // namespace ck::patients
