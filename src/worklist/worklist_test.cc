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
    api_.AddUser("auditor", auth::Role::kAuditor, std::nullopt);
    api_.AddUser("feed", auth::Role::kIntegration, std::nullopt);
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

  Json Post(const std::string& path, const std::string& who, const Json& body, int want) {
    auto r = api_.Call(Method::kPost, path, who, body);
    EXPECT_EQ(r.status, want) << path << " " << body.dump() << " " << r.body;
    return Json::parse(r.body);
  }

  // The clock moved on; everyone signs in again.
  void At(Timestamp t) {
    api_.clock().Set(t);
    for (const char* who : {"cm.one", "cm.two", "sup", "auditor"}) api_.SignInAgain(who);
  }

  // The worklist item named `key` (null when absent).
  static Json Find(const Json& items, const std::string& key) {
    for (const Json& it : items)
      if (it["key"] == key) return it;
    return nullptr;
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

TEST_F(WorklistTest, ASnoozeHidesAnItemFromEveryWorklistUntilItsTimeForAReason) {
  const Timestamp h = kMillisPerHour, d = kMillisPerDay;
  int64_t cm = api_.id("cm.one");
  Task(c2_, p2_, "Overdue call", kNow - 5 * h, "high", cm);
  int64_t task = 0;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT MAX(id) FROM tasks", {}));
                    task = rows.at(0).Int(0);
                    return Status::Ok();
                  })
                  .ok());
  int64_t crisis = Insert(
      "INSERT INTO alerts (patient_id, case_id, kind, severity, reason, status, raised_at) "
      "VALUES (?, ?, 'phq9_item9', 'crisis', 'PHQ-9 item 9 positive', 'open', ?)",
      {p2_, c2_, kNow - h});
  const std::string key = "task_overdue:task:" + std::to_string(task);
  Json items = Get("/api/v1/worklist", "cm.one")["items"];
  ASSERT_FALSE(Find(items, key).is_null());
  EXPECT_TRUE(Find(items, key)["snooze"].is_null());
  EXPECT_TRUE(items[0]["key"].is_null()) << items[0];  // the crisis alert
  EXPECT_EQ(Find(items, "no_recent_contact:patient:" + std::to_string(p1_))["kind"],
            "no_recent_contact");

  // Bad requests name their field; nothing is stored.
  const std::string until = FormatTimestamp(kNow + 2 * d);
  const std::string reason = "Daughter calls back Monday";
  auto refused = [&](const Json& body, const std::string& who, int want) {
    return Post("/api/v1/worklist/snoozes", who, body, want);
  };
  EXPECT_EQ(refused({{"item", "crisis_alert:alert:" + std::to_string(crisis)},
                     {"until", until},
                     {"reason", reason}},
                    "cm.one", 400)["error"],
            "a crisis alert cannot be snoozed: acknowledge it or resolve it");
  for (const char* bad : {"task_overdue", "task_overdue:task:x", "task_overdue:task:-1",
                          "task_overdue:case:1", "coffee:task:1", "task_overdue:task:1:2"})
    EXPECT_EQ(
        refused({{"item", bad}, {"until", until}, {"reason", reason}}, "cm.one", 400)["field"],
        "item")
        << bad;
  refused({{"item", "task_overdue:task:99999"}, {"until", until}, {"reason", reason}}, "cm.one",
          403);  // caseload roles learn nothing of other records
  EXPECT_EQ(refused({{"item", key}, {"until", until}, {"reason", "  "}}, "cm.one", 400)["field"],
            "reason");
  EXPECT_EQ(refused({{"item", key}, {"until", until}}, "cm.one", 400)["field"], "reason");
  EXPECT_EQ(refused({{"item", key}, {"until", until}, {"reason", std::string(501, 'x')}}, "cm.one",
                    400)["field"],
            "reason");
  EXPECT_EQ(refused({{"item", key}, {"until", FormatTimestamp(kNow - h)}, {"reason", reason}},
                    "cm.one", 400)["field"],
            "until");
  EXPECT_EQ(refused({{"item", key}, {"until", FormatTimestamp(kNow + 31 * d)}, {"reason", reason}},
                    "cm.one", 400)["error"],
            "must be by the end of 2026-12-27 (30 days ahead)");
  EXPECT_EQ(
      refused({{"item", key}, {"until", "Monday"}, {"reason", reason}}, "cm.one", 400)["field"],
      "until");
  EXPECT_EQ(refused({{"item", key}, {"reason", reason}}, "cm.one", 400)["field"], "until");
  EXPECT_EQ(refused({{"item", key}, {"until", until}, {"reason", reason}, {"x", 1}}, "cm.one",
                    400)["field"],
            "x");
  refused({{"item", key}, {"until", until}, {"reason", reason}}, "cm.two", 403);   // not theirs
  refused({{"item", key}, {"until", until}, {"reason", reason}}, "auditor", 403);  // read only
  refused({{"item", key}, {"until", until}, {"reason", reason}}, "feed", 403);  // not caseload work
  EXPECT_EQ(refused({{"item", key}, {"until", until}, {"reason", reason}, {"replaces", 0}},
                    "cm.one", 400)["field"],
            "replaces");
  // Only an item on the caller's worklist now, by its exact key: not a
  // crisis alert under another kind, not the task before it is overdue, not
  // a key written another way.
  for (const std::string& absent :
       {"high_alert:alert:" + std::to_string(crisis), "task_due_soon:task:" + std::to_string(task),
        "task_overdue:task:0" + std::to_string(task)})
    EXPECT_EQ(
        refused({{"item", absent}, {"until", until}, {"reason", reason}}, "cm.one", 409)["field"],
        "item")
        << absent;
  EXPECT_EQ(Get("/api/v1/worklist", "cm.one")["snoozed"], 0);

  // Snoozed: off the case manager's and the supervisor's lists, counted, and
  // listed on request with who, why and until when.
  Json snooze =
      Post("/api/v1/worklist/snoozes", "cm.one",
           {{"item", key}, {"until", "2026-11-29T04:00:00-05:00"}, {"reason", reason}}, 201);
  EXPECT_EQ(snooze["item"], key);
  EXPECT_EQ(snooze["patient_id"], p2_);
  EXPECT_EQ(snooze["until"], "2026-11-29T09:00:00.000Z");
  EXPECT_EQ(snooze["active"], true);
  EXPECT_EQ(snooze["snoozed_by"], cm);
  EXPECT_EQ(snooze["reason"], reason);
  Json mine = Get("/api/v1/worklist", "cm.one");
  EXPECT_TRUE(Find(mine["items"], key).is_null());
  EXPECT_EQ(mine["snoozed"], 1);
  Json team = Get("/api/v1/team/worklist", "sup");
  EXPECT_TRUE(Find(team["items"], key).is_null());
  EXPECT_EQ(team["snoozed"], 1);
  Json all = Get("/api/v1/worklist?include_snoozed=true", "cm.one");
  EXPECT_EQ(all["snoozed"], 1);
  EXPECT_EQ(Find(all["items"], key)["snooze"]["active"], true);
  EXPECT_EQ(Find(all["items"], key)["snooze"]["reason"], reason);
  EXPECT_EQ(Get("/api/v1/worklist?include_snoozed=yes", "cm.one", 400)["field"], "include_snoozed");
  // Other items are not touched.
  EXPECT_FALSE(Find(mine["items"], "no_recent_contact:patient:" + std::to_string(p1_)).is_null());

  // Audited, with the item and the time, never the reason.
  bool audited = false;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(auto rows,
                                        c.Query("SELECT detail FROM audit_log WHERE action = "
                                                "'worklist.snooze' AND patient_id = ?",
                                                {p2_}));
                    audited = rows.size() == 1 &&
                              rows.at(0).Text(0).find("item=" + key) != std::string::npos &&
                              rows.at(0).Text(0).find("Daughter") == std::string::npos;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(audited);

  // Its time comes: back by itself, saying why it was snoozed; the snooze can
  // no longer be woken.
  At(kNow + 2 * d);
  items = Get("/api/v1/worklist", "cm.one")["items"];
  Json back = Find(items, key);
  ASSERT_FALSE(back.is_null());
  EXPECT_EQ(back["snooze"]["active"], false);
  EXPECT_EQ(back["snooze"]["reason"], reason);
  EXPECT_EQ(back["reasons"].back(), "back from a snooze");  // the text stays in the snooze
  Post("/api/v1/worklist/snoozes/" + std::to_string(snooze["id"].get<int64_t>()) + "/wake",
       "cm.one", Json::object(), 409);

  // Snoozed again (nothing in force). Snoozing it once more must name the
  // snooze in force, so nobody overwrites another's reason unseen.
  Json again =
      Post("/api/v1/worklist/snoozes", "cm.one",
           {{"item", key}, {"until", FormatTimestamp(kNow + 5 * d)}, {"reason", "first"}}, 201);
  EXPECT_EQ(Post("/api/v1/worklist/snoozes", "sup",
                 {{"item", key}, {"until", FormatTimestamp(kNow + 6 * d)}, {"reason", "second"}},
                 409)["field"],
            "item");
  EXPECT_EQ(Post("/api/v1/worklist/snoozes", "sup",
                 {{"item", key},
                  {"until", FormatTimestamp(kNow + 6 * d)},
                  {"reason", "second"},
                  {"replaces", snooze["id"]}},
                 409)["field"],
            "item");
  Json replaced = Post("/api/v1/worklist/snoozes", "sup",
                       {{"item", key},
                        {"until", FormatTimestamp(kNow + 6 * d)},
                        {"reason", "second"},
                        {"replaces", again["id"]}},
                       201);
  EXPECT_EQ(
      Post("/api/v1/worklist/snoozes/" + std::to_string(snooze["id"].get<int64_t>()) + "/wake",
           "cm.one", Json::object(), 409)["code"],
      "FailedPrecondition");
  all = Get("/api/v1/worklist?include_snoozed=true", "cm.one");
  EXPECT_EQ(all["snoozed"], 1);
  EXPECT_EQ(Find(all["items"], key)["snooze"]["reason"], "second");
  const std::string wake =
      "/api/v1/worklist/snoozes/" + std::to_string(replaced["id"].get<int64_t>()) + "/wake";
  Post("/api/v1/worklist/snoozes/" + std::to_string(again["id"].get<int64_t>()) + "/wake", "cm.one",
       Json::object(), 409);  // it gave way
  Post(wake, "cm.two", Json::object(), 403);
  Post(wake, "auditor", Json::object(), 403);
  Json woken = Post(wake, "cm.one", Json::object(), 200);
  EXPECT_EQ(woken["active"], false);
  EXPECT_EQ(woken["woken_by"], cm);
  back = Find(Get("/api/v1/worklist", "cm.one")["items"], key);
  ASSERT_FALSE(back.is_null());
  EXPECT_TRUE(back["snooze"].is_null());
  EXPECT_EQ(back["reasons"], Json({"overdue by 2 days", "priority high"}));
  Post(wake, "cm.one", Json::object(), 409);
  Post("/api/v1/worklist/snoozes/99999/wake", "cm.one", Json::object(), 403);
  EXPECT_EQ(Post("/api/v1/worklist/snoozes", "cm.one",
                 {{"item", key},
                  {"until", FormatTimestamp(kNow + 3 * d)},
                  {"reason", reason},
                  {"replaces", again["id"]}},
                 409)["field"],
            "replaces");  // nothing in force to replace
  // Every snooze is kept, with what replaced it or who woke it.
  int kept = 0;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(
                        auto rows,
                        c.Query("SELECT COUNT(*) FROM worklist_snoozes WHERE item_key = ? AND "
                                "(replaced_by IS NOT NULL OR woken_at IS NOT NULL)",
                                {key}));
                    kept = static_cast<int>(rows.at(0).Int(0));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(kept, 3);
  // As late as the end of the 30th day.
  Post("/api/v1/worklist/snoozes", "cm.one",
       {{"item", key}, {"until", "2026-12-29T23:59:00Z"}, {"reason", reason}}, 201);
}

