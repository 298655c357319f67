// Cases through their HTTP routes: referral, lifecycle, assignment and access,
// notes and addenda, the contact log, caseloads.
#include <gtest/gtest.h>

#include "auth/accounts.h"
#include "cases/routes.h"
#include "http/json.h"
#include "http/router.h"
#include "patients/clinical.h"
#include "patients/routes.h"
#include "testing/api_harness.h"

namespace ck::cases {
namespace {

using http::Json;
using http::Method;

class CasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db::Database& db = api_.db();
    patients_ = std::make_unique<patients::Service>(db, api_.clock(), api_.authorizer(),
                                                    patients::Service::Options{});
    calendar_ = std::make_unique<BusinessCalendar>(
        BusinessCalendar::Options{.holidays = {*ParseDate("2026-11-26")}});
    cases_ = std::make_unique<Service>(db, api_.clock(), *calendar_, api_.authorizer());
    clinical_ = std::make_unique<patients::ClinicalRecords>(db, api_.clock());
    directory_ = std::make_unique<Directory>(db, api_.clock());
    documents_ = std::make_unique<Documents>(db, api_.clock(), 4096);
    patients::RegisterRoutes(api_.router(), *patients_);
    patients::RegisterTimelineRoute(api_.router(), db, api_.clock());
    patients::RegisterClinicalRoutes(api_.router(), *clinical_);
    RegisterRoutes(api_.router(), *cases_);
    RegisterDirectoryRoutes(api_.router(), *directory_);
    RegisterDocumentRoutes(api_.router(), *documents_);
    int64_t a = api_.AddTeam("A"), b = api_.AddTeam("B");
    api_.AddUser("cm.one", auth::Role::kCaseManager, a);
    api_.AddUser("cm.two", auth::Role::kCaseManager, a);
    api_.AddUser("cm.other", auth::Role::kCaseManager, b);
    api_.AddUser("sup", auth::Role::kSupervisor, a);
    api_.AddUser("sup.b", auth::Role::kSupervisor, b);
    auto p = Call(Method::kPost, "/api/v1/patients", "cm.one",
                  {{"given_name", "Ana"},
                   {"family_name", "Lima"},
                   {"birth_date", "1950-02-03"},
                   {"administrative_sex", "female"}});
    ASSERT_EQ(p.status, 201);
    patient_ = Json::parse(p.body)["id"];
  }

  http::Response Upload(const std::string& query, const std::string& type, const std::string& bytes,
                        const std::string& who = "cm.one") {
    http::Request req;
    req.method = Method::kPost;
    req.path = "/api/v1/patients/" + std::to_string(patient_) + "/documents";
    req.query_string = query;
    req.body = bytes;
    req.headers.emplace_back("content-type", type);
    return api_.Send(std::move(req), who);
  }

  http::Response Call(Method m, const std::string& path, const std::string& who,
                      const Json& body = nullptr) {
    return api_.Call(m, path, who, body);
  }

  Json Refer(const std::string& urgency = "routine") {
    auto r =
        Call(Method::kPost, "/api/v1/patients/" + std::to_string(patient_) + "/cases", "cm.one",
             {{"program", "heart_failure_transitions"},
              {"referral_source", "hospital"},
              {"referral_reason", "two HF admissions in 90 days"},
              {"urgency", urgency}});
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::parse(r.body);
  }

  http::Response Move(const Json& k, const std::string& to, Json extra = Json::object()) {
    extra["to"] = to;
    extra["version"] = k["version"];
    return Call(Method::kPost,
                "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>()) + "/transitions",
                "cm.one", extra);
  }

  testing::ApiHarness api_{
      *ParseTimestamp("2026-11-25T15:00:00Z")};  // Wednesday before Thanksgiving
  std::unique_ptr<patients::Service> patients_;
  std::unique_ptr<BusinessCalendar> calendar_;
  std::unique_ptr<Service> cases_;
  std::unique_ptr<patients::ClinicalRecords> clinical_;
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<Documents> documents_;
  int64_t patient_ = 0;
};

TEST_F(CasesTest, TriageDueFollowsUrgencyAndTheBusinessCalendar) {
  EXPECT_EQ(Refer("emergent")["triage_due_at"], "2026-11-25T19:00:00.000Z");
  EXPECT_EQ(Refer("urgent")["triage_due_at"], "2026-11-27T15:00:00.000Z");   // skips Thanksgiving
  EXPECT_EQ(Refer("routine")["triage_due_at"], "2026-12-01T15:00:00.000Z");  // Fri, Mon, Tue
}

