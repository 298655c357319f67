#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "interop/fhir/codes.h"
#include "interop/fhir/exporter.h"
#include "interop/fhir/importer.h"
#include "testing/temp_db.h"
#include "transitions/readmissions.h"

namespace ck::fhir {
namespace {

namespace fs = std::filesystem;

constexpr Timestamp kNow = 1795766400000;  // 2026-11-27T00:00:00Z
const char* kSynthea = "../shared/data/synthea";

int64_t Count(db::Database& db, const std::string& sql, const db::Params& params = {}) {
  int64_t n = -1;
  EXPECT_TRUE(db.Read([&](db::Connection& c) -> Status {
                  CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
                  n = rows.at(0).Int(0);
                  return Status::Ok();
                }).ok());
  return n;
}

std::string Text(db::Database& db, const std::string& sql, const db::Params& params = {}) {
  std::string out;
  EXPECT_TRUE(db.Read([&](db::Connection& c) -> Status {
                  CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
                  if (!rows.empty() && !rows.at(0).IsNull(0)) out = rows.at(0).Text(0);
                  return Status::Ok();
                }).ok());
  return out;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> SyntheaFiles() {
  std::vector<std::string> all = Files(std::string(kSynthea) + "/smart-generated-sample-data-r4");
  for (auto& f : Files(std::string(kSynthea) + "/fhir-data-pipes-synthea-hiv"))
    if (f.size() > 5 && f.substr(f.size() - 5) == ".json") all.push_back(f);
  return all;
}

Json PatientJson(const std::string& id, const std::string& mrn) {
  return {{"resourceType", "Patient"},
          {"id", id},
          {"identifier", {{{"system", "urn:oid:1.2.3.4"}, {"value", mrn}}}},
          {"name", {{{"family", "Synthetic"}, {"given", {"Pat"}}}}},
          {"gender", "female"},
          {"birthDate", "1950-02-03"}};
}

Json Entry(const std::string& url, Json resource) {
  return {{"fullUrl", url},
          {"resource", std::move(resource)},
          {"request", {{"method", "POST"}, {"url", "x"}}}};
}

class FhirImportTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  std::unique_ptr<db::Database> db_ = testing::OpenTestDatabase(dir_);
  FakeClock clock_{kNow};
};

TEST(FhirCodesTest, DatesAndTimes) {
  EXPECT_EQ(*ParseFhirDate("2019", "d"), "2019-01-01");
  EXPECT_EQ(*ParseFhirDate("2019-02", "d"), "2019-02-01");
  EXPECT_EQ(*ParseFhirDate("2019-02-13T10:11:40-05:00", "d"), "2019-02-13");
  EXPECT_EQ(ParseFhirDate("2019-13-01", "Goal.startDate").status().field(), "Goal.startDate");
  EXPECT_EQ(*ParseFhirDateTime("2019-02-13T10:11:40-05:00", "t"),
            *ParseTimestamp("2019-02-13T15:11:40Z"));
  EXPECT_EQ(*ParseFhirDateTime("2019-02-13", "t"), *ParseTimestamp("2019-02-13T00:00:00Z"));
  EXPECT_FALSE(ParseFhirDateTime("2019-02-13T10:11", "t").ok());
  EXPECT_FALSE(ParseFhirDateTime("yesterday", "t").ok());
}

TEST(FhirCodesTest, ValueSets) {
  EXPECT_EQ(SnomedToIcd10("44054006"), "E11.9");
  EXPECT_EQ(SnomedToIcd10("88805009"), "I50.9");
  EXPECT_FALSE(SnomedToIcd10("999999999").has_value());
  EXPECT_EQ(ProductTypeFromPayment("111"), "medicare_advantage");
  EXPECT_EQ(ProductTypeFromPayment("121"), "medicare_ffs");
  EXPECT_EQ(ProductTypeFromPayment("213"), "medicaid_managed_care");
  EXPECT_EQ(ProductTypeFromPayment("51"), "commercial");
  EXPECT_EQ(ProductTypeFromPayment("81"), "self_pay");
  EXPECT_EQ(ProductTypeFromPayment("3"), "other");
  for (const char* t : {"commercial", "medicare_advantage", "medicaid_managed_care", "medicare_ffs",
                        "medicaid_ffs", "self_pay", "other"})
    EXPECT_EQ(ProductTypeFromPayment(PaymentFromProductType(t)), t);
  for (const char* d :
       {"home", "home_health", "skilled_nursing", "inpatient_rehab", "long_term_care_hospital",
        "hospice", "left_against_medical_advice", "transferred", "expired", "other"})
    EXPECT_EQ(DispositionFromFhir(FhirDisposition(d)), d);
  EXPECT_EQ(RaceFromOmb(*OmbFromRace("asian")), "asian");
  EXPECT_EQ(EncounterClassFromActCode("EMER"), "emergency");
  EXPECT_EQ(EncounterStatusFromFhir("arrived", false), "in_progress");
  EXPECT_EQ(EncounterStatusFromFhir("unknown", true), "finished");
}

// Every patient bundle of the shared Synthea data imports; the only skipped
// resources are the HIV module's conditions whose "SNOMED CT" code is not one.
TEST_F(FhirImportTest, ImportsAllOfSynthea) {
  Importer importer(*db_, clock_, {});
  ASSERT_TRUE(importer.ImportFiles(SyntheaFiles()).ok());
  const ImportReport& r = importer.report();
  EXPECT_EQ(r.resources_read, 35985);
  EXPECT_EQ(r.imported.at("Patient").created, 91);
  EXPECT_EQ(r.imported.at("Encounter").created, 3029);
  EXPECT_EQ(r.imported.at("Observation").created, 13818);
  EXPECT_EQ(r.imported.at("Condition").created, 559);
  EXPECT_EQ(r.imported.at("Condition").failed, 14);
  ASSERT_EQ(r.errors.size(), 14u);
  for (const ImportIssue& e : r.errors) {
    EXPECT_EQ(e.resource_type, "Condition");
    EXPECT_EQ(e.field, "Condition.code");
    EXPECT_NE(e.where.find(".json entry "), std::string::npos);
  }
  EXPECT_EQ(r.not_supported.at("Claim"), 3566);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM patients"), 91);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM observations"), 13818);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM procedures"), 1953);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM external_care_plans"), 245);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM external_goals"), 143);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM medications"), 537);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM allergies"), 45);
  // Synthea's diabetes (SNOMED CT 44054006) is coded E11.9 with its SNOMED code kept.
  EXPECT_GT(Count(*db_,
                  "SELECT COUNT(*) FROM conditions WHERE code = 'E11.9' AND code_system = "
                  "'icd10cm' AND snomed_code = '44054006'"),
            0);
  EXPECT_EQ(Count(*db_,
                  "SELECT COUNT(*) FROM conditions WHERE code_system = 'snomed' AND "
                  "code <> snomed_code"),
            0);
  // Encounters: class, facility from serviceProvider, inpatient stays.
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM encounters WHERE encounter_class = 'inpatient'"),
            162);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM encounters WHERE facility = 'unspecified'"), 0);
  // Conditional references of the newer Synthea layout resolve (practitioners by NPI).
  EXPECT_GT(Count(*db_,
                  "SELECT COUNT(*) FROM fhir_identifiers WHERE resource_type = "
                  "'Practitioner' AND system = 'http://hl7.org/fhir/sid/us-npi'"),
            1000);
  // Every patient's import is audited.
  EXPECT_EQ(Count(*db_,
                  "SELECT COUNT(DISTINCT patient_id) FROM audit_log WHERE action = "
                  "'patient.import'"),
            91);

  // Importing again changes nothing.
  Importer again(*db_, clock_, {});
  ASSERT_TRUE(again.ImportFiles(SyntheaFiles()).ok());
  for (const auto& [type, c] : again.report().imported) {
    EXPECT_EQ(c.created, 0) << type;
    EXPECT_EQ(c.updated, 0) << type;
  }
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM patients"), 91);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM observations"), 13818);
  EXPECT_EQ(Count(*db_, "SELECT MAX(version) FROM observations"), 1);
}