TEST_F(WorklistTest, ASnoozeEndsWhenItsItemGetsWorseAndNeverHidesAQueue) {
  const Timestamp h = kMillisPerHour;
  int64_t cm = api_.id("cm.one");
  Task(c2_, p2_, "Overdue call", kNow - 5 * h, "normal", cm);
  Task(c2_, p2_, "Queued visit", kNow - 2 * h, "normal", std::nullopt);
  Case(Patient("Three", 4), "referred", std::nullopt, kNow + 3 * h);  // nobody has it yet
  std::string key, queued, referral;
  const Json team = Get("/api/v1/team/worklist", "sup")["items"];
  for (const Json& it : team) {
    if (it["title"] == "Overdue call") key = it["key"];
    if (it["title"] == "Queued visit") queued = it["key"];
    if (it["kind"] == "new_referral" && it["owner_user_id"].is_null()) referral = it["key"];
  }
  ASSERT_FALSE(key.empty() || queued.empty() || referral.empty()) << team;
  auto snooze = [&](const std::string& item, const std::string& who, int want) {
    return Post("/api/v1/worklist/snoozes", who,
                {{"item", item}, {"until", FormatTimestamp(kNow + 24 * h)}, {"reason", "later"}},
                want);
  };
  EXPECT_EQ(snooze(queued, "cm.one", 409)["error"], "the task waits in a queue: claim it first");
  EXPECT_EQ(snooze(referral, "sup", 409)["error"], "a referral nobody has cannot wait: assign it");
  snooze(key, "cm.one", 201);
  EXPECT_EQ(Get("/api/v1/worklist", "cm.one")["snoozed"], 1);
  // Raised to urgent: back at once, saying it changed.
  Exec("UPDATE tasks SET priority = 'urgent' WHERE title = 'Overdue call'", {});
  Json mine = Get("/api/v1/worklist", "cm.one");
  EXPECT_EQ(mine["snoozed"], 0);
  Json back = Find(mine["items"], key);
  ASSERT_FALSE(back.is_null());
  EXPECT_EQ(back["snooze"]["changed"], true);
  EXPECT_EQ(back["snooze"]["active"], false);
  EXPECT_EQ(back["reasons"].back(), "back from a snooze: it changed");
  // Snoozed again as it is now: hidden again.
  snooze(key, "cm.one", 201);
  EXPECT_EQ(Get("/api/v1/worklist", "cm.one")["snoozed"], 1);
  // Given to someone else: the new owner sees it.
  Exec("UPDATE tasks SET owner_user_id = ? WHERE title = 'Overdue call'", {api_.id("cm.two")});
  EXPECT_FALSE(Find(Get("/api/v1/worklist", "cm.two")["items"], key).is_null());
}

