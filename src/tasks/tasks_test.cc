// Tasks through their HTTP routes: business-day due times, queues and claims,
// status moves, recurrence, escalation, outreach attempts and the "unable to
// reach" proposal, and care management time per month.
#include <gtest/gtest.h>

#include "cases/routes.h"
#include "http/json.h"
#include "patients/routes.h"
#include "tasks/routes.h"
#include "testing/api_harness.h"

namespace ck::tasks {
namespace {

using http::Json;
using http::Method;

class TasksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db::Database& db = api_.db();
    patients_ = std::make_unique<patients::Service>(db, api_.clock(), api_.authorizer(),
                                                    patients::Service::Options{});
    cases_ = std::make_unique<cases::Service>(db, api_.clock(), calendar_, api_.authorizer());
    tasks_ = std::make_unique<Service>(db, api_.clock(), calendar_, Service::Options{});
    patients::RegisterRoutes(api_.router(), *patients_);
    cases::RegisterRoutes(api_.router(), *cases_);
    RegisterRoutes(api_.router(), *tasks_);
    team_a_ = api_.AddTeam("A");
    int64_t b = api_.AddTeam("B");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team_a_);
    api_.AddUser("cm.two", auth::Role::kCaseManager, team_a_);
    api_.AddUser("cm.other", auth::Role::kCaseManager, b);
    api_.AddUser("sup", auth::Role::kSupervisor, team_a_);
    auto p = Call(Method::kPost, "/api/v1/patients", "cm.one",
                  {{"given_name", "Ana"},
                   {"family_name", "Lima"},
                   {"birth_date", "1950-02-03"},
                   {"administrative_sex", "female"}});
    ASSERT_EQ(p.status, 201) << p.body;
    patient_ = Json::parse(p.body)["id"];
    auto k =
        Call(Method::kPost, "/api/v1/patients/" + std::to_string(patient_) + "/cases", "cm.one",
             {{"program", "heart_failure_transitions"},
              {"referral_source", "hospital"},
              {"referral_reason", "heart failure admission"},
              {"urgency", "urgent"}});
    ASSERT_EQ(k.status, 201) << k.body;
    case_ = Json::parse(k.body)["id"];
    // The case manager of the case (as a supervisor's assignment would make them).
    ASSERT_TRUE(db.Write([&](db::Connection& c) {
                    return c
                        .Exec("UPDATE cases SET assigned_user_id = ? WHERE id = ?",
                              {api_.id("cm.one"), case_})
                        .status();
                  }).ok());
  }

  http::Response Call(Method m, const std::string& path, const std::string& who,
                      const Json& body = nullptr) {
    return api_.Call(m, path, who, body);
  }

  Json NewTask(Json body, const std::string& who = "cm.one", int want = 201) {
    auto r = Call(Method::kPost, "/api/v1/cases/" + std::to_string(case_) + "/tasks", who, body);
    EXPECT_EQ(r.status, want) << r.body;
    return Json::parse(r.body);
  }

  Json MoveTo(const Json& t, const std::string& to, Json extra = Json::object(),
              const std::string& who = "cm.one", int want = 200) {
    extra["to"] = to;
    extra["version"] = t["version"];
    auto r =
        Call(Method::kPost, "/api/v1/tasks/" + std::to_string(t["id"].get<int64_t>()) + "/status",
             who, extra);
    EXPECT_EQ(r.status, want) << r.body;
    return Json::parse(r.body);
  }

  Json CaseTasks(bool all = false) {
    auto r = Call(
        Method::kGet,
        "/api/v1/cases/" + std::to_string(case_) + "/tasks" + (all ? "?include_closed=true" : ""),
        "cm.one");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body)["items"];
  }

  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(api_.db()
                    .Read([&](db::Connection& c) -> ck::Status {
                      CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql));
                      n = rows.at(0).Int(0);
                      return ck::Status::Ok();
                    })
                    .ok());
    return n;
  }

  testing::ApiHarness api_{*ParseTimestamp("2026-11-25T15:00:00Z")};  // before Thanksgiving
  BusinessCalendar calendar_{{.holidays = UsFederalHolidays(2026)}};
  std::unique_ptr<patients::Service> patients_;
  std::unique_ptr<cases::Service> cases_;
  std::unique_ptr<Service> tasks_;
  int64_t team_a_ = 0, patient_ = 0, case_ = 0;
};