TEST_F(CasesTest, TheLifecycleAllowsOnlyItsSteps) {
  Json k = Refer();
  EXPECT_EQ(k["status"], "referred");
  http::Response skip = Move(k, "active");
  EXPECT_EQ(skip.status, 409);
  EXPECT_EQ(Json::parse(skip.body)["field"], "to");
  for (const char* to : {"screening", "assessment", "planning", "active", "transition", "active",
                         "planning", "active"}) {
    http::Response r = Move(k, to);
    ASSERT_EQ(r.status, 200) << to << r.body;
    k = Json::parse(r.body);
    EXPECT_EQ(k["status"], to);
  }
  EXPECT_EQ(Move(k, "closed").status, 400) << "closing needs a reason";
  EXPECT_EQ(Move(k, "closed", {{"closure_reason", "bored"}}).status, 400);
  http::Response closed =
      Move(k, "closed", {{"closure_reason", "goals_met"}, {"reason", "stable 60 days"}});
  ASSERT_EQ(closed.status, 200);
  k = Json::parse(closed.body);
  EXPECT_EQ(k["closure_reason"], "goals_met");
  EXPECT_TRUE(k["allowed_transitions"].empty());
  EXPECT_EQ(Move(k, "active").status, 409) << "closed is final";
  Json full = Json::parse(
      Call(Method::kGet, "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>()), "cm.one").body);
  EXPECT_EQ(full["status_history"].size(), 10u);
  EXPECT_TRUE(full["status_history"][0]["from"].is_null());
  EXPECT_EQ(full["status_history"][9]["reason"], "goals_met: stable 60 days");
}

TEST_F(CasesTest, StaleVersionsAreRefused) {
  Json k = Refer();
  ASSERT_EQ(Move(k, "screening").status, 200);
  http::Response stale = Move(k, "closed", {{"closure_reason", "declined"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(Json::parse(stale.body)["field"], "version");
}

TEST_F(CasesTest, CaseManagersOutsideTheCareTeamAreRefusedAndAudited) {
  Json k = Refer();
  std::string path = "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>());
  EXPECT_EQ(Call(Method::kGet, path, "cm.two").status, 403);
  EXPECT_EQ(Call(Method::kGet, path + "/notes", "cm.other").status, 403);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/cases/999999", "cm.one").status, 403);
  int denied = 0;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(
                        auto rows,
                        c.Query("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' "
                                "AND patient_id = ?",
                                {patient_}));
                    denied = static_cast<int>(rows.at(0).Int(0));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(denied, 2);
}

TEST_F(CasesTest, SupervisorsListWaitingReferralsAndAssignTheVersionTheyRead) {
  Json routine = Refer("routine");
  Json emergent = Refer("emergent");
  http::Response waiting = Call(Method::kGet, "/api/v1/cases?unassigned=true", "sup");
  ASSERT_EQ(waiting.status, 200) << waiting.body;
  Json items = Json::parse(waiting.body)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["id"], emergent["id"]) << "the soonest triage first";
  EXPECT_EQ(items[0]["urgency"], "emergent");
  EXPECT_EQ(items[1]["program"], "heart_failure_transitions");
  // Whom each referral is about, though no one on the team has the patient yet.
  EXPECT_EQ(items[0]["patient_name"], "Ana Lima");
  EXPECT_EQ(Call(Method::kGet, "/api/v1/cases?unassigned=true", "cm.one").status, 403);

  const std::string path = "/api/v1/cases/" + std::to_string(emergent["id"].get<int64_t>());
  http::Response stale =
      Call(Method::kPost, path + "/assignment", "sup",
           {{"user_id", api_.id("cm.one")}, {"version", emergent["version"].get<int>() + 1}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(Json::parse(stale.body)["field"], "version");
  http::Response assigned =
      Call(Method::kPost, path + "/assignment", "sup",
           {{"user_id", api_.id("cm.one")}, {"version", emergent["version"]}});
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  // A second supervisor working from the same list now gets a conflict, not a silent overwrite.
  EXPECT_EQ(Call(Method::kPost, path + "/assignment", "sup",
                 {{"user_id", api_.id("cm.two")}, {"version", emergent["version"]}})
                .status,
            409);
  Json left = Json::parse(Call(Method::kGet, "/api/v1/cases?unassigned=true", "sup").body);
  ASSERT_EQ(left["items"].size(), 1u);
  EXPECT_EQ(left["items"][0]["id"], routine["id"]);
}

TEST_F(CasesTest, AssignmentMovesAccessWithTheCase) {
  Json k = Refer();
  std::string path = "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>());
  EXPECT_EQ(
      Call(Method::kPost, path + "/assignment", "cm.one", {{"user_id", api_.id("cm.two")}}).status,
      403);
  EXPECT_EQ(
      Call(Method::kPost, path + "/assignment", "sup.b", {{"user_id", api_.id("cm.other")}}).status,
      403);
  EXPECT_EQ(
      Call(Method::kPost, path + "/assignment", "sup", {{"user_id", api_.id("cm.other")}}).status,
      403)
      << "not the supervisor's team";
  http::Response first =
      Call(Method::kPost, path + "/assignment", "sup", {{"user_id", api_.id("cm.one")}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Call(Method::kGet, path, "cm.two").status, 403);
  http::Response second = Call(Method::kPost, path + "/assignment", "sup",
                               {{"user_id", api_.id("cm.two")}, {"reason", "leave cover"}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Json::parse(second.body)["assigned_user_id"], api_.id("cm.two"));
  EXPECT_EQ(Call(Method::kGet, path, "cm.two").status, 200);
  EXPECT_EQ(Call(Method::kGet, path, "cm.one").status, 403)
      << "the previous case manager left the care team";
  Json full = Json::parse(Call(Method::kGet, path, "cm.two").body);
  ASSERT_EQ(full["assignments"].size(), 2u);
  EXPECT_FALSE(full["assignments"][0]["ended_at"].is_null());
  EXPECT_EQ(full["assignments"][1]["reason"], "leave cover");
  Json loads = Json::parse(Call(Method::kGet, "/api/v1/caseloads", "sup").body);
  int seen = 0;
  for (const auto& line : loads["items"]) {
    if (line["username"] == "cm.two") {
      ++seen;
      EXPECT_EQ(line["open_cases"], 1);
      EXPECT_EQ(line["acuity_weighted_load"], 2);
    }
    if (line["username"] == "cm.one") {
      EXPECT_EQ(line["open_cases"], 0);
      EXPECT_EQ(line["acuity_weighted_load"], 0) << "no cases weigh nothing";
    }
  }
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/caseloads", "cm.one").status, 403);
}

TEST_F(CasesTest, SignedNotesAreImmutableAndCorrectedByAddenda) {
  Json k = Refer();
  std::string notes = "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>()) + "/notes";
  EXPECT_EQ(Call(Method::kPost, notes, "cm.one", {{"note_type", "gossip"}, {"body", "x"}}).status,
            400);
  http::Response made = Call(Method::kPost, notes, "cm.one",
                             {{"note_type", "progress"}, {"body", "Called; BP 150/95."}});
  ASSERT_EQ(made.status, 201);
  Json n = Json::parse(made.body);
  std::string note = "/api/v1/notes/" + std::to_string(n["id"].get<int64_t>());
  ASSERT_EQ(
      Call(Method::kPatch, note, "cm.one", {{"body", "Called; BP 150/90."}, {"version", 1}}).status,
      200);
  EXPECT_EQ(Call(Method::kPatch, note, "cm.one", {{"body", "again"}, {"version", 1}}).status, 409)
      << "stale";
  ASSERT_EQ(Call(Method::kPost, note + "/sign", "cm.one").status, 200);
  EXPECT_EQ(Call(Method::kPatch, note, "cm.one", {{"body", "rewritten"}, {"version", 3}}).status,
            409);
  EXPECT_EQ(Call(Method::kPost, note + "/sign", "cm.one").status, 409);
  // Not even SQL can change it.
  Status direct = api_.db().Write([&](db::Connection& c) {
    return c.Exec("UPDATE case_notes SET body = 'tampered' WHERE id = ?", {n["id"].get<int64_t>()})
        .status();
  });
  EXPECT_FALSE(direct.ok());
  http::Response addendum =
      Call(Method::kPost, note + "/addenda", "cm.one", {{"body", "BP was 150/95, not 90."}});
  ASSERT_EQ(addendum.status, 201);
  EXPECT_EQ(Json::parse(addendum.body)["amends_note_id"], n["id"]);
  Json list = Json::parse(Call(Method::kGet, notes, "cm.one").body);
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][0]["body"], "Called; BP 150/90.");
  EXPECT_EQ(list["items"][0]["status"], "signed");
  EXPECT_EQ(list["items"][1]["note_type"], "addendum");
  // An addendum is for signed notes; a draft is edited instead.
  std::string draft =
      "/api/v1/notes/" + std::to_string(Json::parse(addendum.body)["id"].get<int64_t>());
  EXPECT_EQ(Call(Method::kPost, draft + "/addenda", "cm.one", {{"body", "x"}}).status, 409);
}

TEST_F(CasesTest, OnlyTheAuthorEditsOrSignsADraft) {
  Json k = Refer();
  std::string path = "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>());
  ASSERT_EQ(
      Call(Method::kPost, path + "/assignment", "sup", {{"user_id", api_.id("cm.one")}}).status,
      200);
  Json n = Json::parse(Call(Method::kPost, path + "/notes", "sup",
                            {{"note_type", "supervisory"}, {"body", "Review."}})
                           .body);
  std::string note = "/api/v1/notes/" + std::to_string(n["id"].get<int64_t>());
  EXPECT_EQ(Call(Method::kPost, note + "/sign", "cm.one").status, 403);
  EXPECT_EQ(Call(Method::kPost, note + "/sign", "sup").status, 200);
}

TEST_F(CasesTest, ContactLogCountsUnansweredOutreach) {
  Json k = Refer();
  std::string contacts = "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>()) + "/contacts";
  auto log = [&](const std::string& outcome, const std::string& at) {
    return Call(Method::kPost, contacts, "cm.one",
                {{"method", "phone"},
                 {"direction", "outbound"},
                 {"party", "patient"},
                 {"outcome", outcome},
                 {"contact_at", at},
                 {"duration_minutes", 2}});
  };
  EXPECT_EQ(log("reached", "2026-11-20T14:00:00Z").status, 201);
  EXPECT_EQ(log("no_answer", "2026-11-23T14:00:00Z").status, 201);
  EXPECT_EQ(log("voicemail", "2026-11-24T14:00:00Z").status, 201);
  EXPECT_EQ(log("no_answer", "2026-11-25T14:00:00Z").status, 201);
  std::string case_path = "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>());
  EXPECT_EQ(
      Json::parse(Call(Method::kGet, case_path, "cm.one").body)["consecutive_unreached_attempts"],
      3);
  EXPECT_EQ(log("reached", "2026-11-25T14:30:00Z").status, 201);
  EXPECT_EQ(
      Json::parse(Call(Method::kGet, case_path, "cm.one").body)["consecutive_unreached_attempts"],
      0);
  http::Response future = log("reached", "2027-01-01T00:00:00Z");
  EXPECT_EQ(future.status, 400);
  EXPECT_EQ(Json::parse(future.body)["field"], "contact_at");
  http::Response bad = Call(Method::kPost, contacts, "cm.one",
                            {{"method", "telepathy"},
                             {"direction", "outbound"},
                             {"party", "patient"},
                             {"outcome", "reached"}});
  EXPECT_EQ(Json::parse(bad.body)["field"], "method");
  EXPECT_EQ(Json::parse(Call(Method::kGet, contacts, "cm.one").body)["items"].size(), 5u);
}

TEST_F(CasesTest, ReferralInputIsValidated) {
  std::string path = "/api/v1/patients/" + std::to_string(patient_) + "/cases";
  struct Case {
    Json body;
    const char* field;
  } cases[] = {
      {{{"program", "nope"}, {"referral_source", "hospital"}, {"referral_reason", "x"}}, "program"},
      {{{"program", "complex_care"}, {"referral_source", "psychic"}, {"referral_reason", "x"}},
       "referral_source"},
      {{{"program", "complex_care"}, {"referral_source", "self"}}, "referral_reason"},
      {{{"program", "complex_care"},
        {"referral_source", "self"},
        {"referral_reason", "x"},
        {"urgency", "asap"}},
       "urgency"},
      {{{"program", "complex_care"},
        {"referral_source", "self"},
        {"referral_reason", "x"},
        {"acuity", "extreme"}},
       "acuity"},
  };
  for (const auto& c : cases) {
    http::Response r = Call(Method::kPost, path, "cm.one", c.body);
    EXPECT_EQ(r.status, 400) << c.body.dump();
    EXPECT_EQ(Json::parse(r.body)["field"], c.field) << c.body.dump();
  }
}

TEST_F(CasesTest, OneTimelineShowsEveryModuleNewestFirstAndPages) {
  Json k = Refer();
  int64_t id = k["id"];
  std::string base = "/api/v1/cases/" + std::to_string(id);
  api_.clock().Advance(10 * kMillisPerMinute);  // within the session idle time
  k = Json::parse(Move(k, "screening").body);
  api_.clock().Advance(10 * kMillisPerMinute);  // within the session idle time
  ASSERT_EQ(Call(Method::kPost, base + "/contacts", "cm.one",
                 {{"method", "phone"},
                  {"direction", "outbound"},
                  {"party", "patient"},
                  {"outcome", "reached"}})
                .status,
            201);
  api_.clock().Advance(10 * kMillisPerMinute);  // within the session idle time
  Json note = Json::parse(
      Call(Method::kPost, base + "/notes", "cm.one", {{"note_type", "progress"}, {"body", "ok"}})
          .body);
  ASSERT_EQ(Call(Method::kPost,
                 "/api/v1/notes/" + std::to_string(note["id"].get<int64_t>()) + "/sign", "cm.one")
                .status,
            200);
  ASSERT_EQ(
      Call(Method::kPost, "/api/v1/patients/" + std::to_string(patient_) + "/encounters", "cm.one",
           {{"encounter_class", "inpatient"},
            {"facility", "Riverside"},
            {"admitted_at", "2026-11-20T00:00:00Z"},
            {"discharged_at", "2026-11-23T12:00:00Z"},
            {"discharge_disposition", "home"},
            {"status", "finished"}})
          .status,
      201);
  std::string timeline = "/api/v1/patients/" + std::to_string(patient_) + "/timeline";
  http::Response r = Call(Method::kGet, timeline, "cm.one");
  ASSERT_EQ(r.status, 200) << r.body;
  Json items = Json::parse(r.body)["items"];
  std::vector<std::string> types;
  for (const auto& e : items) types.push_back(e["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"note", "contact", "case_status", "case_status",
                                             "discharge", "admission"}));
  EXPECT_EQ(items[2]["summary"], "Case referred → screening");
  EXPECT_EQ(items[4]["summary"], "Discharged from Riverside to home");
  // Filters and paging.
  Json only =
      Json::parse(Call(Method::kGet, timeline + "?types=admission,discharge", "cm.one").body);
  EXPECT_EQ(only["items"].size(), 2u);
  EXPECT_EQ(Call(Method::kGet, timeline + "?types=gossip", "cm.one").status, 400);
  std::vector<std::string> paged;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    std::string q = timeline + "?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor);
    Json body = Json::parse(Call(Method::kGet, q, "cm.one").body);
    for (const auto& e : body["items"]) paged.push_back(e["type"]);
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
  }
  EXPECT_EQ(paged, types) << "pages add up to the whole timeline";
  api_.SignInAgain("cm.two");  // idled out meanwhile
  EXPECT_EQ(Call(Method::kGet, timeline, "cm.two").status, 403);
}

TEST_F(CasesTest, MyCaseloadAndMyTeamsCaseloads) {
  Json k = Refer();
  std::string path = "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>());
  ASSERT_EQ(
      Call(Method::kPost, path + "/assignment", "sup", {{"user_id", api_.id("cm.one")}}).status,
      200);
  Json mine = Json::parse(Call(Method::kGet, "/api/v1/cases", "cm.one").body);
  ASSERT_EQ(mine["items"].size(), 1u);
  EXPECT_EQ(mine["items"][0]["id"], k["id"]);
  EXPECT_EQ(Json::parse(Call(Method::kGet, "/api/v1/cases", "cm.two").body)["items"].size(), 0u);
  std::string theirs = "/api/v1/cases?assigned_user_id=" + std::to_string(api_.id("cm.one"));
  EXPECT_EQ(Call(Method::kGet, theirs, "cm.two").status, 403);
  EXPECT_EQ(Call(Method::kGet, theirs, "sup.b").status, 403);
  EXPECT_EQ(Json::parse(Call(Method::kGet, theirs, "sup").body)["items"].size(), 1u);
  k = Json::parse(Call(Method::kGet, path, "cm.one").body);
  ASSERT_EQ(Move(k, "closed", {{"closure_reason", "declined"}}).status, 200);
  EXPECT_EQ(Json::parse(Call(Method::kGet, "/api/v1/cases", "cm.one").body)["items"].size(), 0u);
  EXPECT_EQ(
      Json::parse(Call(Method::kGet, "/api/v1/cases?include_closed=true", "cm.one").body)["items"]
          .size(),
      1u);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/cases?limit=abc", "cm.one").status, 400);
}

TEST_F(CasesTest, TheDirectoryAndEachCasesTeam) {
  http::Response bad =
      Call(Method::kPost, "/api/v1/directory", "cm.one", {{"kind", "wizard"}, {"name", "Merlin"}});
  EXPECT_EQ(Json::parse(bad.body)["field"], "kind");
  http::Response made = Call(Method::kPost, "/api/v1/directory", "cm.one",
                             {{"kind", "provider"},
                              {"name", "Dr. Ada Osei"},
                              {"role", "cardiologist"},
                              {"organisation", "Riverside Heart Clinic"},
                              {"phone", "614-555-0177"},
                              {"fax", "614-555-0178"},
                              {"secure_message_address", "aosei@direct.example.org"}});
  ASSERT_EQ(made.status, 201) << made.body;
  Json entry = Json::parse(made.body);
  EXPECT_EQ(entry["phone"], "+16145550177");
  for (const char* bad : {"limit=5abc", "limit=0", "name=%21%21", "kind=wizard"}) {
    http::Response r = Call(Method::kGet, std::string("/api/v1/directory?") + bad, "cm.two");
    EXPECT_EQ(r.status, 400) << bad;
  }
  Json found =
      Json::parse(Call(Method::kGet, "/api/v1/directory?name=osei&kind=provider", "cm.two").body);
  EXPECT_EQ(found["items"].size(), 0u) << "name prefixes match the start of the name";
  found = Json::parse(Call(Method::kGet, "/api/v1/directory?name=dr%20ada", "cm.two").body);
  ASSERT_EQ(found["items"].size(), 1u);
  // Each case's team: staff from the care team, plus directory entries and the patient's people.
  Json k = Refer();
  std::string team = "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>()) + "/team";
  http::Response joined = Call(Method::kPost, team, "cm.one",
                               {{"directory_entry_id", entry["id"]}, {"role", "cardiologist"}});
  ASSERT_EQ(joined.status, 201) << joined.body;
  EXPECT_EQ(Call(Method::kPost, team, "cm.one", {{"role", "x"}}).status, 400);
  EXPECT_EQ(
      Call(Method::kPost, team, "cm.two", {{"directory_entry_id", entry["id"]}, {"role", "pcp"}})
          .status,
      403);
  Json members = Json::parse(Call(Method::kGet, team, "cm.one").body)["items"];
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0]["kind"], "staff");
  EXPECT_EQ(members[1]["name"], "Dr. Ada Osei");
  int64_t member = Json::parse(joined.body)["id"];
  EXPECT_EQ(Call(Method::kDelete, team + "/" + std::to_string(member), "cm.one").status, 200);
  EXPECT_EQ(Call(Method::kDelete, team + "/" + std::to_string(member), "cm.one").status, 404);
  // Stale directory edits are refused.
  std::string e = "/api/v1/directory/" + std::to_string(entry["id"].get<int64_t>());
  EXPECT_EQ(
      Call(Method::kPatch, e, "cm.one", {{"role", "heart failure clinic"}, {"version", 1}}).status,
      200);
  EXPECT_EQ(Call(Method::kPatch, e, "cm.two", {{"role", "other"}, {"version", 1}}).status, 409);
}

TEST_F(CasesTest, DocumentsAreCheckedStoredAndDownloadedSafely) {
  std::string pdf =
      std::string("%PDF-1.4\n") + std::string(100, 'x') + std::string(1, '\0') + "\n%%EOF";
  http::Response up = Upload(
      "doc_type=discharge_summary&title=Discharge%20summary&document_date=2026-11-24&source="
      "Riverside%20fax",
      "application/pdf", pdf);
  ASSERT_EQ(up.status, 201) << up.body;
  Json info = Json::parse(up.body);
  EXPECT_EQ(info["size_bytes"], pdf.size());
  // Refused: bytes that are not what the type says, a type a browser could run,
  // empty or oversized content, a missing title, an unknown type.
  struct Case {
    std::string query, type, bytes;
    const char* field;
  } cases[] = {
      {"doc_type=letter&title=t", "application/pdf", "<html><script>alert(1)</script>",
       "content_type"},
      {"doc_type=letter&title=t", "text/html", "<html></html>", "content_type"},
      {"doc_type=letter&title=t", "image/png", "not a png", "content_type"},
      {"doc_type=letter&title=t", "text/plain", std::string("a\0b", 3), "content_type"},
      {"doc_type=letter&title=t", "text/plain", "", "content"},
      {"doc_type=letter&title=t", "text/plain", std::string(5000, 'a'), "content"},
      {"doc_type=letter", "text/plain", "hello", "title"},
      {"doc_type=selfie&title=t", "image/jpeg", "\xFF\xD8\xFFrest", "doc_type"},
      {"doc_type=letter&title=t&case_id=999", "text/plain", "hello", "case_id"},
  };
  for (const auto& c : cases) {
    http::Response r = Upload(c.query, c.type, c.bytes);
    EXPECT_EQ(r.status, 400) << c.query << " " << c.type;
    EXPECT_EQ(Json::parse(r.body)["field"], c.field) << c.query << " " << c.type << r.body;
  }
  EXPECT_EQ(
      Upload("doc_type=letter&title=Plan", "text/plain; charset=utf-8", "Care plan agreed.").status,
      201);
  Json list = Json::parse(
      Call(Method::kGet, "/api/v1/patients/" + std::to_string(patient_) + "/documents", "cm.one")
          .body);
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][1]["content_type"], "text/plain");
  // Download: the same bytes, as an attachment, sandboxed; audited; care team only.
  std::string content = info["content_url"];
  http::Response down = Call(Method::kGet, content, "cm.one");
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(down.body, pdf);
  EXPECT_EQ(down.content_type, "application/pdf");
  bool attachment = false, sandboxed = false;
  for (const auto& [k, v] : down.headers) {
    attachment |= k == "Content-Disposition" && v.starts_with("attachment");
    sandboxed |= k == "Content-Security-Policy" && v.starts_with("sandbox");
  }
  EXPECT_TRUE(attachment);
  EXPECT_TRUE(sandboxed);
  EXPECT_EQ(Call(Method::kGet, content, "cm.two").status, 403);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/documents/999/content", "cm.one").status, 403);
  int views = 0;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(
                        auto rows,
                        c.Query("SELECT COUNT(*) FROM audit_log WHERE action = 'document.view'"));
                    views = static_cast<int>(rows.at(0).Int(0));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(views, 1);
}