TEST_F(WorklistTest, ABackFromSnoozeNoteLastsAsLongAsTheSnoozeDidAtMostAWeek) {
  const Timestamp h = kMillisPerHour;
  Task(c2_, p2_, "Overdue call", kNow - 5 * h, "normal", api_.id("cm.one"));
  std::string key;
  const Json items = Get("/api/v1/worklist", "cm.one")["items"];
  for (const Json& it : items)
    if (it["kind"] == "task_overdue") key = it["key"];
  Post("/api/v1/worklist/snoozes", "cm.one",
       {{"item", key}, {"until", FormatTimestamp(kNow + 2 * h)}, {"reason", "after lunch"}}, 201);
  At(kNow + 3 * h);
  EXPECT_EQ(Find(Get("/api/v1/worklist", "cm.one")["items"], key)["reasons"].back(),
            "back from a snooze");
  At(kNow + 4 * h + kMillisPerMinute);
  Json item = Find(Get("/api/v1/worklist", "cm.one")["items"], key);
  EXPECT_TRUE(item["snooze"].is_null());
  EXPECT_NE(item["reasons"].back(), "back from a snooze");
}

TEST_F(WorklistTest, ASnoozedItemThatChangesKindComesBack) {
  const Timestamp h = kMillisPerHour;
  Task(c2_, p2_, "Call", kNow + 3 * h, "normal", api_.id("cm.one"));
  Json items = Get("/api/v1/worklist", "cm.one")["items"];
  std::string key;
  for (const Json& it : items)
    if (it["kind"] == "task_due_soon") key = it["key"];
  ASSERT_FALSE(key.empty());
  Post("/api/v1/worklist/snoozes", "cm.one",
       {{"item", key}, {"until", FormatTimestamp(kNow + 48 * h)}, {"reason", "after the visit"}},
       201);
  EXPECT_EQ(Get("/api/v1/worklist", "cm.one")["snoozed"], 1);
  // Overdue is a new item: the snooze was for a task due soon.
  At(kNow + 4 * h);
  Json now = Get("/api/v1/worklist", "cm.one");
  EXPECT_EQ(now["snoozed"], 0);
  bool overdue = false;
  for (const Json& it : now["items"])
    if (it["kind"] == "task_overdue" && it["snooze"].is_null()) overdue = true;
  EXPECT_TRUE(overdue);
}

}  // namespace
}  // namespace ck::worklist
