// Supervision through its HTTP routes: coverage during leave (access and the
// worklist follow it, and end with it), bulk reassignment (all or nothing, the
// tasks and the access move with the cases), the balanced proposal, the
// documentation checklist and the team view.
#include <gtest/gtest.h>

#include "assessments/service.h"
#include "cases/routes.h"
#include "core/time_zone.h"
#include "http/json.h"
#include "patients/routes.h"
#include "scoring/catalog.h"
#include "supervision/routes.h"
#include "testing/api_harness.h"
#include "worklist/routes.h"
#include "worklist/worklist.h"

namespace ck::supervision {
namespace {

using http::Json;
using http::Method;

Timestamp T(const char* iso) { return *ParseTimestamp(iso); }

class SupervisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db::Database& db = api_.db();
    patients_ = std::make_unique<patients::Service>(db, api_.clock(), api_.authorizer(),
                                                    patients::Service::Options{});
    cases_ = std::make_unique<cases::Service>(db, api_.clock(), calendar_, api_.authorizer());
    supervision_ = std::make_unique<Supervision>(db, api_.clock(), utc_,
                                                 ComplianceRules{.note_sign_hours = 24,
                                                                 .lookback_days = 30,
                                                                 .assessments = {{"phq9", 365}},
                                                                 .assessment_grace_days = 30});
    worklist_ = std::make_unique<worklist::Worklist>(db, api_.clock());
    patients::RegisterRoutes(api_.router(), *patients_);
    cases::RegisterRoutes(api_.router(), *cases_);
    worklist::RegisterRoutes(api_.router(), *worklist_);
    RegisterRoutes(api_.router(), *supervision_, *cases_, api_.clock(), utc_);
    team_ = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team_);
    api_.AddUser("cm.two", auth::Role::kCaseManager, team_);
    api_.AddUser("cm.three", auth::Role::kCaseManager, team_);
    api_.AddUser("cm.other", auth::Role::kCaseManager, api_.AddTeam("B"));
    api_.AddUser("sup", auth::Role::kSupervisor, team_);
    auto catalog = scoring::Catalog::Load();
    ASSERT_TRUE(catalog.ok());
    ASSERT_TRUE(assessments::SyncDefinitions(api_.db(), **catalog, 0).ok());
  }

  // A patient with an open case assigned to `user` (on their care team).
  std::pair<int64_t, int64_t> CaseOf(const std::string& user, const char* acuity = "moderate",
                                     const char* status = "active",
                                     const char* referred = "2026-09-01T00:00:00Z") {
    int64_t p = 0, k = 0;
    Status st = api_.db().Write([&](db::Connection& c) -> Status {
      CK_ASSIGN_OR_RETURN(auto r, c.Query("INSERT INTO patients (given_name, family_name, "
                                          "birth_date, administrative_sex, created_at, "
                                          "updated_at) VALUES ('Pat', ?, '1950-01-01', "
                                          "'female', 0, 0) RETURNING id",
                                          {"Case" + std::to_string(++patients_made_)}));
      p = r.at(0).Int(0);
      CK_ASSIGN_OR_RETURN(
          auto kr,
          c.Query("INSERT INTO cases (patient_id, program_id, status, referral_source, "
                  "referral_reason, urgency, referred_at, triage_due_at, acuity, "
                  "assigned_user_id, created_at, updated_at) VALUES (?, (SELECT id FROM programs "
                  "WHERE code = 'complex_care'), ?, 'hospital', 'x', 'routine', ?, ?, ?, ?, 0, "
                  "0) RETURNING id",
                  {p, status, T(referred), T(referred), acuity, api_.id(user)}));
      k = kr.at(0).Int(0);
      CK_RETURN_IF_ERROR(c.Exec("INSERT INTO case_assignments (case_id, patient_id, user_id, "
                                "assigned_at) VALUES (?, ?, ?, 0)",
                                {k, p, api_.id(user)})
                             .status());
      return c
          .Exec(
              "INSERT INTO care_team_members (patient_id, user_id, member_role, added_at) "
              "VALUES (?, ?, 'primary_case_manager', 0)",
              {p, api_.id(user)})
          .status();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return {p, k};
  }

  int64_t Task(int64_t patient, int64_t kase, const std::string& owner, const char* due) {
    int64_t id = 0;
    Status st = api_.db().Write([&](db::Connection& c) -> Status {
      CK_ASSIGN_OR_RETURN(auto r, c.Query("INSERT INTO tasks (case_id, patient_id, title, "
                                          "task_type, owner_user_id, due_at, priority, status, "
                                          "created_at, updated_at) VALUES (?, ?, 'Call about "
                                          "scales', 'call', ?, ?, 'normal', 'open', 0, 0) "
                                          "RETURNING id",
                                          {kase, patient, api_.id(owner), T(due)}));
      id = r.at(0).Int(0);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return id;
  }

  void Exec(const std::string& sql, db::Params params) {
    Status st = api_.db().Write([&](db::Connection& c) { return c.Exec(sql, params).status(); });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  std::optional<int64_t> Scalar(const std::string& sql, db::Params params) {
    std::optional<int64_t> out;
    Status st = api_.db().Read([&](db::Connection& c) -> Status {
      CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
      if (!rows.empty()) out = rows.at(0).OptInt(0);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  http::Response Call(Method m, const std::string& path, const std::string& who,
                      const Json& body = nullptr) {
    return api_.Call(m, path, who, body);
  }

  std::string PatientPath(int64_t p) { return "/api/v1/patients/" + std::to_string(p); }

  testing::ApiHarness api_{T("2026-11-27T09:00:00Z")};  // a Friday
  BusinessCalendar calendar_{BusinessCalendar::Options{}};
  const TimeZone utc_ = TimeZone::Utc();  // outlives the services that keep a reference
  std::unique_ptr<patients::Service> patients_;
  std::unique_ptr<cases::Service> cases_;
  std::unique_ptr<Supervision> supervision_;
  std::unique_ptr<worklist::Worklist> worklist_;
  int64_t team_ = 0;
  int patients_made_ = 0;
};

TEST_F(SupervisionTest, CoverageOpensTheCaseloadWhileInForceAndClosesItAfter) {
  auto [p, k] = CaseOf("cm.one");
  Task(p, k, "cm.one", "2026-11-26T12:00:00Z");
  EXPECT_EQ(Call(Method::kGet, PatientPath(p), "cm.two").status, 403);

  Json leave = {{"absent_user_id", api_.id("cm.one")},
                {"covering_user_id", api_.id("cm.two")},
                {"ends_at", "2026-12-04T09:00:00Z"},
                {"reason", "annual leave"}};
  EXPECT_EQ(Call(Method::kPost, "/api/v1/supervision/coverages", "cm.two", leave).status, 403)
      << "a supervisor arranges coverage";
  http::Response made = Call(Method::kPost, "/api/v1/supervision/coverages", "sup", leave);
  ASSERT_EQ(made.status, 201) << made.body;
  Json coverage = Json::parse(made.body);
  EXPECT_EQ(coverage["state"], "in_force");
  EXPECT_EQ(coverage["starts_at"], "2026-11-27T09:00:00.000Z");

  // The covering colleague reaches the patients, lists the caseload, works the worklist.
  EXPECT_EQ(Call(Method::kGet, PatientPath(p), "cm.two").status, 200);
  EXPECT_EQ(Call(Method::kGet, PatientPath(p), "cm.three").status, 403);
  // ... and finds them in the patient lists, like their own.
  auto listed = [&](const std::string& who) {
    Json items = Json::parse(Call(Method::kGet, "/api/v1/patients?limit=200", who).body)["items"];
    for (const Json& it : items)
      if (it["id"] == p) return true;
    return false;
  };
  EXPECT_TRUE(listed("cm.two"));
  EXPECT_FALSE(listed("cm.three"));
  http::Response caseload =
      Call(Method::kGet, "/api/v1/cases?assigned_user_id=" + std::to_string(api_.id("cm.one")),
           "cm.two");
  ASSERT_EQ(caseload.status, 200) << caseload.body;
  EXPECT_EQ(Json::parse(caseload.body)["items"].size(), 1u);
  EXPECT_EQ(Call(Method::kGet,
                 "/api/v1/cases?assigned_user_id=" + std::to_string(api_.id("cm.one")), "cm.three")
                .status,
            403);
  http::Response day = Call(Method::kGet, "/api/v1/worklist", "cm.two");
  ASSERT_EQ(day.status, 200) << day.body;
  bool covered_task = false;
  Json items = Json::parse(day.body)["items"];
  for (const Json& it : items) {
    if (it["kind"] != "task_overdue") continue;
    covered_task = true;
    bool says_whose = false;
    for (const Json& reason : it["reasons"])
      if (reason.get<std::string>().rfind("covering for", 0) == 0) says_whose = true;
    EXPECT_TRUE(says_whose) << it.dump();
  }
  EXPECT_TRUE(covered_task) << day.body;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE user_id = ? AND action = "
                   "'patient.read' AND patient_id = ? AND detail LIKE 'access=coverage%'",
                   {api_.id("cm.two"), p}),
            1);

  // The same person cannot be covered twice at once, nor cover while away.
  Json twice = leave;
  twice["covering_user_id"] = api_.id("cm.three");
  http::Response again = Call(Method::kPost, "/api/v1/supervision/coverages", "sup", twice);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Json::parse(again.body)["field"], "starts_at");
  Json away = {{"absent_user_id", api_.id("cm.three")},
               {"covering_user_id", api_.id("cm.one")},
               {"ends_at", "2026-12-01T09:00:00Z"},
               {"reason", "training"}};
  http::Response busy = Call(Method::kPost, "/api/v1/supervision/coverages", "sup", away);
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(Json::parse(busy.body)["field"], "covering_user_id");
  Json other_team = leave;
  other_team["absent_user_id"] = api_.id("cm.three");
  other_team["covering_user_id"] = api_.id("cm.other");
  EXPECT_EQ(Call(Method::kPost, "/api/v1/supervision/coverages", "sup", other_team).status, 403);
  Json backwards = away;
  backwards["covering_user_id"] = api_.id("cm.two");
  backwards["starts_at"] = "2026-12-02T09:00:00Z";
  http::Response bad = Call(Method::kPost, "/api/v1/supervision/coverages", "sup", backwards);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json::parse(bad.body)["field"], "ends_at");

  // Both see it; after its end, access ends too.
  http::Response mine = Call(Method::kGet, "/api/v1/supervision/coverages", "cm.one");
  EXPECT_EQ(Json::parse(mine.body)["items"].size(), 1u);
  api_.clock().Advance(8 * kMillisPerDay);
  api_.SignInAgain("cm.two");
  api_.SignInAgain("sup");
  EXPECT_EQ(Call(Method::kGet, PatientPath(p), "cm.two").status, 403);
  EXPECT_FALSE(listed("cm.two")) << "the coverage over, the patient leaves the lists too";
  EXPECT_EQ(
      Json::parse(Call(Method::kGet, "/api/v1/supervision/coverages", "sup").body)["items"].size(),
      0u);
  http::Response history =
      Call(Method::kGet, "/api/v1/supervision/coverages?include_ended=true", "sup");
  EXPECT_EQ(Json::parse(history.body)["items"][0]["state"], "ended");
}

TEST_F(SupervisionTest, EndingACoverageEarlyEndsTheAccess) {
  auto [p, k] = CaseOf("cm.one");
  http::Response made = Call(Method::kPost, "/api/v1/supervision/coverages", "sup",
                             {{"absent_user_id", api_.id("cm.one")},
                              {"covering_user_id", api_.id("cm.two")},
                              {"ends_at", "2026-12-11T09:00:00Z"},
                              {"reason", "sick leave"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string end = "/api/v1/supervision/coverages/" +
                          std::to_string(Json::parse(made.body)["id"].get<int64_t>()) + "/end";
  EXPECT_EQ(Call(Method::kGet, PatientPath(p), "cm.two").status, 200);
  http::Response ended = Call(Method::kPost, end, "sup", {{"reason", "back early"}});
  ASSERT_EQ(ended.status, 200) << ended.body;
  EXPECT_EQ(Json::parse(ended.body)["state"], "ended");
  EXPECT_EQ(Call(Method::kGet, PatientPath(p), "cm.two").status, 403);
  EXPECT_EQ(Call(Method::kPost, end, "sup", {{"reason", "again"}}).status, 409);
  (void)k;
}

TEST_F(SupervisionTest, BulkReassignmentIsAllOrNothingAndTakesTasksAndAccessAlong) {
  auto [p1, k1] = CaseOf("cm.one");
  auto [p2, k2] = CaseOf("cm.one", "high");
  int64_t task = Task(p1, k1, "cm.one", "2026-11-30T12:00:00Z");
  Json moves = {{"reason", "cm.one leaves the team"},
                {"assignments",
                 {{{"case_id", k1}, {"user_id", api_.id("cm.two")}},
                  {{"case_id", k2}, {"user_id", api_.id("cm.other")}}}}};
  http::Response refused = Call(Method::kPost, "/api/v1/supervision/reassignments", "sup", moves);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(Scalar("SELECT assigned_user_id FROM cases WHERE id = ?", {k1}), api_.id("cm.one"))
      << "nothing moved";

  Json twice = {{"reason", "oops"},
                {"assignments",
                 {{{"case_id", k1}, {"user_id", api_.id("cm.two")}},
                  {{"case_id", k1}, {"user_id", api_.id("cm.three")}}}}};
  http::Response doubled = Call(Method::kPost, "/api/v1/supervision/reassignments", "sup", twice);
  EXPECT_EQ(doubled.status, 400);
  EXPECT_EQ(Json::parse(doubled.body)["field"], "assignments[1].case_id");

  moves["assignments"][1]["user_id"] = api_.id("cm.three");
  moves["assignments"][0]["user_id"] = "two";
  http::Response typo = Call(Method::kPost, "/api/v1/supervision/reassignments", "sup", moves);
  EXPECT_EQ(typo.status, 400);
  EXPECT_EQ(Json::parse(typo.body)["field"], "assignments[0].user_id");
  moves["assignments"][0]["user_id"] = api_.id("cm.two");
  http::Response done = Call(Method::kPost, "/api/v1/supervision/reassignments", "sup", moves);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(Json::parse(done.body)["moved"], 2);
  EXPECT_EQ(Scalar("SELECT assigned_user_id FROM cases WHERE id = ?", {k1}), api_.id("cm.two"));
  EXPECT_EQ(Scalar("SELECT assigned_user_id FROM cases WHERE id = ?", {k2}), api_.id("cm.three"));
  EXPECT_EQ(Scalar("SELECT owner_user_id FROM tasks WHERE id = ?", {task}), api_.id("cm.two"));
  EXPECT_EQ(
      Scalar("SELECT COUNT(*) FROM task_events WHERE task_id = ? AND kind = 'reassigned'", {task}),
      1);
  EXPECT_EQ(Call(Method::kGet, PatientPath(p1), "cm.one").status, 403);
  EXPECT_EQ(Call(Method::kGet, PatientPath(p1), "cm.two").status, 200);
  EXPECT_EQ(Call(Method::kGet, PatientPath(p2), "cm.three").status, 200);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case.assign' AND outcome = "
                   "'success'",
                   {}),
            2);
  // A case changed since the supervisor read it is a conflict naming the move.
  Json stale = {
      {"reason", "rebalance"},
      {"assignments", {{{"case_id", k1}, {"user_id", api_.id("cm.three")}, {"version", 1}}}}};
  http::Response conflict = Call(Method::kPost, "/api/v1/supervision/reassignments", "sup", stale);
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_EQ(Json::parse(conflict.body)["field"], "assignments[0].version");
  EXPECT_EQ(Scalar("SELECT assigned_user_id FROM cases WHERE id = ?", {k1}), api_.id("cm.two"));
  http::Response again = Call(Method::kPost, "/api/v1/supervision/reassignments", "sup", moves);
  EXPECT_EQ(again.status, 409) << "already assigned: " << again.body;
  EXPECT_EQ(Json::parse(again.body)["field"], "assignments[0].user_id");
}

TEST_F(SupervisionTest, TheProposalBalancesAcuityWeightedLoads) {
  CaseOf("cm.two", "high");  // cm.two starts at 3, cm.three at 0
  std::vector<int64_t> leaving;
  for (const char* acuity : {"high", "low", "high", "moderate"})
    leaving.push_back(CaseOf("cm.one", acuity).second);
  http::Response r = Call(Method::kPost, "/api/v1/supervision/reassignment-proposal", "sup",
                          {{"from_user_id", api_.id("cm.one")}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json proposal = Json::parse(r.body);
  std::map<int64_t, int64_t> to;
  for (const Json& m : proposal["moves"]) to[m["case_id"]] = m["to_user_id"];
  // Heaviest first: high → cm.three (0→3); high → cm.two (3→6, the tie goes to
  // the earlier colleague); moderate → cm.three (3→5); low → cm.three (5→6).
  EXPECT_EQ(to[leaving[0]], api_.id("cm.three"));
  EXPECT_EQ(to[leaving[2]], api_.id("cm.two"));
  EXPECT_EQ(to[leaving[3]], api_.id("cm.three"));
  EXPECT_EQ(to[leaving[1]], api_.id("cm.three"));
  for (const Json& l : proposal["loads"]) {
    if (l["user_id"] == api_.id("cm.one")) {
      EXPECT_EQ(l["load_after"], 0);
    }
    if (l["user_id"] == api_.id("cm.two")) {
      EXPECT_EQ(l["load_after"], 6);
    }
    if (l["user_id"] == api_.id("cm.three")) {
      EXPECT_EQ(l["load_after"], 6);
    }
  }
  EXPECT_EQ(Scalar("SELECT assigned_user_id FROM cases WHERE id = ?", {leaving[0]}),
            api_.id("cm.one"))
      << "a proposal changes nothing";

  // A ceiling leaves what does not fit unplaced; a colleague away is not proposed.
  http::Response capped = Call(Method::kPost, "/api/v1/supervision/reassignment-proposal", "sup",
                               {{"from_user_id", api_.id("cm.one")}, {"max_weighted_load", 5}});
  Json c = Json::parse(capped.body);
  ASSERT_EQ(c["unplaced"].size(), 1u) << capped.body;
  EXPECT_GT(c["unplaced"][0]["patient_id"].get<int64_t>(), 0);
  EXPECT_EQ(c["unplaced"][0]["from_user_id"], api_.id("cm.one"));
  // Chosen cases never go back to whoever holds them now.
  Json chosen = Json::parse(Call(Method::kPost, "/api/v1/supervision/reassignment-proposal", "sup",
                                 {{"case_ids", {leaving[1]}}})
                                .body);
  ASSERT_EQ(chosen["moves"].size(), 1u) << chosen.dump();
  EXPECT_NE(chosen["moves"][0]["to_user_id"], api_.id("cm.one"));
  ASSERT_EQ(Call(Method::kPost, "/api/v1/supervision/coverages", "sup",
                 {{"absent_user_id", api_.id("cm.three")},
                  {"covering_user_id", api_.id("cm.two")},
                  {"ends_at", "2026-12-04T09:00:00Z"},
                  {"reason", "annual leave"}})
                .status,
            201);
  http::Response without = Call(Method::kPost, "/api/v1/supervision/reassignment-proposal", "sup",
                                {{"from_user_id", api_.id("cm.one")}});
  const Json without_three = Json::parse(without.body);
  ASSERT_EQ(without_three["moves"].size(), 4u);
  for (const Json& m : without_three["moves"]) EXPECT_EQ(m["to_user_id"], api_.id("cm.two"));
  http::Response nothing =
      Call(Method::kPost, "/api/v1/supervision/reassignment-proposal", "sup", Json::object());
  EXPECT_EQ(Json::parse(nothing.body)["field"], "from_user_id");
  http::Response closed_case = Call(Method::kPost, "/api/v1/supervision/reassignment-proposal",
                                    "sup", {{"case_ids", {leaving[0], 999999}}});
  EXPECT_EQ(Json::parse(closed_case.body)["field"], "case_ids[1]");
}

TEST_F(SupervisionTest, TheProposalKeepsAPatientWithSomeoneWhoKnowsThemWhenLoadsAreClose) {
  CaseOf("cm.two", "high");  // cm.two 3, cm.three 0
  auto [p, k] = CaseOf("cm.one", "moderate");
  // cm.two is on the patient's care team already (a colleague on another case of theirs).
  Exec(
      "INSERT INTO care_team_members (patient_id, user_id, member_role, added_at) VALUES (?, ?, "
      "'case_manager', 0)",
      {p, api_.id("cm.two")});
  Json proposal = Json::parse(Call(Method::kPost, "/api/v1/supervision/reassignment-proposal",
                                   "sup", {{"from_user_id", api_.id("cm.one")}})
                                  .body);
  ASSERT_EQ(proposal["moves"].size(), 1u) << proposal.dump();
  EXPECT_EQ(proposal["moves"][0]["case_id"], k);
  EXPECT_EQ(proposal["moves"][0]["to_user_id"], api_.id("cm.two")) << "3 + 2 is within 4 of 0 + 2";
  EXPECT_NE(proposal["moves"][0]["why"].get<std::string>().find("care team"), std::string::npos);
  // Too far apart, balance wins.
  CaseOf("cm.two", "very_high");  // cm.two 7
  proposal = Json::parse(Call(Method::kPost, "/api/v1/supervision/reassignment-proposal", "sup",
                              {{"from_user_id", api_.id("cm.one")}})
                             .body);
  EXPECT_EQ(proposal["moves"][0]["to_user_id"], api_.id("cm.three"));
}

TEST_F(SupervisionTest, TheDocumentationChecklistFindsWhatIsMissing) {
  auto [p1, k1] = CaseOf("cm.one");
  auto [p2, k2] = CaseOf("cm.one", "high", "planning");
  auto [p3, k3] = CaseOf("cm.one", "low", "active", "2026-11-20T00:00:00Z");  // recent
  const char* kContact =
      "INSERT INTO case_contacts (case_id, patient_id, contact_at, method, direction, party, "
      "outcome, recorded_by, created_at) VALUES (?, ?, ?, 'phone', 'outbound', 'patient', ?, ?, "
      "0)";
  const int64_t cm = api_.id("cm.one");
  Exec(kContact, {k1, p1, T("2026-11-24T10:00:00Z"), "reached", cm});    // note 2 h later: met
  Exec(kContact, {k2, p2, T("2026-11-25T10:00:00Z"), "reached", cm});    // no note: finding
  Exec(kContact, {k2, p2, T("2026-11-25T11:00:00Z"), "no_answer", cm});  // not a conversation
  Exec(kContact, {k1, p1, T("2026-11-27T08:00:00Z"), "reached", cm});    // not yet due
  Exec(kContact, {k1, p1, T("2026-10-01T10:00:00Z"), "reached", cm});    // before the lookback
  Exec(
      "INSERT INTO case_notes (case_id, patient_id, note_type, body, status, author_id, "
      "created_at, updated_at, signed_at) VALUES (?, ?, 'progress', 'x', 'signed', ?, ?, ?, ?)",
      {k1, p1, cm, T("2026-11-24T11:00:00Z"), T("2026-11-24T12:00:00Z"),
       T("2026-11-24T12:00:00Z")});
  // A late note: signed 30 hours after its contact.
  Exec(
      "INSERT INTO case_notes (case_id, patient_id, note_type, body, status, author_id, "
      "created_at, updated_at, signed_at) VALUES (?, ?, 'progress', 'x', 'signed', ?, ?, ?, ?)",
      {k2, p2, cm, T("2026-11-26T16:00:00Z"), T("2026-11-26T16:00:00Z"),
       T("2026-11-26T16:00:00Z")});
  const char* kPlan =
      "INSERT INTO care_plans (case_id, patient_id, title, status, review_every_days, "
      "next_review_due, created_at, updated_at) VALUES (?, ?, 'Plan', 'active', 30, ?, 0, 0)";
  Exec(kPlan, {k1, p1, T("2026-11-26T00:00:00Z")});  // overdue
  Exec(kPlan, {k2, p2, T("2026-11-28T00:00:00Z")});  // on schedule
  Exec(
      "INSERT INTO consents (patient_id, kind, method, granted_on, created_at) VALUES (?, "
      "'case_management', 'verbal', '2026-09-02', 0)",
      {p1});
  Exec(
      "INSERT INTO consents (patient_id, kind, method, granted_on, expires_on, created_at) "
      "VALUES (?, 'case_management', 'written', '2025-09-02', '2026-09-01', 0)",
      {p2});  // expired
  Exec(
      "INSERT INTO assessments (patient_id, case_id, instrument_id, instrument_version, status, "
      "answers, score, started_by, started_at, completed_at, updated_at) VALUES (?, ?, 'phq9', "
      "(SELECT MAX(version) FROM instrument_definitions WHERE instrument_id = 'phq9'), "
      "'completed', '{}', 4, ?, 0, ?, 0)",
      {p2, k2, cm, T("2026-10-01T00:00:00Z")});

  http::Response r = Call(Method::kGet, "/api/v1/supervision/compliance", "cm.one");
  ASSERT_EQ(r.status, 200) << r.body;
  Json report = Json::parse(r.body);
  ASSERT_EQ(report["members"].size(), 1u);
  Json me = report["members"][0];
  std::map<std::string, std::pair<int, int>> tally;
  for (const Json& t : me["rules"]) tally[t["rule"]] = {t["checked"], t["met"]};
  EXPECT_EQ(tally["note_signed"], std::make_pair(2, 1));
  EXPECT_EQ(tally["care_plan_review"], std::make_pair(2, 1));
  EXPECT_EQ(tally["consent_on_file"], std::make_pair(3, 1));  // p2 expired, p3 none
  EXPECT_EQ(tally["assessments_current"], std::make_pair(2, 1)) << "p3 is not yet due";
  EXPECT_EQ(me["checked"], 9);
  EXPECT_EQ(me["met"], 4);
  std::set<std::string> found;
  for (const Json& f : me["findings"])
    found.insert(f["rule"].get<std::string>() + ":" + std::to_string(f["case_id"].get<int64_t>()));
  EXPECT_EQ(found,
            (std::set<std::string>{
                "note_signed:" + std::to_string(k2), "care_plan_review:" + std::to_string(k1),
                "consent_on_file:" + std::to_string(k2), "consent_on_file:" + std::to_string(k3),
                "assessments_current:" + std::to_string(k1)}));
  for (const Json& f : me["findings"]) EXPECT_FALSE(f["patient_name"].get<std::string>().empty());

  // As of an earlier day the contact of the 25th was not yet due.
  Json earlier = Json::parse(
      Call(Method::kGet, "/api/v1/supervision/compliance?as_of=2026-11-25", "cm.one").body);
  for (const Json& t : earlier["members"][0]["rules"])
    if (t["rule"] == "note_signed") {
      EXPECT_EQ(t["checked"], 1);
    }

  EXPECT_EQ(
      Call(Method::kGet,
           "/api/v1/supervision/compliance?user_id=" + std::to_string(api_.id("cm.two")), "cm.one")
          .status,
      403);
  Json team = Json::parse(Call(Method::kGet, "/api/v1/supervision/compliance", "sup").body);
  EXPECT_EQ(team["members"].size(), 3u);
  EXPECT_EQ(team["checked"], 9);
  http::Response csv =
      Call(Method::kGet, "/api/v1/supervision/compliance?format=csv&table=findings", "sup");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.body.find("care plan review overdue since 2026-11-26"), std::string::npos)
      << csv.body;
  EXPECT_EQ(Call(Method::kGet, "/api/v1/supervision/compliance?as_of=27-11-2026", "sup").status,
            400);
}

TEST_F(SupervisionTest, TheTeamViewShowsLoadWorkContactsAndLeave) {
  auto [p1, k1] = CaseOf("cm.one", "high");
  auto [p2, k2] = CaseOf("cm.one", "low");
  CaseOf("cm.two", "very_high");
  Task(p1, k1, "cm.one", "2026-11-20T12:00:00Z");
  Task(p2, k2, "cm.one", "2026-12-20T12:00:00Z");  // not overdue
  const char* kContact =
      "INSERT INTO case_contacts (case_id, patient_id, contact_at, method, direction, party, "
      "outcome, recorded_by, created_at) VALUES (?, ?, ?, 'phone', 'outbound', 'patient', "
      "'voicemail', ?, 0)";
  for (const char* at : {"2026-11-10T10:00:00Z", "2026-11-12T10:00:00Z", "2026-11-14T10:00:00Z",
                         "2026-10-01T10:00:00Z"})
    Exec(kContact, {k1, p1, T(at), api_.id("cm.one")});
  ASSERT_EQ(Call(Method::kPost, "/api/v1/supervision/coverages", "sup",
                 {{"absent_user_id", api_.id("cm.two")},
                  {"covering_user_id", api_.id("cm.one")},
                  {"ends_at", "2026-12-04T09:00:00Z"},
                  {"reason", "annual leave"}})
                .status,
            201);
  http::Response r =
      Call(Method::kGet, "/api/v1/supervision/team?from=2026-10-29&to=2026-11-27", "sup");
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<std::string, Json> by;
  const Json team = Json::parse(r.body);
  for (const Json& m : team["items"]) by[m["username"]] = m;
  ASSERT_EQ(by.size(), 3u);
  EXPECT_EQ(by["cm.one"]["open_cases"], 2);
  EXPECT_EQ(by["cm.one"]["acuity_weighted_load"], 4);
  EXPECT_EQ(by["cm.one"]["overdue_tasks"], 1);
  EXPECT_EQ(by["cm.one"]["contacts"], 3);
  // 3 contacts / 2 cases / (30 days / 30.4375)
  EXPECT_NEAR(by["cm.one"]["contacts_per_case_month"].get<double>(), 1.5 * 30.4375 / 30, 1e-9);
  EXPECT_EQ(by["cm.one"]["covering_for"], Json::array({"cm.two"}));
  EXPECT_EQ(by["cm.two"]["covered_by"], "cm.one");
  EXPECT_EQ(by["cm.two"]["acuity_weighted_load"], 4);
  EXPECT_TRUE(by["cm.three"]["contacts_per_case_month"].is_null());
  EXPECT_EQ(Call(Method::kGet, "/api/v1/supervision/team", "cm.one").status, 403);
  EXPECT_EQ(
      Call(Method::kGet, "/api/v1/supervision/team?from=2026-11-27&to=2026-11-01", "sup").status,
      400);
}

}  // namespace
}  // namespace ck::supervision
