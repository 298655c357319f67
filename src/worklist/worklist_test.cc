// The worklist orders a mixed set of items as its rules say and explains each.
#include "worklist/worklist.h"

#include <gtest/gtest.h>

#include "http/json.h"
#include "testing/api_harness.h"
#include "worklist/routes.h"

namespace ck::worklist {
namespace {

using http::Json;
using http::Method;

class WorklistTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterRoutes(api_.router(), worklist_);
    team_ = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team_);
    api_.AddUser("cm.two", auth::Role::kCaseManager, team_);
    api_.AddUser("sup", auth::Role::kSupervisor, team_);
    api_.AddUser("sup.b", auth::Role::kSupervisor, api_.AddTeam("B"));
    p1_ = Patient("One", 1);  // tier 1
    p2_ = Patient("Two", 3);
    c1_ = Case(p1_, "active", api_.id("cm.one"));
    c2_ = Case(p2_, "active", api_.id("cm.one"));
  }

  void Exec(const std::string& sql, const db::Params& params) {
    ASSERT_TRUE(
        api_.db().Write([&](db::Connection& c) { return c.Exec(sql, params).status(); }).ok())
        << sql;
  }

  int64_t Insert(const std::string& sql, const db::Params& params) {
    int64_t id = 0;
    EXPECT_TRUE(api_.db()
                    .Write([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql + " RETURNING id", params));
                      id = rows.at(0).Int(0);
                      return Status::Ok();
                    })
                    .ok())
        << sql;
    return id;
  }

  int64_t Patient(const std::string& family, int tier) {
    int64_t id = Insert(
        "INSERT INTO patients (given_name, family_name, birth_date, "
        "administrative_sex, created_at, updated_at) VALUES ('Pat', ?, "
        "'1950-01-01', 'female', 0, 0)",
        {family});
    Exec(
        "INSERT INTO care_team_members (patient_id, user_id, member_role, added_at) VALUES (?, ?, "
        "'primary_case_manager', 0)",
        {id, api_.id("cm.one")});
    Exec(
        "INSERT INTO patient_risk (patient_id, tier, reasons, scores, computed_at, tier_since, "
        "rules_version) VALUES (?, ?, '[]', '{}', 0, 0, 'test')",
        {id, tier});
    return id;
  }

  int64_t Case(int64_t patient, const char* status, std::optional<int64_t> assigned,
               Timestamp triage_due = 0) {
    return Insert(
        "INSERT INTO cases (patient_id, program_id, status, referral_source, "
        "referral_reason, urgency, referred_at, triage_due_at, assigned_user_id, "
        "created_at, updated_at) VALUES (?, 1, ?, 'hospital', 'two admissions', "
        "'urgent', 0, ?, ?, 0, 0)",
        {patient, status, triage_due, assigned});
  }

  void Task(int64_t case_id, int64_t patient, const char* title, Timestamp due,
            const char* priority, std::optional<int64_t> owner) {
    Exec(
        "INSERT INTO tasks (case_id, patient_id, title, task_type, owner_user_id, queue_team_id, "
        "due_at, priority, status, created_at, updated_at) VALUES (?, ?, ?, 'call', ?, ?, ?, ?, "
        "'open', 0, 0)",
        {case_id, patient, title, owner, owner ? db::Value() : db::Value(team_), due, priority});
  }

  Json Get(const std::string& path, const std::string& who, int want = 200) {
    auto r = api_.Call(Method::kGet, path, who);
    EXPECT_EQ(r.status, want) << r.body;
    return Json::parse(r.body);
  }

  static constexpr Timestamp kNow = 1795770000000;  // 2026-11-27T09:00:00Z
  testing::ApiHarness api_{kNow};
  Worklist worklist_{api_.db(), api_.clock()};
  int64_t team_ = 0, p1_ = 0, p2_ = 0, c1_ = 0, c2_ = 0;
};