// Export, then import into an empty database: the same records under the same ids.
TEST_F(FhirImportTest, ExportRoundTrips) {
  std::vector<std::string> files;
  for (const auto& f : Files(std::string(kSynthea) + "/smart-generated-sample-data-r4"))
    if (files.size() < 12) files.push_back(f);
  Importer importer(*db_, clock_, {});
  ASSERT_TRUE(importer.ImportFiles(files).ok());
  auto first = ExportNdjson(*db_, dir_.File("out1"));
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_GT(first->counts.at("Observation"), 100);

  auto other = testing::OpenTestDatabase(dir_);
  Importer into_empty(*other, clock_, {});
  ASSERT_TRUE(into_empty.ImportFiles(first->files).ok());
  EXPECT_TRUE(into_empty.report().errors.empty());
  auto second = ExportNdjson(*other, dir_.File("out2"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->counts, second->counts);
  for (const char* table : {"patients", "encounters", "conditions", "observations", "procedures",
                            "medications", "allergies", "external_care_plans", "external_goals",
                            "directory_entries", "patient_identifiers", "patient_phones"})
    EXPECT_EQ(Count(*db_, std::string("SELECT COUNT(*) FROM ") + table),
              Count(*other, std::string("SELECT COUNT(*) FROM ") + table))
        << table;
  // Same ids and the same content, line for line (meta aside).
  for (const std::string& type : ExportedTypes()) {
    std::ifstream a(dir_.File("out1/" + type + ".ndjson")),
        b(dir_.File("out2/" + type + ".ndjson"));
    std::map<std::string, Json> left, right;
    for (std::string line; std::getline(a, line);) {
      Json j = Json::parse(line);
      j.erase("meta");
      left[j["id"]] = j;
    }
    for (std::string line; std::getline(b, line);) {
      Json j = Json::parse(line);
      j.erase("meta");
      right[j["id"]] = j;
    }
    EXPECT_EQ(left, right) << type;
  }

  // Our own export imported back here: recognised by meta.source, nothing changes.
  Importer back(*db_, clock_, {});
  ASSERT_TRUE(back.ImportFiles(first->files).ok());
  for (const auto& [type, c] : back.report().imported) {
    EXPECT_EQ(c.created + c.updated + c.failed, 0) << type;
  }
}

TEST_F(FhirImportTest, BundleResolvesForwardReferencesAndReportsBadResources) {
  Json bundle = {
      {"resourceType", "Bundle"},
      {"type", "transaction"},
      {"entry",
       {Entry(
            "urn:uuid:c1",
            {{"resourceType", "Condition"},
             {"code",
              {{"coding", {{{"system", "http://hl7.org/fhir/sid/icd-10-cm"}, {"code", "I50.9"}}}}}},
             {"subject", {{"reference", "urn:uuid:p1"}}}}),
        Entry("urn:uuid:p1", PatientJson("p1", "MRN-1")),
        Entry("urn:uuid:p2", {{"resourceType", "Patient"},
                              {"id", "p2"},
                              {"name", {{{"family", "Synthetic"}, {"given", {"Bad"}}}}}}),
        Entry("urn:uuid:c2", {{"resourceType", "Condition"},
                              {"code", {{"text", "no coding"}}},
                              {"subject", {{"reference", "urn:uuid:p1"}}}}),
        Entry("urn:uuid:o1", {{"resourceType", "Observation"},
                              {"status", "final"},
                              {"code",
                               {{"coding", {{{"system", "http://loinc.org"}, {"code", "4548-4"}}}},
                                {"text", "HbA1c"}}},
                              {"subject", {{"reference", "urn:uuid:nobody"}}},
                              {"valueQuantity", {{"value", 8.2}, {"unit", "%"}}}}),
        Entry("urn:uuid:x1", {{"resourceType", "Claim"}, {"id", "x1"}})}}};
  std::string path = dir_.File("bundle.json");
  Write(path, bundle.dump());
  Importer importer(*db_, clock_, {});
  ASSERT_TRUE(importer.ImportFile(path).ok());
  const ImportReport& r = importer.report();
  EXPECT_EQ(r.imported.at("Patient").created, 1);
  EXPECT_EQ(r.imported.at("Condition").created, 1);
  EXPECT_EQ(r.not_supported.at("Claim"), 1);
  ASSERT_EQ(r.errors.size(), 3u);
  std::set<std::string> fields;
  for (const auto& e : r.errors) fields.insert(e.field);
  EXPECT_EQ(fields,
            (std::set<std::string>{"Patient.birthDate", "Condition.code", "Observation.subject"}));
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM conditions WHERE code = 'I50.9'"), 1);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM observations"), 0);
}