TEST_F(CasesTest, CaseConferencesRecordAttendeesAndDecisions) {
  Json k = Refer();
  std::string notes = "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>()) + "/notes";
  Json attendees = {{{"name", "Maria Rivera"}, {"role", "case manager"}},
                    {{"name", "Dr. Ada Osei"}, {"role", "cardiologist"}},
                    {{"name", "Sam Patel"}, {"role", "pharmacist"}}};
  Json decisions = {{{"decision", "Reconcile diuretic doses"},
                     {"owner", "Sam Patel"},
                     {"due_date", "2026-12-01"}},
                    {{"decision", "Arrange transport to cardiology"}}};
  http::Response one = Call(Method::kPost, notes, "cm.one",
                            {{"note_type", "case_conference"},
                             {"body", "Reviewed weight gain."},
                             {"attendees", {attendees[0]}}});
  EXPECT_EQ(one.status, 400);
  EXPECT_EQ(Json::parse(one.body)["field"], "attendees");
  EXPECT_EQ(Json::parse(Call(Method::kPost, notes, "cm.one",
                             {{"note_type", "progress"}, {"body", "x"}, {"decisions", decisions}})
                            .body)["field"],
            "decisions");
  http::Response made = Call(Method::kPost, notes, "cm.one",
                             {{"note_type", "case_conference"},
                              {"body", "Reviewed weight gain."},
                              {"attendees", attendees},
                              {"decisions", decisions}});
  ASSERT_EQ(made.status, 201) << made.body;
  Json n = Json::parse(made.body);
  EXPECT_EQ(n["attendees"].size(), 3u);
  ASSERT_EQ(n["decisions"].size(), 2u);
  EXPECT_EQ(n["decisions"][0]["owner"], "Sam Patel");
  EXPECT_GT(n["decisions"][0]["id"].get<int64_t>(), 0);
  std::string note = "/api/v1/notes/" + std::to_string(n["id"].get<int64_t>());
  http::Response edited = Call(Method::kPatch, note, "cm.one",
                               {{"body", "Reviewed weight gain; plan agreed."},
                                {"version", 1},
                                {"decisions", {decisions[0]}}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(Json::parse(edited.body)["decisions"].size(), 1u);
  EXPECT_EQ(Json::parse(edited.body)["attendees"].size(), 3u) << "unchanged when not sent";
  ASSERT_EQ(Call(Method::kPost, note + "/sign", "cm.one").status, 200);
  EXPECT_EQ(Call(Method::kPatch, note, "cm.one",
                 {{"body", "x"}, {"version", 3}, {"decisions", decisions}})
                .status,
            409);
  Json listed = Json::parse(Call(Method::kGet, notes, "cm.one").body);
  EXPECT_EQ(listed["items"][0]["decisions"].size(), 1u);
  // The database refuses changes to a signed conference's parts too.
  int64_t id = n["id"];
  for (const char* sql : {"INSERT INTO note_decisions (note_id, decision) VALUES (?, 'sneaked in')",
                          "DELETE FROM note_attendees WHERE note_id = ?",
                          "UPDATE note_decisions SET decision = 'rewritten' WHERE note_id = ?"}) {
    Status st = api_.db().Write([&](db::Connection& c) { return c.Exec(sql, {id}).status(); });
    EXPECT_FALSE(st.ok()) << sql;
  }
  // Bad parts name the field.
  http::Response bad = Call(Method::kPost, notes, "cm.one",
                            {{"note_type", "case_conference"},
                             {"body", "x"},
                             {"attendees", attendees},
                             {"decisions", {{{"decision", "y"}, {"owner", 7}}}}});
  EXPECT_EQ(Json::parse(bad.body)["field"], "decisions");
}

TEST_F(CasesTest, TimelinePagingKeepsEventsThatShareATimestamp) {
  // Everything below happens within the same millisecond.
  Json k = Refer();
  k = Json::parse(Move(k, "screening").body);
  k = Json::parse(Move(k, "assessment").body);
  std::string contacts = "/api/v1/cases/" + std::to_string(k["id"].get<int64_t>()) + "/contacts";
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Call(Method::kPost, contacts, "cm.one",
                   {{"method", "phone"},
                    {"direction", "outbound"},
                    {"party", "patient"},
                    {"outcome", "no_answer"}})
                  .status,
              201);
  }
  std::string timeline = "/api/v1/patients/" + std::to_string(patient_) + "/timeline";
  Json all = Json::parse(Call(Method::kGet, timeline, "cm.one").body)["items"];
  ASSERT_EQ(all.size(), 6u);
  std::vector<std::string> whole, paged;
  for (const auto& e : all)
    whole.push_back(e["summary"].get<std::string>() + e["type"].get<std::string>());
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    Json body = Json::parse(
        Call(Method::kGet, timeline + "?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor),
             "cm.one")
            .body);
    for (const auto& e : body["items"])
      paged.push_back(e["summary"].get<std::string>() + e["type"].get<std::string>());
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
  }
  EXPECT_EQ(paged, whole);
}