TEST_F(WorklistTest, RanksAMixedDayByItsRulesAndSaysWhy) {
  const Timestamp h = kMillisPerHour;
  int64_t cm = api_.id("cm.one");
  Task(c2_, p2_, "Overdue call", kNow - 5 * h, "high", cm);
  Task(c1_, p1_, "Call due soon", kNow + 3 * h, "normal", cm);
  Task(c1_, p1_, "Next week's call", kNow + 72 * h, "normal", cm);  // not today's work
  Task(c2_, p2_, "Queued home visit", kNow - 1 * h, "normal", std::nullopt);
  Exec(
      "INSERT INTO alerts (patient_id, case_id, kind, severity, reason, status, raised_at) "
      "VALUES (?, ?, 'phq9_item9', 'crisis', 'PHQ-9 item 9 positive', 'open', ?)",
      {p2_, c2_, kNow - 30 * kMillisPerMinute});
  int64_t stay = Insert(
      "INSERT INTO encounters (patient_id, encounter_class, facility, "
      "admitted_at, discharged_at, status, created_at, updated_at) VALUES (?, "
      "'inpatient', 'Riverside', ?, ?, 'finished', 0, 0)",
      {p1_, kNow - 96 * h, kNow - 2 * h});
  Exec(
      "INSERT INTO domain_events (kind, patient_id, entity_type, entity_id, payload, source, "
      "occurred_at, recorded_at) VALUES ('encounter.discharged', ?, 'encounter', ?, '{}', "
      "'hl7v2', ?, ?)",
      {p1_, stay, kNow - 2 * h, kNow - 2 * h});
  Case(p2_, "referred", cm, kNow + 10 * h);
  int64_t plan = Insert(
      "INSERT INTO care_plans (case_id, patient_id, title, status, "
      "review_every_days, next_review_due, created_at, updated_at) VALUES (?, "
      "?, 'Diabetes', 'active', 30, ?, 0, 0)",
      {c2_, p2_, kNow - 24 * h});
  Exec(
      "INSERT INTO care_plan_goals (care_plan_id, patient_id, description, target_text, "
      "target_date, origin, status, created_at, updated_at) VALUES (?, ?, 'Walk daily', "
      "'walks daily', '2026-11-01', 'patient_stated', 'active', 0, 0)",
      {plan, p2_});

  Json items = Get("/api/v1/worklist", "cm.one")["items"];
  std::vector<std::string> kinds;
  for (const Json& it : items) kinds.push_back(it["kind"]);
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"crisis_alert", "task_overdue", "discharged", "task_overdue",
                                      "task_due_soon", "new_referral", "no_recent_contact",
                                      "care_plan_review_due", "goal_past_target"}));
  // The reasons, and the scores they add up to.
  EXPECT_EQ(items[0]["score"], 1000);
  EXPECT_EQ(items[1]["title"], "Overdue call");
  EXPECT_EQ(items[1]["score"], 500 + 5 * 2 + 75);
  EXPECT_EQ(items[1]["reasons"], Json({"overdue by 5 h", "priority high"}));
  EXPECT_EQ(items[2]["score"], 450 + 100);
  EXPECT_EQ(items[2]["reasons"], Json({"discharged 2 h ago", "risk tier 1"}));
  EXPECT_EQ(items[2]["title"], "Discharged from Riverside");
  EXPECT_EQ(items[3]["title"], "Queued home visit");
  EXPECT_EQ(items[3]["score"], 500 + 2 - 100);
  EXPECT_EQ(items[3]["reasons"], Json({"overdue by 1 h", "waiting in the queue: claim it"}));
  EXPECT_EQ(items[4]["score"], 300 + 100);
  EXPECT_EQ(items[5]["score"], 350);
  EXPECT_EQ(items[6]["score"], 250 + 100);  // tier 1, never reached
  EXPECT_EQ(items[6]["reasons"], Json({"never reached", "risk tier 1"}));
  EXPECT_EQ(items[6]["case_id"], c1_);  // where to log the contact
  EXPECT_EQ(items[0]["patient_name"], "Pat Two");
  EXPECT_EQ(items[7]["reasons"], Json({"review overdue by 24 h"}));
  // A reached contact takes the patient off the "not reached" list.
  Exec(
      "INSERT INTO case_contacts (case_id, patient_id, contact_at, method, direction, party, "
      "outcome, recorded_by, created_at) VALUES (?, ?, ?, 'phone', 'outbound', 'patient', "
      "'reached', ?, 0)",
      {c1_, p1_, kNow - 3 * 24 * h, cm});
  items = Get("/api/v1/worklist", "cm.one")["items"];
  for (const Json& it : items) EXPECT_NE(it["kind"], "no_recent_contact");
  // Nor is a patient whose case is closed, however high their risk.
  Exec("DELETE FROM case_contacts WHERE case_id = ?", {c1_});
  ASSERT_EQ(Get("/api/v1/worklist", "cm.one")["items"][6]["kind"], "no_recent_contact");
  Exec("UPDATE cases SET status = 'closed', closed_at = ? WHERE id = ?", {kNow, c1_});
  items = Get("/api/v1/worklist", "cm.one")["items"];
  for (const Json& it : items) EXPECT_NE(it["kind"], "no_recent_contact");
}