TEST_F(FhirImportTest, NdjsonReportsLinesAndKeepsGoodOnes) {
  std::string path = dir_.File("Patient.ndjson");
  Write(path, PatientJson("a", "MRN-A").dump() + "\n{not json\n\n" +
                  PatientJson("b", "MRN-B").dump() + "\n");
  Importer importer(*db_, clock_, {});
  ASSERT_TRUE(importer.ImportFile(path).ok());
  ASSERT_EQ(importer.report().errors.size(), 1u);
  EXPECT_EQ(importer.report().errors[0].where, "Patient.ndjson line 2");
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM patients"), 2);
}

TEST_F(FhirImportTest, ChangedResourceUpdatesAndPatientsMatchByIdentifier) {
  Importer first(*db_, clock_, {});
  auto bundle = [](Json patient) {
    return Json{{"resourceType", "Bundle"},
                {"type", "batch"},
                {"entry", {Entry("urn:uuid:p", std::move(patient))}}};
  };
  ASSERT_TRUE(first.ImportBundle(bundle(PatientJson("ext-1", "MRN-9"))).ok());
  Json changed = PatientJson("ext-1", "MRN-9");
  changed["name"][0]["family"] = "Synthetica";
  Importer second(*db_, clock_, {});
  auto resp = second.ImportBundle(bundle(changed));
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(second.report().imported.at("Patient").updated, 1);
  EXPECT_EQ((*resp)["entry"][0]["response"]["location"], "Patient/ext-1");
  EXPECT_EQ(Text(*db_, "SELECT family_name FROM patients"), "Synthetica");
  EXPECT_EQ(Count(*db_, "SELECT version FROM patients"), 2);
  // Another system's id for the same person (same MRN): the same record.
  Importer third(*db_, clock_, {});
  ASSERT_TRUE(third.ImportBundle(bundle(PatientJson("other-system-7", "MRN-9"))).ok());
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM patients"), 1);
}