TEST_F(CasesTest, WorkOnAMergedRecordLandsOnTheSurvivor) {
  auto p2 = Call(Method::kPost, "/api/v1/patients", "cm.one",
                 {{"given_name", "Ana"},
                  {"family_name", "Lima"},
                  {"birth_date", "1950-02-03"},
                  {"administrative_sex", "female"}});
  int64_t duplicate = Json::parse(p2.body)["id"];
  auto p3 = Call(Method::kPost, "/api/v1/patients", "cm.one",
                 {{"given_name", "Ana"},
                  {"family_name", "Lima"},
                  {"birth_date", "1950-02-03"},
                  {"administrative_sex", "female"}});
  int64_t third = Json::parse(p3.body)["id"];
  // third → duplicate, then duplicate → the original: a merge of a merge.
  ASSERT_EQ(Call(Method::kPost, "/api/v1/patients/" + std::to_string(duplicate) + "/merge", "sup",
                 {{"merged_patient_id", third}})
                .status,
            200);
  ASSERT_EQ(Call(Method::kPost, "/api/v1/patients/" + std::to_string(patient_) + "/merge", "sup",
                 {{"merged_patient_id", duplicate}})
                .status,
            200);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/patients/" + std::to_string(third), "cm.one").status, 200)
      << "access follows the chain to the survivor";
  // A case referred under the merged id belongs to the survivor.
  http::Response r =
      Call(Method::kPost, "/api/v1/patients/" + std::to_string(third) + "/cases", "cm.one",
           {{"program", "complex_care"}, {"referral_source", "self"}, {"referral_reason", "x"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json::parse(r.body)["patient_id"], patient_);
  Json cases = Json::parse(
      Call(Method::kGet, "/api/v1/patients/" + std::to_string(patient_) + "/cases", "cm.one").body);
  EXPECT_EQ(cases["items"].size(), 1u);
}

TEST_F(CasesTest, ClosedCasesLeaveTheCaseloadWithAccess) {
  Json first = Refer();
  std::string one = "/api/v1/cases/" + std::to_string(first["id"].get<int64_t>());
  ASSERT_EQ(
      Call(Method::kPost, one + "/assignment", "sup", {{"user_id", api_.id("cm.one")}}).status,
      200);
  first = Json::parse(Call(Method::kGet, one, "cm.one").body);
  ASSERT_EQ(Move(first, "closed", {{"closure_reason", "declined"}}).status, 200);
  Json second = Refer();
  std::string two = "/api/v1/cases/" + std::to_string(second["id"].get<int64_t>());
  ASSERT_EQ(
      Call(Method::kPost, two + "/assignment", "sup", {{"user_id", api_.id("cm.one")}}).status,
      200);
  ASSERT_EQ(
      Call(Method::kPost, two + "/assignment", "sup", {{"user_id", api_.id("cm.two")}}).status,
      200);
  // cm.one left the care team with the open case: the closed one no longer shows either.
  Json mine = Json::parse(Call(Method::kGet, "/api/v1/cases?include_closed=true", "cm.one").body);
  EXPECT_EQ(mine["items"].size(), 0u);
}

}  // namespace
}  // namespace ck::cases