TEST_F(WorklistTest, InsuranceDeadlinesComeWithTheirReasons) {
  const Timestamp h = kMillisPerHour, d = kMillisPerDay;
  int64_t cov = Insert(
      "INSERT INTO coverages (patient_id, payer, product_type, member_id, effective_from, "
      "priority, status, created_at, updated_at) VALUES (?, 'Acme', 'medicare_advantage', 'M1', "
      "'2026-01-01', 'primary', 'active', 0, 0)",
      {p2_});
  auto request = [&](int64_t patient, const char* status, const char* urgency,
                     std::optional<Timestamp> due, std::optional<Timestamp> appeal_by,
                     std::optional<std::string> approved_to) {
    return Insert(
        "INSERT INTO prior_authorizations (patient_id, case_id, coverage_id, payer, "
        "product_type, urgency, status, requesting_provider, diagnosis_codes, decision_due_at, "
        "appeal_deadline, approved_to, created_at, updated_at) VALUES (?, ?, ?, 'Acme', "
        "'medicare_advantage', ?, ?, 'Dr. X', 'C34.90', ?, ?, ?, 0, 0)",
        {patient, patient == p1_ ? c1_ : c2_, cov, urgency, status, due, appeal_by, approved_to});
  };
  int64_t late = request(p2_, "submitted", "standard", kNow - 2 * h, {}, {});
  int64_t soon = request(p1_, "pended", "expedited", kNow + 20 * h, {}, {});
  request(p2_, "submitted", "standard", kNow + 5 * d, {}, {});  // not yet
  int64_t denied = request(p2_, "denied", "standard", {}, kNow + 5 * d, {});
  request(p2_, "denied", "standard", {}, kNow + 40 * d, {});  // time enough
  int64_t ending = request(p2_, "approved", "standard", {}, {}, "2026-12-04");
  request(p2_, "approved", "standard", {}, {}, "2027-03-01");  // not yet
  int64_t appealed = request(p2_, "denied", "standard", {}, kNow + 3 * d, {});
  int64_t draft = Insert(
      "INSERT INTO appeals (patient_id, authorization_id, product_type, level, level_name, "
      "kind, urgency, status, notice_date, filing_deadline, created_at, updated_at) VALUES (?, "
      "?, 'medicare_advantage', 'first_level_internal', 'Reconsideration', 'pre_service', "
      "'standard', 'draft', '2026-11-01', ?, 0, 0)",
      {p2_, appealed, kNow + 3 * d});
  int64_t filed = Insert(
      "INSERT INTO appeals (patient_id, authorization_id, product_type, level, level_name, "
      "kind, urgency, status, notice_date, filed_at, decision_due_at, created_at, updated_at) "
      "VALUES (?, ?, 'medicare_advantage', 'peer_to_peer', 'Peer-to-peer review', 'pre_service', "
      "'standard', 'filed', '2026-11-01', 0, ?, 0, 0)",
      {p2_, late, kNow - 30 * h});

  // Equal scores (the overdue decision's bonus against the expedited one's
  // tier 1 bonus) fall back to the earlier due time.
  Json items = Get("/api/v1/worklist", "cm.one")["items"];
  std::vector<std::string> got;
  for (const Json& it : items) {
    if (it["kind"] == "no_recent_contact") continue;
    std::string id = it["authorization_id"].is_null()
                         ? "appeal " + std::to_string(it["appeal_id"].get<int64_t>())
                         : "auth " + std::to_string(it["authorization_id"].get<int64_t>());
    got.push_back(it["kind"].get<std::string>() + " " + id + " " +
                  std::to_string(it["score"].get<int>()) + " " + it["reasons"].dump());
  }
  auto s = [](int64_t v) { return std::to_string(v); };
  EXPECT_EQ(
      got,
      (std::vector<std::string>{
          "authorization_decision_due auth " + s(late) + " 520 [\"payer decision overdue by 2 h\"]",
          "authorization_decision_due auth " + s(soon) +
              " 520 [\"payer decision due in 20 h\",\"expedited request\",\"risk tier "
              "1\"]",
          "appeal_deadline appeal " + s(filed) +
              " 480 [\"payer's appeal decision overdue by 30 h\"]",
          "appeal_deadline appeal " + s(draft) + " 380 [\"filing deadline in 3 days\"]",
          "appeal_deadline auth " + s(denied) +
              " 380 [\"denied, no appeal yet; filing deadline in 5 days\"]",
          "authorization_expiring auth " + s(ending) + " 220 [\"approved through 2026-12-04\"]"}));
}