TEST_F(FhirImportTest, TransactionIsAllOrNothingBatchIsNot) {
  Json bad = {{"resourceType", "Bundle"},
              {"type", "transaction"},
              {"entry",
               {Entry("urn:uuid:p1", PatientJson("p1", "MRN-1")),
                Entry("urn:uuid:c1", {{"resourceType", "Condition"},
                                      {"code", {{"text", "none"}}},
                                      {"subject", {{"reference", "urn:uuid:p1"}}}})}}};
  Importer tx(*db_, clock_, {});
  auto r = tx.ImportBundle(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "Condition.code");
  EXPECT_NE(r.status().message().find("Bundle.entry[1]"), std::string::npos);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM patients"), 0);

  bad["type"] = "batch";
  Importer batch(*db_, clock_, {});
  auto b = batch.ImportBundle(bad);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)["type"], "batch-response");
  EXPECT_EQ((*b)["entry"][0]["response"]["status"], "201 Created");
  EXPECT_EQ((*b)["entry"][1]["response"]["status"], "400 Bad Request");
  EXPECT_EQ((*b)["entry"][1]["response"]["outcome"]["issue"][0]["expression"][0], "Condition.code");
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM patients"), 1);
}

// Numeric ids from another server never bind to this database's own rows.
TEST_F(FhirImportTest, ForeignNumericIdsAreKeysNotRowIds) {
  Importer first(*db_, clock_, {});
  ASSERT_TRUE(first
                  .ImportBundle({{"resourceType", "Bundle"},
                                 {"type", "batch"},
                                 {"entry", {Entry("", PatientJson("abc", "MRN-1"))}}})
                  .ok());
  // Patient/1 here is the row just made; another server's Patient/1 is someone else.
  Json foreign = {
      {"resourceType", "Bundle"},
      {"type", "batch"},
      {"entry",
       {Entry("", {{"resourceType", "Condition"},
                   {"code",
                    {{"coding",
                      {{{"system", "http://hl7.org/fhir/sid/icd-10-cm"}, {"code", "E11.9"}}}}}},
                   {"subject", {{"reference", "Patient/1"}}}})}}};
  Importer second(*db_, clock_, {});
  auto r = second.ImportBundle(foreign);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(second.report().errors.size(), 1u);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM conditions"), 0);
}