TEST_F(TasksTest, DueTimesCountBusinessDays) {
  // Discharged Wednesday 25 November: two business days skip Thanksgiving and the weekend.
  Json call = NewTask({{"title", "Post-discharge call"},
                       {"task_type", "call"},
                       {"due_in_business_days", 2},
                       {"due_anchor", "2026-11-25T14:00:00Z"},
                       {"priority", "high"}});
  EXPECT_EQ(call["due_at"], "2026-11-30T14:00:00.000Z");
  EXPECT_EQ(call["due_rule"], "2 business days after 2026-11-25");
  EXPECT_EQ(call["owner_user_id"], api_.id("cm.one"));  // one's own by default
  EXPECT_EQ(call["status"], "open");
  Json exact = NewTask({{"title", "Med reconciliation"},
                        {"task_type", "medication_reconciliation"},
                        {"due_at", "2026-12-02T17:00:00Z"}});
  EXPECT_EQ(exact["due_at"], "2026-12-02T17:00:00.000Z");
  // Bad input names the field; nothing is stored.
  EXPECT_EQ(NewTask({{"title", "x"}, {"task_type", "chat"}}, "cm.one", 400)["field"], "task_type");
  EXPECT_EQ(NewTask({{"title", "x"}, {"due_at", "soon"}}, "cm.one", 400)["field"], "due_at");
  EXPECT_EQ(NewTask({{"title", "x"}, {"owner_user_id", 1}, {"queue_role", "supervisor"}}, "cm.one",
                    400)["field"],
            "owner_user_id");
  EXPECT_EQ(NewTask({{"title", "x"}, {"recur_every_days", 7}}, "cm.one", 400)["field"],
            "recur_until");
  EXPECT_EQ(NewTask({{"title", "x"}, {"colour", "red"}}, "cm.one", 400)["field"], "colour");
  EXPECT_EQ(CaseTasks().size(), 2u);
  // Only the care team reaches the case's tasks.
  EXPECT_EQ(NewTask({{"title", "x"}}, "cm.other", 403)["error"].is_string(), true);
}