TEST_F(WorklistTest, SupervisorsSeeTheirTeamsAndOnlyTheirs) {
  int64_t cm = api_.id("cm.one");
  Task(c1_, p1_, "Overdue call", kNow - kMillisPerHour, "normal", cm);
  int64_t unassigned = Patient("Three", 4);
  Case(unassigned, "referred", std::nullopt, kNow - kMillisPerHour);
  // cm.two sees none of cm.one's patients.
  EXPECT_TRUE(Get("/api/v1/worklist", "cm.two")["items"].empty());
  EXPECT_EQ(Get("/api/v1/worklist?user_id=" + std::to_string(cm), "cm.two", 403)["error"],
            "only a supervisor sees another person's worklist");
  Json of_member = Get("/api/v1/worklist?user_id=" + std::to_string(cm), "sup")["items"];
  EXPECT_FALSE(of_member.empty());
  Get("/api/v1/worklist?user_id=" + std::to_string(cm), "sup.b", 403);
  Json team = Get("/api/v1/team/worklist", "sup")["items"];
  bool referral = false, task = false;
  for (const Json& it : team) {
    if (it["kind"] == "new_referral" && it["owner_user_id"].is_null()) referral = true;
    if (it["kind"] == "task_overdue" && it["owner_user_id"] == cm) task = true;
  }
  EXPECT_TRUE(referral);
  EXPECT_TRUE(task);
  Get("/api/v1/team/worklist", "cm.one", 403);
  EXPECT_EQ(Get("/api/v1/worklist?limit=0", "cm.one", 400)["field"], "limit");
  EXPECT_EQ(Get("/api/v1/worklist?limit=5abc", "cm.one", 400)["field"], "limit");
  EXPECT_EQ(Get("/api/v1/worklist?user_id=" + std::to_string(cm) + "x", "sup", 400)["field"],
            "user_id");
}

}  // namespace
}  // namespace ck::worklist
