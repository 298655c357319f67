// Transitions of care through the HTTP routes, on the run's backend: hand-entered
// encounters raise the ADT events and reach the worklist and the timeline; the
// readmission flags follow every encounter change (by hand and by HL7 ADT,
// cancellations and A13 included); discharge plans and their readiness;
// medication reconciliation; the error paths; and a heart-failure stay from
// admission to 30 days after discharge (with a transportation barrier met by a
// community referral answered through its link) and the readmission report.
#include <gtest/gtest.h>

#include "cases/routes.h"
#include "interop/hl7v2/adt.h"
#include "patients/routes.h"
#include "programs/engine.h"
#include "scheduling/routes.h"
#include "social/routes.h"
#include "testing/api_harness.h"
#include "transitions/readmissions.h"
#include "transitions/routes.h"
#include "worklist/routes.h"

namespace ck::transitions {
namespace {

using http::Json;
using http::Method;

Timestamp T(const char* iso) { return *ParseTimestamp(iso); }

class TransitionsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    patients::RegisterClinicalRoutes(api_.router(), clinical_);
    patients::RegisterTimelineRoute(api_.router(), api_.db(), api_.clock());
    RegisterRoutes(api_.router(), transitions_);
    worklist::RegisterRoutes(api_.router(), worklist_);
    cases::RegisterRoutes(api_.router(), cases_);
    scheduling::RegisterRoutes(api_.router(), appointments_);
    social::RegisterRoutes(api_.router(), social_, directory_, "/partner");
    patients_.set_encounter_observer(&flags_);
    patients::RegisterRoutes(api_.router(), patients_);
    int64_t team = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team);
    api_.AddUser("cm.other", auth::Role::kCaseManager, api_.AddTeam("B"));
    api_.AddUser("sup.a", auth::Role::kSupervisor, team);
    patient_ = AddPatient("Rosa", "Vega", &case_);
  }

  // A patient on cm.one's caseload with an open heart-failure case.
  int64_t AddPatient(const std::string& given, const std::string& family, int64_t* case_id) {
    int64_t id = 0;
    EXPECT_TRUE(api_.db()
                    .Write([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(
                          auto p, c.Query("INSERT INTO patients (given_name, family_name, "
                                          "birth_date, administrative_sex, created_at, "
                                          "updated_at) VALUES (?, ?, '1949-03-08', 'female', 0, "
                                          "0) RETURNING id",
                                          {given, family}));
                      id = p.at(0).Int(0);
                      CK_RETURN_IF_ERROR(c.Exec("INSERT INTO care_team_members (patient_id, "
                                                "user_id, member_role, added_at) VALUES (?, ?, "
                                                "'primary_case_manager', 0)",
                                                {id, api_.id("cm.one")})
                                             .status());
                      CK_RETURN_IF_ERROR(c.Exec("INSERT INTO conditions (patient_id, code, "
                                                "description, status, created_at, updated_at) "
                                                "VALUES (?, 'I50.22', 'Chronic systolic heart "
                                                "failure', 'active', 0, 0)",
                                                {id})
                                             .status());
                      CK_ASSIGN_OR_RETURN(
                          auto k, c.Query("INSERT INTO cases (patient_id, program_id, status, "
                                          "referral_source, referral_reason, urgency, "
                                          "referred_at, triage_due_at, assigned_user_id, "
                                          "created_at, updated_at) SELECT ?, id, 'active', "
                                          "'hospital', 'Heart failure', 'routine', 0, 0, ?, 0, 0 "
                                          "FROM programs WHERE code = "
                                          "'heart_failure_transitions' RETURNING id",
                                          {id, api_.id("cm.one")}));
                      *case_id = k.at(0).Int(0);
                      return Status::Ok();
                    })
                    .ok());
    return id;
  }

  Json Call(Method m, const std::string& path, const Json& body, int want,
            const std::string& user = "cm.one") {
    auto r = api_.Call(m, path, user, body);
    EXPECT_EQ(r.status, want) << path << " " << r.body;
    return r.body.empty() ? Json() : Json::parse(r.body, nullptr, false);
  }
  Json Get(const std::string& path, int want = 200, const std::string& user = "cm.one") {
    return Call(Method::kGet, path, nullptr, want, user);
  }
  Json Post(const std::string& path, const Json& body, int want = 201,
            const std::string& user = "cm.one") {
    return Call(Method::kPost, path, body, want, user);
  }
  Json Patch(const std::string& path, const Json& body, int want = 200,
             const std::string& user = "cm.one") {
    return Call(Method::kPatch, path, body, want, user);
  }

  std::string P(int64_t patient, const std::string& rest) {
    return "/api/v1/patients/" + std::to_string(patient) + rest;
  }
  std::string E(int64_t encounter, const std::string& rest) {
    return "/api/v1/encounters/" + std::to_string(encounter) + rest;
  }

  Json Encounter(int64_t patient, Json body, int want = 201) {
    if (!body.contains("encounter_class")) body["encounter_class"] = "inpatient";
    if (!body.contains("facility")) body["facility"] = "Riverside General";
    if (!body.contains("status"))
      body["status"] = body.contains("discharged_at") ? "finished" : "in_progress";
    return Post(P(patient, "/encounters"), body, want);
  }
  Json ChangeEncounter(int64_t patient, const Json& e, Json changes, int want = 200) {
    changes["version"] = e["version"];
    return Patch(P(patient, "/encounters/" + std::to_string(e["id"].get<int64_t>())), changes,
                 want);
  }

  std::vector<std::string> Events(int64_t patient) {
    std::vector<std::string> out;
    EXPECT_TRUE(api_.db()
                    .Read([&](db::Connection& c) {
                      return c.ForEachRow(
                          "SELECT kind, source, occurred_at FROM domain_events WHERE patient_id = "
                          "? ORDER BY id",
                          {patient}, [&](const db::Row& r) {
                            out.push_back(r.Text(0) + "/" + r.Text(1) + "@" +
                                          FormatTimestamp(r.Int(2)));
                            return Status::Ok();
                          });
                    })
                    .ok());
    return out;
  }

  std::vector<std::string> Worklist(const std::string& user = "cm.one") {
    Json w = Get("/api/v1/worklist", 200, user);
    std::vector<std::string> out;
    for (const Json& it : w["items"])
      out.push_back(it["kind"].get<std::string>() + ": " + it["title"].get<std::string>());
    return out;
  }

  int64_t Count(const std::string& sql, const db::Params& params = {}) {
    int64_t n = -1;
    EXPECT_TRUE(api_.db()
                    .Read([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
                      n = rows.at(0).Int(0);
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  // Moves the clock and signs everyone in again (sessions idle out).
  void AdvanceTo(const char* iso) {
    api_.clock().Set(T(iso));
    for (const char* u : {"cm.one", "cm.other", "sup.a"}) api_.SignInAgain(u);
  }

  testing::ApiHarness api_{T("2026-11-23T15:00:00Z")};  // Monday, 10:00 in New York
  TimeZone tz_ = *TimeZone::Load("EST5EDT,M3.2.0,M11.1.0");
  ReadmissionFlags flags_{tz_};
  patients::ClinicalRecords clinical_{api_.db(), api_.clock(), &flags_};
  Service transitions_{api_.db(), api_.clock(), tz_};
  worklist::Worklist worklist_{api_.db(), api_.clock(), {}, &tz_};
  BusinessCalendar calendar_{{.holidays = UsFederalHolidays(2026)}};
  cases::Service cases_{api_.db(), api_.clock(), calendar_, api_.authorizer()};
  scheduling::Service appointments_{api_.db(), api_.clock(), calendar_};
  programs::Engine engine_{api_.db(), api_.clock(), calendar_, programs::ProgramCatalog::Builtin()};
  social::Service social_{api_.db(), api_.clock(), calendar_, {}};
  patients::Service patients_{api_.db(), api_.clock(), api_.authorizer(), {}};
  social::Directory directory_{api_.db(), api_.clock()};
  hl7::AdtMapping adt_{&flags_};
  hl7::Inbox inbox_{api_.db(), api_.clock(), {&adt_}};
  int64_t patient_ = 0, case_ = 0;
};

TEST_F(TransitionsApiTest, HandEnteredEncountersRaiseTheAdtEventsAndReachTheWorklist) {
  Json stay =
      Encounter(patient_, {{"admitted_at", "2026-11-23T05:30:00Z"}, {"diagnoses", {"I50.23"}}});
  Json ed = Encounter(patient_, {{"encounter_class", "emergency"},
                                 {"facility", "Mercy ED"},
                                 {"admitted_at", "2026-11-23T02:00:00Z"}});
  Encounter(patient_, {{"encounter_class", "outpatient"},
                       {"admitted_at", "2026-11-20T15:00:00Z"},
                       {"discharged_at", "2026-11-20T16:00:00Z"}});
  EXPECT_EQ(Events(patient_),
            (std::vector<std::string>{"encounter.admitted/casekeeper@2026-11-23T05:30:00.000Z",
                                      "encounter.admitted/casekeeper@2026-11-23T02:00:00.000Z"}));
  auto items = Worklist();
  EXPECT_NE(std::find(items.begin(), items.end(), "admitted: Admitted to Riverside General"),
            items.end());
  EXPECT_NE(std::find(items.begin(), items.end(), "admitted: ED visit at Mercy ED"), items.end());
  // Discharged by hand: the same event ADT's A03 raises.
  ed = ChangeEncounter(patient_, ed,
                       {{"discharged_at", "2026-11-23T09:00:00Z"},
                        {"discharge_disposition", "home"},
                        {"status", "finished"}});
  EXPECT_EQ(Events(patient_).back(), "encounter.discharged/casekeeper@2026-11-23T09:00:00.000Z");
  items = Worklist();
  EXPECT_NE(std::find(items.begin(), items.end(), "discharged: Discharged from the ED at Mercy ED"),
            items.end());
  // The discharge undone: the event, and the item leaves the worklist.
  ed = ChangeEncounter(patient_, ed, {{"discharged_at", nullptr}, {"status", "in_progress"}});
  EXPECT_EQ(Events(patient_).back().substr(0, 40), "encounter.discharge_cancelled/casekeeper");
  items = Worklist();
  EXPECT_EQ(std::count_if(items.begin(), items.end(),
                          [](const std::string& s) { return s.rfind("discharged:", 0) == 0; }),
            0);
  // Cancelled: no admission left on the worklist either.
  ChangeEncounter(patient_, stay, {{"status", "cancelled"}});
  EXPECT_EQ(Events(patient_).back().substr(0, 41), "encounter.admission_cancelled/casekeeper@");
  items = Worklist();
  EXPECT_EQ(std::find(items.begin(), items.end(), "admitted: Admitted to Riverside General"),
            items.end());
  // An unrelated change is an update; a planned admission a preadmission.
  ed = ChangeEncounter(patient_, ed, {{"visit_number", "M-1"}});
  EXPECT_EQ(Events(patient_).back().substr(0, 27), "encounter.updated/casekeepe");
  Encounter(patient_, {{"admitted_at", "2026-12-01T15:00:00Z"}, {"status", "planned"}});
  EXPECT_EQ(Events(patient_).back().substr(0, 21), "encounter.preadmitted");
  // The readmission fields are read-only; the timeline shows the admissions.
  Json bad = ChangeEncounter(patient_, ed, {{"readmission_of", 1}}, 400);
  EXPECT_EQ(bad["field"], "readmission_of");
  Json timeline = Get(P(patient_, "/timeline?types=admission"));
  std::vector<std::string> summaries;
  for (const Json& e : timeline["items"]) summaries.push_back(e["summary"]);
  EXPECT_NE(std::find(summaries.begin(), summaries.end(),
                      "inpatient admission at Riverside General (cancelled)"),
            summaries.end());
  EXPECT_NE(std::find(summaries.begin(), summaries.end(), "emergency admission at Mercy ED"),
            summaries.end());
}

TEST_F(TransitionsApiTest, ReadmissionFlagsFollowEveryHandEnteredChange) {
  // Discharged 2026-10-05 (local); the next admission on day 30 counts, day 31 not.
  Json first = Encounter(patient_, {{"admitted_at", "2026-10-01T15:00:00Z"},
                                    {"discharged_at", "2026-10-05T16:00:00Z"},
                                    {"discharge_disposition", "home"}});
  Json second = Encounter(patient_, {{"admitted_at", "2026-11-04T15:00:00Z"}});
  EXPECT_EQ(second["readmission"], "counted");
  EXPECT_EQ(second["readmission_of"], first["id"]);
  EXPECT_EQ(second["readmission_days"], 30);
  EXPECT_TRUE(first["readmission"].is_null());
  second = ChangeEncounter(patient_, second, {{"admitted_at", "2026-11-05T15:00:00Z"}});
  EXPECT_TRUE(second["readmission"].is_null());
  second = ChangeEncounter(patient_, second, {{"admitted_at", "2026-10-17T15:00:00Z"}});
  EXPECT_EQ(second["readmission_days"], 12);
  // A person's word: planned, so not counted (the flag stays, marked planned).
  Json stay = Post(E(second["id"], "/planned-admission"),
                   {{"planned", true}, {"reason", "Scheduled ablation"}}, 200);
  EXPECT_EQ(stay["readmission"]["counted"], false);
  EXPECT_EQ(stay["readmission"]["planned_basis"], "flagged");
  Json listed = Get(P(patient_, "/encounters"));
  EXPECT_EQ(listed["items"][1]["readmission"], "planned");
  Post(E(second["id"], "/planned-admission"), {{"planned", false}, {"reason", "Was unplanned"}},
       200);
  // Cancelling the index stay: no readmission left.
  listed = Get(P(patient_, "/encounters"));
  EXPECT_EQ(listed["items"][1]["readmission"], "counted");
  first = ChangeEncounter(patient_, listed["items"][0], {{"status", "cancelled"}});
  listed = Get(P(patient_, "/encounters"));
  EXPECT_TRUE(listed["items"][1]["readmission"].is_null());
  Json stays = Get(P(patient_, "/stays"));
  ASSERT_EQ(stays["items"].size(), 1u);
  EXPECT_EQ(stays["items"][0]["stay"]["first_encounter_id"], second["id"]);
  // Errors: the planned flag needs its reason and an inpatient admission.
  Json bad = Post(E(second["id"], "/planned-admission"), {{"planned", true}}, 400);
  EXPECT_EQ(bad["field"], "reason");
  Json ed = Encounter(patient_,
                      {{"encounter_class", "emergency"}, {"admitted_at", "2026-11-20T15:00:00Z"}});
  Post(E(ed["id"], "/planned-admission"), {{"planned", true}, {"reason", "x"}}, 409);
  Post(E(second["id"], "/planned-admission"), {{"planned", true}, {"reason", "x"}}, 403,
       "cm.other");
}

// HL7 v2 segments, as the inbox tests build them.
std::string Seg(const std::string& id, std::map<int, std::string> fields) {
  std::string out = id;
  int last = fields.empty() ? 0 : fields.rbegin()->first;
  for (int i = 1; i <= last; ++i) {
    out += "|";
    auto it = fields.find(i);
    if (it != fields.end()) out += it->second;
  }
  return out + "\r";
}

std::string Adt(const std::string& trigger, const std::string& control, const std::string& visit,
                std::map<int, std::string> pv1 = {}) {
  pv1[1] = "1";
  pv1[2] = "I";
  pv1[3] = "4E^401^A^RIVERSIDE";
  pv1[19] = visit;
  return "MSH|^~\\&|EPIC|RIVERSIDE|CASEKEEPER|ORG|20261127080000||ADT^" + trigger + "|" + control +
         "|P|2.5.1\r" +
         Seg("PID",
             {{1, "1"}, {3, "RV77^^^RIVERSIDE^MR"}, {5, "Lima^Ana"}, {7, "19500203"}, {8, "F"}}) +
         Seg("PV1", pv1);
}

TEST_F(TransitionsApiTest, ReadmissionFlagsFollowAdtIncludingCancelsAndA13) {
  auto receive = [&](const std::string& msg) {
    auto ack = inbox_.Receive(msg, "test");
    ASSERT_TRUE(ack.ok()) << ack.status().ToString();
    EXPECT_NE(ack->find("MSA|AA"), std::string::npos) << *ack;
  };
  auto readmission = [&]() -> std::optional<int64_t> {
    int64_t n = Count("SELECT COUNT(*) FROM acute_stays WHERE counted = 1");
    if (n == 0) return std::nullopt;
    return Count("SELECT days_after_discharge FROM acute_stays WHERE counted = 1");
  };
  receive(Adt("A01", "C1", "V1", {{44, "202611010900-0500"}}));
  receive(
      Adt("A03", "C2", "V1", {{44, "202611010900-0500"}, {45, "202611031000-0500"}, {36, "01"}}));
  receive(Adt("A01", "C3", "V2", {{44, "202611151000-0500"}}));
  EXPECT_EQ(readmission(), 12);
  receive(Adt("A11", "C4", "V2"));  // admission cancelled: never counts
  EXPECT_EQ(readmission(), std::nullopt);
  receive(Adt("A01", "C5", "V2", {{44, "202611151000-0500"}}));  // admitted after all
  EXPECT_EQ(readmission(), 12);
  receive(Adt("A13", "C6", "V1"));  // V1's discharge cancelled: no index discharge
  EXPECT_EQ(readmission(), std::nullopt);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM acute_stays WHERE index_discharge = 1"), 0);
  receive(
      Adt("A03", "C7", "V1", {{44, "202611010900-0500"}, {45, "202611031000-0500"}, {36, "02"}}));
  // Transferred, but the next admission is 12 days later: distinct stays.
  EXPECT_EQ(readmission(), 12);
}

TEST_F(TransitionsApiTest, DischargePlanChecklistReadinessAndDefaults) {
  Json e = Encounter(patient_, {{"admitted_at", "2026-11-21T15:00:00Z"}});
  // Bad input names the field.
  EXPECT_EQ(Post(E(e["id"], "/discharge-plan"), {{"disposition", "transferred"}}, 400)["field"],
            "disposition");
  EXPECT_EQ(
      Post(E(e["id"], "/discharge-plan"),
           {{"disposition", "home"}, {"expected_discharge_date", "2026-11-20"}}, 400)["field"],
      "expected_discharge_date");
  EXPECT_EQ(Post(E(e["id"], "/discharge-plan"),
                 {{"disposition", "home"}, {"items", {{{"item", "parachute"}}}}}, 400)["field"],
            "item");
  Post(E(e["id"], "/discharge-plan"), {{"disposition", "home"}}, 403, "cm.other");
  Json plan = Post(E(e["id"], "/discharge-plan"),
                   {{"disposition", "home"},
                    {"expected_discharge_date", "2026-11-23"},
                    {"case_id", case_},
                    {"items",
                     {{{"item", "dme"},
                       {"status", "in_progress"},
                       {"responsible_name", "Pat Lee"},
                       {"responsible_role", "hospital discharge planner"}}}}});
  EXPECT_EQ(plan["readiness"]["total"], 8);
  EXPECT_EQ(plan["readiness"]["not_applicable"], 1);
  EXPECT_EQ(plan["readiness"]["complete"], "1/8");
  EXPECT_EQ(plan["readiness"]["ready"], false);
  EXPECT_EQ(plan["readiness"]["missing"].size(), 7u);
  EXPECT_EQ(plan["items"][3]["item"], "home_health");
  EXPECT_EQ(plan["items"][3]["status"], "not_applicable");
  EXPECT_EQ(plan["items"][3]["defaulted"], true);
  EXPECT_EQ(plan["items"][2]["responsible"]["name"], "Pat Lee");
  Post(E(e["id"], "/discharge-plan"), {{"disposition", "home"}}, 409);  // one per encounter
  // Discharge expected today, checklist not ready: on the worklist.
  auto items = Worklist();
  EXPECT_NE(std::find(items.begin(), items.end(),
                      "discharge_plan_due: Discharge plan not ready: Riverside General"),
            items.end());
  std::string path = "/api/v1/discharge-plans/" + std::to_string(plan["id"].get<int64_t>());
  auto item = [&](const std::string& name, Json body, int want = 200) {
    body["version"] = plan["version"];
    Json out = Patch(path + "/items/" + name, body, want);
    if (want == 200) plan = out;
    return out;
  };
  EXPECT_EQ(item("dme", {{"status", "not_applicable"}}, 400)["field"], "not_applicable_reason");
  EXPECT_EQ(item("dme", {{"status", "finished"}}, 400)["field"], "status");
  EXPECT_EQ(item("dme", {{"responsible_user_id", 9999}}, 400)["field"], "responsible_user_id");
  EXPECT_EQ(Patch(path + "/items/dme", {{"version", 99}, {"status", "done"}}, 409)["field"],
            "version");
  Patch(path + "/items/dme", {{"version", plan["version"]}, {"status", "done"}}, 403, "cm.other");
  item("dme", {{"status", "done"}});
  EXPECT_EQ(plan["items"][2]["status"], "done");
  EXPECT_EQ(plan["items"][2]["completed_by"], api_.id("cm.one"));
  // To a skilled nursing facility: the defaults follow, what a person set stays.
  Json changed = Patch(path, {{"version", plan["version"]}, {"disposition", "skilled_nursing"}});
  plan = changed;
  EXPECT_EQ(plan["items"][1]["status"], "not_applicable");  // 7-day follow-up
  EXPECT_EQ(plan["items"][2]["status"], "done");            // DME, done by a person
  EXPECT_EQ(plan["items"][4]["status"], "not_applicable");  // transport home
  EXPECT_EQ(plan["readiness"]["complete"], "4/8");          // DME done, three not applicable
  changed = Patch(path, {{"version", plan["version"]}, {"disposition", "home_health"}});
  plan = changed;
  EXPECT_EQ(plan["items"][3]["status"], "pending");  // home health now applies
  EXPECT_EQ(plan["readiness"]["complete"], "1/8");
  for (const char* name : {"medication_reconciliation", "follow_up_within_7_days", "home_health",
                           "transport_home", "education_teach_back", "caregiver_briefed"})
    item(name, {{"status", "done"}, {"responsible_user_id", api_.id("cm.one")}});
  item("discharge_summary_received",
       {{"status", "not_applicable"}, {"not_applicable_reason", "Sent with the patient"}});
  EXPECT_EQ(plan["readiness"]["ready"], true);
  EXPECT_EQ(plan["readiness"]["complete"], "8/8");
  items = Worklist();
  EXPECT_EQ(
      std::count_if(items.begin(), items.end(),
                    [](const std::string& s) { return s.rfind("discharge_plan_due", 0) == 0; }),
      0);
  // Every change is in the history and audited.
  EXPECT_GE(plan["history"].size(), 12u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'discharge_plan.%' AND "
                  "patient_id = ?",
                  {patient_}),
            1 + 1 + 2 + 7 + 0 + 0);  // create, dme, two dispositions, seven items
  // Only inpatient and observation stays, and not cancelled ones.
  Json ed = Encounter(patient_,
                      {{"encounter_class", "emergency"}, {"admitted_at", "2026-11-22T15:00:00Z"}});
  Post(E(ed["id"], "/discharge-plan"), {{"disposition", "home"}}, 409);
  Get(E(ed["id"], "/discharge-plan"), 404);
  Get("/api/v1/encounters/999999/discharge-plan", 403, "sup.a");  // ids reveal nothing
}

TEST_F(TransitionsApiTest, MedicationReconciliationFindsResolvesAndUpdatesTheList) {
  auto med = [&](Json body) {
    if (!body.contains("status")) body["status"] = "active";
    return Post(P(patient_, "/medications"), body);
  };
  med({{"name", "Furosemide 40 mg tablet"},
       {"dose", "40 mg"},
       {"frequency", "daily"},
       {"start_date", "2026-01-10"}});
  med({{"name", "Lisinopril"}, {"dose", "10 mg"}, {"frequency", "daily"}});
  Json metformin = med({{"name", "Metformin"}, {"dose", "500 mg"}, {"frequency", "twice daily"}});
  med({{"name", "Aspirin"}, {"dose", "81 mg"}, {"status", "stopped"}, {"stop_date", "2026-10-01"}});
  Json e = Encounter(patient_, {{"admitted_at", "2026-11-18T15:00:00Z"},
                                {"discharged_at", "2026-11-22T16:00:00Z"},
                                {"discharge_disposition", "home"}});
  Json plan = Post(E(e["id"], "/discharge-plan"), {{"disposition", "home"}});
  std::string start = E(e["id"], "/medication-reconciliations");
  EXPECT_EQ(Post(start, {{"discharge_medications", {{{"name", "Furosemide"}, {"route", "ivy"}}}}},
                 400)["field"],
            "discharge_medications");
  EXPECT_EQ(
      Post(start, {{"source", "rumour"}, {"discharge_medications", Json::array()}}, 400)["field"],
      "source");
  Json rec = Post(start, {{"source", "discharge_summary"},
                          {"discharge_medications",
                           {{{"name", "Furosemide"}, {"dose", "80 mg"}, {"frequency", "daily"}},
                            {{"name", "Lisinopril"}, {"dose", "10 mg"}, {"frequency", "daily"}},
                            {{"name", "Spironolactone"},
                             {"dose", "25 mg"},
                             {"frequency", "daily"},
                             {"code", "9997"}}}}});
  EXPECT_EQ(rec["before_admission"].size(), 3u);  // aspirin had stopped
  ASSERT_EQ(rec["discrepancies"].size(), 3u);
  EXPECT_EQ(rec["unresolved"], 3);
  Post(start, {{"discharge_medications", Json::array()}}, 409);  // one in progress
  std::string path =
      "/api/v1/medication-reconciliations/" + std::to_string(rec["id"].get<int64_t>());
  Json blocked = Post(path + "/complete", {{"version", rec["version"]}}, 409);
  EXPECT_EQ(blocked["field"], "discrepancies");
  auto resolve = [&](const Json& d, const char* how, int want = 200) {
    Json out = Post(path + "/discrepancies/" + std::to_string(d["id"].get<int64_t>()),
                    {{"version", rec["version"]},
                     {"resolution", how},
                     {"resolved_with", "Dr. Osei, discharging hospitalist"}},
                    want);
    if (want == 200) rec = out;
    return out;
  };
  EXPECT_EQ(resolve(rec["discrepancies"][0], "ignored", 400)["field"], "resolution");
  Post(path + "/discrepancies/" + std::to_string(rec["discrepancies"][0]["id"].get<int64_t>()),
       {{"version", rec["version"]}, {"resolution", "kept"}, {"resolved_with", "x"}}, 403,
       "cm.other");
  for (const Json& d : Json(rec["discrepancies"]))
    resolve(d, d["kind"] == "new"       ? "clarified_with_prescriber"
               : d["kind"] == "stopped" ? "stopped"
                                        : "changed");
  EXPECT_EQ(rec["unresolved"], 0);
  rec = Post(path + "/complete", {{"version", rec["version"]}, {"update_medication_list", true}},
             200);
  EXPECT_EQ(rec["status"], "completed");
  Post(path + "/complete", {{"version", rec["version"]}}, 409);  // completed already
  // The list: furosemide 80 mg, metformin stopped on the discharge date, spironolactone added.
  Json meds = Get(P(patient_, "/medications"));
  std::map<std::string, Json> by_name;
  for (const Json& m : meds["items"]) by_name[m["name"]] = m;
  EXPECT_EQ(by_name["Furosemide 40 mg tablet"]["dose"], "80 mg");
  EXPECT_EQ(by_name["Metformin"]["status"], "stopped");
  EXPECT_EQ(by_name["Metformin"]["stop_date"], "2026-11-22");
  EXPECT_EQ(by_name["Metformin"]["version"], metformin["version"].get<int>() + 1);
  EXPECT_EQ(by_name["Spironolactone"]["status"], "active");
  EXPECT_EQ(by_name["Spironolactone"]["code"], "9997");
  EXPECT_EQ(by_name["Lisinopril"]["version"], 1);
  // The checklist item and the TRC component.
  Json p = Get("/api/v1/discharge-plans/" + std::to_string(plan["id"].get<int64_t>()));
  EXPECT_EQ(p["items"][0]["status"], "done");
  Json trc = Get(E(e["id"], "/transitions-of-care"));
  EXPECT_EQ(trc["components"][3]["status"], "met");
  EXPECT_EQ(trc["components"][3]["source"], "reconciliation");
  // Adherence afterwards.
  std::string checks = P(patient_, "/adherence-checks");
  EXPECT_EQ(
      Post(checks, {{"method", "guess"}, {"checked_on", "2026-11-23"}, {"result", "adherent"}},
           400)["field"],
      "method");
  EXPECT_EQ(
      Post(checks,
           {{"method", "pill_count"}, {"checked_on", "2026-11-23"}, {"result", "non_adherent"}},
           400)["field"],
      "note");
  EXPECT_EQ(
      Post(checks, {{"method", "pill_count"}, {"checked_on", "2026-12-23"}, {"result", "adherent"}},
           400)["field"],
      "checked_on");
  Post(checks, {{"method", "missed_refills"},
                {"checked_on", "2026-11-23"},
                {"result", "partially_adherent"},
                {"medication", "Spironolactone"},
                {"note", "Not picked up yet"},
                {"reconciliation_id", rec["id"]}});
  EXPECT_EQ(Get(checks)["items"].size(), 1u);
  Get(checks, 403, "cm.other");
}

TEST_F(TransitionsApiTest, AReconciliationInProgressCanBeCancelledForAReasonAndStartedAgain) {
  Json e = Encounter(patient_, {{"admitted_at", "2026-11-18T15:00:00Z"},
                                {"discharged_at", "2026-11-22T16:00:00Z"},
                                {"discharge_disposition", "home"}});
  Json plan = Post(E(e["id"], "/discharge-plan"), {{"disposition", "home"}});
  std::string start = E(e["id"], "/medication-reconciliations");
  Json wrong = Post(
      start, {{"source", "patient_report"}, {"discharge_medications", {{{"name", "Furosemide"}}}}});
  const std::string cancel = "/api/v1/medication-reconciliations/" +
                             std::to_string(wrong["id"].get<int64_t>()) + "/cancel";
  EXPECT_EQ(Post(cancel, {{"version", wrong["version"]}}, 400)["field"], "reason");
  EXPECT_EQ(Post(cancel, {{"version", wrong["version"]}, {"reason", "  "}}, 400)["field"],
            "reason");
  EXPECT_EQ(Post(cancel, {{"reason", "x"}}, 400)["field"], "version");
  Post(cancel, {{"version", wrong["version"].get<int>() + 1}, {"reason", "wrong list"}}, 409);
  Post(cancel, {{"version", wrong["version"]}, {"reason", "wrong list"}}, 403, "cm.other");
  Json cancelled = Post(cancel,
                        {{"version", wrong["version"]},
                         {"reason", "Started from the patient's memory; the summary has arrived"}},
                        200);
  EXPECT_EQ(cancelled["status"], "cancelled");
  EXPECT_EQ(cancelled["cancel_reason"],
            "Started from the patient's memory; the summary has arrived");
  EXPECT_FALSE(cancelled["cancelled_at"].is_null());
  EXPECT_EQ(cancelled["discharge_medications"].size(), 1u);  // kept on record
  Post(cancel, {{"version", cancelled["version"]}, {"reason", "again"}}, 409);
  Post("/api/v1/medication-reconciliations/" + std::to_string(wrong["id"].get<int64_t>()) +
           "/complete",
       {{"version", cancelled["version"]}}, 409);
  // The checklist item stays open and a new reconciliation may start.
  Json p = Get("/api/v1/discharge-plans/" + std::to_string(plan["id"].get<int64_t>()));
  EXPECT_NE(p["items"][0]["status"], "done");
  Json again = Post(start, {{"source", "discharge_summary"},
                            {"discharge_medications", {{{"name", "Furosemide"}}}}});
  EXPECT_EQ(again["status"], "in_progress");
  EXPECT_EQ(Get(start)["items"].size(), 2u);
}

// The story of issue #7: a heart-failure patient admitted by hand, a discharge
// plan whose checklist gets done, discharged home with home health, the
// post-discharge call from the program's bundle, reconciliation and a 7-day
// visit; every TRC component met and no readmission in 30 days. Another
// patient readmitted on day 12 is counted in the readmission report.
TEST_F(TransitionsApiTest, HeartFailureStayFromAdmissionToThirtyDaysAfter) {
  Json stay = Encounter(patient_, {{"admitted_at", "2026-11-23T13:00:00Z"},
                                   {"admission_type", "emergency"},
                                   {"diagnoses", {"I50.23"}}});
  Json plan = Post(E(stay["id"], "/discharge-plan"), {{"disposition", "home_health"},
                                                      {"expected_discharge_date", "2026-11-26"},
                                                      {"case_id", case_}});
  std::string plan_path = "/api/v1/discharge-plans/" + std::to_string(plan["id"].get<int64_t>());
  auto item = [&](const char* name, Json body) {
    body["version"] = plan["version"];
    plan = Patch(plan_path + "/items/" + name, body);
  };
  item("dme", {{"status", "done"},
               {"responsible_name", "Pat Lee"},
               {"responsible_role", "hospital discharge planner"}});
  item("education_teach_back", {{"status", "done"}});
  item("caregiver_briefed", {{"status", "done"}});
  item("home_health", {{"status", "done"}, {"note", "Riverside Home Care, first visit Friday"}});
  item("transport_home", {{"status", "done"}});
  item("follow_up_within_7_days", {{"status", "done"}, {"note", "Dr. Adeyemi, 2 December"}});
  // No way to get to that visit: a transportation barrier, referred to a community service
  // that answers through its link.
  Json barrier = Post("/api/v1/cases/" + std::to_string(case_) + "/barriers",
                      {{"domain", "transportation"},
                       {"severity", "high"},
                       {"description", "No ride to the 7-day cardiology visit"}});
  Post("/api/v1/resources",
       {{"organization", "Eastside Rides"},
        {"service", "Medical appointment rides"},
        {"domains", {"transportation"}},
        {"capacity", "open"}},
       201, "sup.a");
  Json rides = Get(P(patient_, "/resources?domain=transportation"))["items"][0];
  Json referral =
      Post("/api/v1/barriers/" + std::to_string(barrier["id"].get<int64_t>()) + "/referrals",
           {{"resource_id", rides["id"]},
            {"note", "Ride to Riverside Cardiology, 2 December 10:00"},
            {"share_address", true},
            {"send", true},
            {"consent_method", "verbal"}});
  std::string link = referral["link"]["url"];
  const std::string token = link.substr(link.find("#token=") + 7);
  auto partner = [&](const Json& body) {
    auto r = api_.Call(Method::kPost, "/api/v1/partner/referral/update", "", body);
    EXPECT_EQ(r.status, 200) << r.body;
  };
  partner({{"token", token}, {"status", "accepted"}, {"responder", "Dee at Eastside Rides"}});
  AdvanceTo("2026-11-26T14:00:00Z");  // discharge day, 09:00 local
  item("discharge_summary_received", {{"status", "done"}});
  EXPECT_EQ(plan["readiness"]["missing"], Json::array({"medication_reconciliation"}));
  stay = ChangeEncounter(patient_, Get(P(patient_, "/encounters"))["items"][0],
                         {{"discharged_at", "2026-11-26T16:00:00Z"},
                          {"discharge_disposition", "home_health"},
                          {"status", "finished"}});
  // The program's post-discharge bundle, from the hand-entered discharge.
  ASSERT_TRUE(engine_.ProcessPending().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE case_id = ? AND title = 'Post-discharge call'",
                  {case_}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE case_id = ? AND title = 'Home health "
                  "referral'",
                  {case_}),
            1);
  // Day 1: the call reaches the patient; the reconciliation is done.
  AdvanceTo("2026-11-27T15:00:00Z");
  Post("/api/v1/cases/" + std::to_string(case_) + "/contacts",
       {{"method", "phone"},
        {"direction", "outbound"},
        {"party", "patient"},
        {"outcome", "reached"},
        {"duration_minutes", 20},
        {"summary", "Post-discharge call: weights, diuretic, warning signs"}});
  Json rec = Post(E(stay["id"], "/medication-reconciliations"),
                  {{"discharge_medications",
                    {{{"name", "Furosemide"}, {"dose", "40 mg"}, {"frequency", "daily"}}}}});
  for (const Json& d : Json(rec["discrepancies"]))
    rec = Post("/api/v1/medication-reconciliations/" + std::to_string(rec["id"].get<int64_t>()) +
                   "/discrepancies/" + std::to_string(d["id"].get<int64_t>()),
               {{"version", rec["version"]},
                {"resolution", "clarified_with_prescriber"},
                {"resolved_with", "Dr. Adeyemi"}},
               200);
  rec = Post("/api/v1/medication-reconciliations/" + std::to_string(rec["id"].get<int64_t>()) +
                 "/complete",
             {{"version", rec["version"]}, {"update_medication_list", true}}, 200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE case_id = ? AND task_type = "
                  "'medication_reconciliation' AND status = 'done'",
                  {case_}),
            1);
  // Day 6: the 7-day visit happens.
  Json visit = Post("/api/v1/cases/" + std::to_string(case_) + "/appointments",
                    {{"reason", "Heart failure follow-up within 7 days"},
                     {"provider", "Dr. Adeyemi"},
                     {"location", "Riverside Cardiology"},
                     {"starts_at", "2026-12-02T15:00:00Z"},
                     {"ends_at", "2026-12-02T15:30:00Z"}});
  AdvanceTo("2026-12-02T16:00:00Z");
  Patch("/api/v1/appointments/" + std::to_string(visit["id"].get<int64_t>()),
        {{"version", visit["version"]}, {"status", "completed"}});
  // The ride happened: the organisation records it, the case manager closes the loop.
  partner({{"token", token},
           {"status", "service_delivered"},
           {"service_date", "2026-12-02"},
           {"outcome_note", "Round trip to cardiology"}});
  api_.SignInAgain("cm.one");
  referral = Get("/api/v1/resource-referrals/" + std::to_string(referral["id"].get<int64_t>()));
  referral = Post(
      "/api/v1/resource-referrals/" + std::to_string(referral["id"].get<int64_t>()) + "/status",
      {{"version", referral["version"]}, {"status", "closed"}, {"reason", "Ride delivered"}}, 200);
  barrier = Get("/api/v1/barriers/" + std::to_string(barrier["id"].get<int64_t>()));
  barrier = Patch("/api/v1/barriers/" + std::to_string(barrier["id"].get<int64_t>()),
                  {{"version", barrier["version"]},
                   {"status", "resolved"},
                   {"outcome", "Eastside Rides takes her to cardiology visits"}});
  EXPECT_EQ(barrier["status"], "resolved");
  EXPECT_EQ(barrier["history"][barrier["history"].size() - 2]["kind"],
            "referral_service_delivered");
  Json trc = Get(E(stay["id"], "/transitions-of-care"));
  EXPECT_EQ(trc["status"], "met") << trc.dump(1);
  EXPECT_EQ(trc["components"][0]["source"], "hand_entry");  // entered on the day of admission
  EXPECT_EQ(trc["components"][1]["source"], "checklist");
  EXPECT_EQ(trc["components"][2]["source"], "contact");
  EXPECT_EQ(trc["components"][2]["at"], "2026-11-27T15:00:00.000Z");
  EXPECT_EQ(trc["components"][3]["source"], "reconciliation");
  Get(E(stay["id"], "/transitions-of-care"), 403, "cm.other");

  // Another patient: discharged 6 November, readmitted on day 12.
  int64_t other_case = 0;
  int64_t other = AddPatient("Ana", "Lima", &other_case);
  Encounter(other, {{"admitted_at", "2026-11-02T15:00:00Z"},
                    {"discharged_at", "2026-11-06T16:00:00Z"},
                    {"discharge_disposition", "home"}});
  Json again = Encounter(other, {{"admitted_at", "2026-11-18T15:00:00Z"},
                                 {"discharged_at", "2026-11-21T16:00:00Z"},
                                 {"discharge_disposition", "home"}});
  EXPECT_EQ(again["readmission"], "counted");
  EXPECT_EQ(again["readmission_days"], 12);
  Json timeline = Get(P(other, "/timeline?types=admission"));
  EXPECT_EQ(timeline["items"][0]["summary"],
            "inpatient admission at Riverside General — readmission 12 days after the last "
            "discharge");

  // Thirty days after the first patient's discharge: no readmission.
  AdvanceTo("2026-12-27T15:00:00Z");
  Json stays = Get(P(patient_, "/stays"));
  ASSERT_EQ(stays["items"].size(), 1u);
  EXPECT_TRUE(stays["items"][0]["stay"]["readmission"].is_null());
  EXPECT_TRUE(stays["items"][0]["stay"]["readmitted_by"].is_null());
  EXPECT_EQ(stays["items"][0]["readiness"]["ready"], true);
  EXPECT_EQ(stays["items"][0]["status"], "met");
  Json report = Get("/api/v1/reports/readmissions?from=2026-11-01&to=2026-11-30", 200, "sup.a");
  auto csv =
      api_.Call(Method::kGet,
                "/api/v1/reports/readmissions?from=2026-11-01&to=2026-11-30&format=csv", "sup.a");
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_NE(csv.body.find("Index discharges,3\r\n"), std::string::npos) << csv.body;
  EXPECT_EQ(report["index_discharges"], 3);  // 6 Nov, 21 Nov, 26 Nov
  EXPECT_EQ(report["readmissions"], 1);      // the 6 November discharge
  EXPECT_NEAR(report["rate"].get<double>(), 1.0 / 3, 1e-9);
  EXPECT_EQ(report["window_open"], 0);  // every 30 days have passed by 27 December
  Get("/api/v1/reports/readmissions?from=2026-11-01&to=2026-11-30", 403, "cm.one");
  EXPECT_EQ(
      Get("/api/v1/reports/readmissions?from=2026-11-30&to=2026-11-01", 400, "sup.a")["field"],
      "to");
  EXPECT_EQ(Get("/api/v1/reports/readmissions?to=2026-11-01", 400, "sup.a")["field"], "from");
  // The function the outcomes reports use, by hand: the same figures.
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(
                        ReadmissionCounts n,
                        CountReadmissions(c, *ParseDate("2026-11-01"), *ParseDate("2026-11-07"),
                                          *ParseDate("2026-12-27")));
                    EXPECT_EQ(n.index_discharges, 1);
                    EXPECT_EQ(n.readmissions, 1);
                    EXPECT_EQ(n.window_open, 0);
                    return Status::Ok();
                  })
                  .ok());
}