TEST_F(FhirImportTest, ConditionalCreateAndReferences) {
  Json org = {{"resourceType", "Organization"},
              {"id", "org-1"},
              {"identifier", {{{"system", "https://example.org/orgs"}, {"value", "77"}}}},
              {"name", "Riverside General"},
              {"type", {{{"coding", {{{"code", "prov"}}}}}}}};
  Json bundle = {
      {"resourceType", "Bundle"},
      {"type", "batch"},
      {"entry",
       {{{"fullUrl", "urn:uuid:o"},
         {"resource", org},
         {"request",
          {{"method", "POST"},
           {"url", "Organization"},
           {"ifNoneExist", "identifier=https://example.org/orgs|77"}}}},
        Entry("urn:uuid:p", PatientJson("p", "MRN-5")),
        Entry("urn:uuid:e",
              {{"resourceType", "Encounter"},
               {"status", "finished"},
               {"class", {{"code", "IMP"}}},
               {"subject", {{"reference", "urn:uuid:p"}}},
               {"period", {{"start", "2026-11-20T08:00:00Z"}, {"end", "2026-11-24T12:00:00Z"}}},
               {"hospitalization", {{"dischargeDisposition", {{"coding", {{{"code", "snf"}}}}}}}},
               {"serviceProvider",
                {{"reference", "Organization?identifier=https://example.org/orgs|77"}}}})}}};
  Importer importer(*db_, clock_, {});
  ASSERT_TRUE(importer.ImportBundle(bundle).ok());
  EXPECT_EQ(Text(*db_, "SELECT facility FROM encounters"), "Riverside General");
  EXPECT_EQ(Text(*db_, "SELECT discharge_disposition FROM encounters"), "skilled_nursing");
  EXPECT_EQ(Text(*db_, "SELECT kind FROM directory_entries"), "facility");
  // The same organisation offered again by conditional create is left alone.
  Importer again(*db_, clock_, {});
  ASSERT_TRUE(again.ImportBundle(bundle).ok());
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM directory_entries"), 1);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM encounters"), 1);
}

// A Bundle's encounters reach the readmission flags in the import's transaction.
TEST_F(FhirImportTest, ImportedStaysAreFlaggedForReadmission) {
  auto stay = [](const char* start, const char* end) {
    return Json{{"resourceType", "Encounter"},
                {"status", "finished"},
                {"class", {{"code", "IMP"}}},
                {"subject", {{"reference", "urn:uuid:p"}}},
                {"period", {{"start", start}, {"end", end}}}};
  };
  Json bundle = {{"resourceType", "Bundle"},
                 {"type", "transaction"},
                 {"entry",
                  {Entry("urn:uuid:p", PatientJson("p", "MRN-77")),
                   Entry("urn:uuid:e1", stay("2026-11-01T08:00:00Z", "2026-11-04T12:00:00Z")),
                   Entry("urn:uuid:e2", stay("2026-11-14T08:00:00Z", "2026-11-16T12:00:00Z"))}}};
  const TimeZone utc = TimeZone::Utc();  // the flags keep a reference
  transitions::ReadmissionFlags flags(utc);
  Importer::Options options;
  options.encounter_observer = &flags;
  Importer importer(*db_, clock_, options);
  ASSERT_TRUE(importer.ImportBundle(bundle).ok());
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM acute_stays"), 2);
  EXPECT_EQ(Count(*db_,
                  "SELECT COUNT(*) FROM acute_stays WHERE readmission_of IS NOT NULL AND "
                  "days_after_discharge = 10"),
            1);
}

}  // namespace
}  // namespace ck::fhir