TEST_F(TasksTest, QueuedTasksAreClaimedByTheirTeam) {
  Json t = NewTask({{"title", "Home visit"}, {"task_type", "visit"}, {"queue_team_id", team_a_}});
  EXPECT_TRUE(t["owner_user_id"].is_null());
  std::string claim = "/api/v1/tasks/" + std::to_string(t["id"].get<int64_t>()) + "/claim";
  // Working a queued task needs a claim first.
  EXPECT_EQ(MoveTo(t, "in_progress", {}, "cm.one", 409)["error"],
            "the task waits in a queue: claim it first");
  // Another team's member may not take it; a member of the team may.
  EXPECT_EQ(Call(Method::kPost, claim, "cm.other", {{"version", t["version"]}}).status, 403);
  auto mine = Call(Method::kGet, "/api/v1/tasks", "cm.two");
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(Json::parse(mine.body)["items"].size(), 1u);  // in cm.two's team queue
  auto r = Call(Method::kPost, claim, "cm.two", {{"version", t["version"]}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json claimed = Json::parse(r.body);
  EXPECT_EQ(claimed["owner_user_id"], api_.id("cm.two"));
  // The claimer joined the care team and now reaches the patient.
  EXPECT_EQ(Call(Method::kGet, "/api/v1/patients/" + std::to_string(patient_), "cm.two").status,
            200);
  EXPECT_EQ(Call(Method::kPost, claim, "cm.one", {{"version", claimed["version"]}}).status, 409);
  Json started = MoveTo(claimed, "in_progress", {}, "cm.two");
  EXPECT_EQ(started["status"], "in_progress");
  // Someone else's task: not theirs to move; the supervisor may.
  MoveTo(started, "paused", {{"reason", "x"}}, "cm.one", 403);
  Json paused = MoveTo(started, "paused", {{"reason", "waiting for the interpreter"}}, "sup");
  EXPECT_EQ(paused["pause_reason"], "waiting for the interpreter");
}

TEST_F(TasksTest, StatusMovesNeedReasonsAndCurrentVersions) {
  Json t = NewTask({{"title", "Teach-back on daily weights"}, {"task_type", "education"}});
  EXPECT_EQ(MoveTo(t, "paused", {}, "cm.one", 400)["field"], "reason");
  EXPECT_EQ(MoveTo(t, "done", {}, "cm.one", 400)["field"], "reason");
  Json started = MoveTo(t, "in_progress");
  // The old version is stale now.
  EXPECT_EQ(MoveTo(t, "paused", {{"reason", "x"}}, "cm.one", 409)["field"], "version");
  Json paused = MoveTo(started, "paused", {{"reason", "patient in hospital"}});
  Json resumed = MoveTo(paused, "in_progress");
  EXPECT_TRUE(resumed["pause_reason"].is_null());
  Json done = MoveTo(resumed, "done", {{"reason", "taught back correctly"}, {"minutes", 15}});
  EXPECT_EQ(done["outcome"], "taught back correctly");
  EXPECT_EQ(done["minutes_spent"], 15);
  EXPECT_EQ(done["completed_by"], api_.id("cm.one"));
  EXPECT_EQ(MoveTo(done, "in_progress", {}, "cm.one", 409)["error"],
            "a task that is done cannot become in_progress");
  auto r = Call(Method::kGet, "/api/v1/tasks/" + std::to_string(t["id"].get<int64_t>()), "cm.one");
  Json history = Json::parse(r.body)["history"];
  std::vector<std::string> kinds;
  for (const Json& e : history) kinds.push_back(e["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"created", "started", "paused", "resumed", "done"}));
  EXPECT_TRUE(CaseTasks().empty());
  EXPECT_EQ(CaseTasks(true).size(), 1u);
}

TEST_F(TasksTest, RecurrenceStopsWhenItsConditionHolds) {
  // Weekly calls for the 30 days after discharge: due 27 Nov, 4, 11, 18, 25 Dec.
  Json t = NewTask({{"title", "Weekly check-in call"},
                    {"task_type", "call"},
                    {"due_at", "2026-11-27T15:00:00Z"},
                    {"recur_every_days", 7},
                    {"recur_until", "2026-12-25"}});
  std::vector<std::string> dues;
  for (int i = 0; i < 10; ++i) {
    Json open = CaseTasks();
    if (open.empty()) break;
    ASSERT_EQ(open.size(), 1u);
    dues.push_back(open[0]["due_at"]);
    EXPECT_EQ(open[0]["series_id"], t["id"]);
    MoveTo(open[0], "done", {{"reason", "reached, stable"}});
  }
  EXPECT_EQ(dues, (std::vector<std::string>{"2026-11-27T15:00:00.000Z", "2026-12-04T15:00:00.000Z",
                                            "2026-12-11T15:00:00.000Z", "2026-12-18T15:00:00.000Z",
                                            "2026-12-25T15:00:00.000Z"}));
  // A number of times, and never past the case's closure.
  Json three = NewTask({{"title", "PHQ-9"},
                        {"due_at", "2026-11-30T15:00:00Z"},
                        {"recur_every_days", 90},
                        {"recur_times", 3}});
  Json second = MoveTo(CaseTasks()[0], "done", {{"reason", "score 8"}});
  ASSERT_EQ(CaseTasks().size(), 1u);
  EXPECT_EQ(CaseTasks()[0]["occurrence"], 2);
  ASSERT_TRUE(
      api_.db()
          .Write([&](db::Connection& c) {
            return c.Exec("UPDATE cases SET status = 'closed' WHERE id = ?", {case_}).status();
          })
          .ok());
  MoveTo(CaseTasks()[0], "done", {{"reason", "score 6"}});
  EXPECT_TRUE(CaseTasks().empty());
}

TEST_F(TasksTest, OverdueTasksEscalateOnce) {
  Json urgent = NewTask({{"title", "Crisis follow-up"},
                         {"task_type", "crisis"},
                         {"due_at", "2026-11-25T16:00:00Z"},
                         {"priority", "urgent"}});
  Json normal = NewTask({{"title", "Send records"}, {"due_at", "2026-11-25T16:00:00Z"}});
  api_.clock().Set(*ParseTimestamp("2026-11-25T17:30:00Z"));  // 1.5 h overdue
  EXPECT_EQ(*tasks_->EscalateOverdue(), 0);
  api_.clock().Set(*ParseTimestamp("2026-11-25T18:30:00Z"));  // urgent margin (2 h) passed
  EXPECT_EQ(*tasks_->EscalateOverdue(), 1);
  EXPECT_EQ(*tasks_->EscalateOverdue(), 0);  // once
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'task_overdue'"), 1);
  api_.clock().Set(*ParseTimestamp("2026-11-26T16:30:00Z"));  // the 24 h margin passed
  EXPECT_EQ(*tasks_->EscalateOverdue(), 1);
  EXPECT_EQ(Count(std::string("SELECT COUNT(*) FROM notifications WHERE user_id = ") +
                  std::to_string(api_.id("sup"))),
            2);
  // A new due time may escalate again later.
  api_.SignInAgain("cm.one");  // a day later the session has idled out
  auto r =
      Call(Method::kGet, "/api/v1/tasks/" + std::to_string(normal["id"].get<int64_t>()), "cm.one");
  Json t = Json::parse(r.body);
  EXPECT_FALSE(t["escalated_at"].is_null());
  auto edited = Call(Method::kPatch, "/api/v1/tasks/" + std::to_string(t["id"].get<int64_t>()),
                     "cm.one", {{"version", t["version"]}, {"due_at", "2026-11-30T16:00:00Z"}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_TRUE(Json::parse(edited.body)["escalated_at"].is_null());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM domain_events WHERE kind = 'task.escalated'"), 2);
}

TEST_F(TasksTest, FailedOutreachProposesUnableToReachOnce) {
  Json t = NewTask({{"title", "Post-discharge call"}, {"task_type", "call"}});
  std::string attempts = "/api/v1/tasks/" + std::to_string(t["id"].get<int64_t>()) + "/attempts";
  auto attempt = [&](const char* outcome) {
    auto r = Call(Method::kPost, attempts, "cm.one", {{"outcome", outcome}, {"minutes", 3}});
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::parse(r.body);
  };
  attempt("no_answer");
  attempt("voicemail");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE source = 'system'"), 0);
  Json third = attempt("no_answer");
  EXPECT_EQ(third["attempts"], 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE source = 'system' AND task_type = "
                  "'documentation'"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM domain_events WHERE kind = "
                  "'case.unable_to_reach_proposed'"),
            1);
  attempt("wrong_number");  // the fourth proposes nothing new
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE source = 'system'"), 1);
  auto k = Call(Method::kGet, "/api/v1/cases/" + std::to_string(case_), "cm.one");
  EXPECT_EQ(Json::parse(k.body)["consecutive_unreached_attempts"], 4);
  // Reaching the patient (also through the contact log) clears the proposal.
  auto reached =
      Call(Method::kPost, "/api/v1/cases/" + std::to_string(case_) + "/contacts", "cm.one",
           {{"method", "phone"},
            {"direction", "inbound"},
            {"party", "patient"},
            {"outcome", "reached"},
            {"duration_minutes", 12}});
  ASSERT_EQ(reached.status, 201) << reached.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE unable_to_reach_proposed_at IS NOT NULL"), 0);
  EXPECT_EQ(Call(Method::kPost, attempts, "cm.one", {{"outcome", "busy"}}).status, 400);
}

TEST_F(TasksTest, TimeIsSummedPerMonthAgainstBillingThresholds) {
  // Discharged Wednesday 18 November; reached Friday 20th (within two business days).
  ASSERT_TRUE(api_.db()
                  .Write([&](db::Connection& c) {
                    return c
                        .Exec(
                            "INSERT INTO encounters (patient_id, encounter_class, facility, "
                            "admitted_at, discharged_at, status, created_at, updated_at) VALUES "
                            "(?, 'inpatient', 'Riverside', ?, ?, 'finished', 0, 0)",
                            {patient_, *ParseTimestamp("2026-11-14T10:00:00Z"),
                             *ParseTimestamp("2026-11-18T15:00:00Z")})
                        .status();
                  })
                  .ok());
  auto contact = [&](const char* at, const char* outcome, int minutes) {
    auto r = Call(Method::kPost, "/api/v1/cases/" + std::to_string(case_) + "/contacts", "cm.one",
                  {{"method", "phone"},
                   {"direction", "outbound"},
                   {"party", "patient"},
                   {"outcome", outcome},
                   {"contact_at", at},
                   {"duration_minutes", minutes}});
    EXPECT_EQ(r.status, 201) << r.body;
  };
  contact("2026-11-19T15:00:00Z", "no_answer", 2);
  contact("2026-11-20T15:00:00Z", "reached", 11);
  Json t = NewTask({{"title", "Med reconciliation"}, {"task_type", "medication_reconciliation"}});
  MoveTo(t, "done", {{"reason", "two duplicates removed"}, {"minutes", 9}});
  std::string path = "/api/v1/patients/" + std::to_string(patient_) + "/time?month=2026-11";
  auto r = Call(Method::kGet, path, "cm.one");
  ASSERT_EQ(r.status, 200) << r.body;
  Json s = Json::parse(r.body);
  EXPECT_EQ(s["contact_minutes"], 13);
  EXPECT_EQ(s["task_minutes"], 9);
  EXPECT_EQ(s["total_minutes"], 22);
  EXPECT_EQ(s["chronic_care_management"]["met"], true);
  ASSERT_EQ(s["transitional_care"].size(), 1u);
  EXPECT_EQ(s["transitional_care"][0]["contact_due"], "2026-11-20T15:00:00.000Z");
  EXPECT_EQ(s["transitional_care"][0]["met"], true);
  Json december = Json::parse(
      Call(Method::kGet, "/api/v1/patients/" + std::to_string(patient_) + "/time?month=2026-12",
           "cm.one")
          .body);
  EXPECT_EQ(december["total_minutes"], 0);
  EXPECT_EQ(december["chronic_care_management"]["met"], false);
  EXPECT_EQ(Call(Method::kGet,
                 "/api/v1/patients/" + std::to_string(patient_) + "/time?month=November", "cm.one")
                .status,
            400);
}

}  // namespace
}  // namespace ck::tasks