// A registry merge moves the duplicate's stays to the survivor and flags them
// together: a stay under the duplicate's record 9 days after the survivor's
// discharge is a readmission once the records are one.
TEST_F(TransitionsApiTest, AMergeRecomputesTheSurvivorsReadmissions) {
  int64_t dup_case = 0;
  int64_t duplicate = AddPatient("Rosa", "Vega-Duplicate", &dup_case);
  Encounter(patient_, {{"admitted_at", "2026-11-01T15:00:00Z"},
                       {"discharged_at", "2026-11-05T16:00:00Z"},
                       {"discharge_disposition", "home"}});
  Encounter(duplicate, {{"admitted_at", "2026-11-14T15:00:00Z"},
                        {"discharged_at", "2026-11-16T16:00:00Z"},
                        {"discharge_disposition", "home"}});
  EXPECT_TRUE(Get(P(patient_, "/stays"))["items"][0]["stay"]["readmitted_by"].is_null());
  Post(P(patient_, "/merge"), {{"merged_patient_id", duplicate}}, 200, "sup.a");
  Json stays = Get(P(patient_, "/stays"))["items"];
  ASSERT_EQ(stays.size(), 2u) << stays.dump(1);
  int readmissions = 0;
  for (const Json& s : stays)
    if (!s["stay"]["readmission"].is_null()) {
      ++readmissions;
      EXPECT_EQ(s["stay"]["readmission"]["days_after_discharge"], 9);
    }
  EXPECT_EQ(readmissions, 1);
}

}  // namespace
}  // namespace ck::transitions
