// Appointments through their HTTP routes: conflicts, reminders and transport
// as tasks, status moves, rescheduling, and the no-show follow-up.
#include <gtest/gtest.h>

#include "http/json.h"
#include "scheduling/routes.h"
#include "testing/api_harness.h"

namespace ck::scheduling {
namespace {

using http::Json;
using http::Method;

class SchedulingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterRoutes(api_.router(), appointments_);
    api_.AddUser("cm.one", auth::Role::kCaseManager, api_.AddTeam("A"));
    api_.AddUser("cm.other", auth::Role::kCaseManager, api_.AddTeam("B"));
    ASSERT_TRUE(api_.db()
                    .Write([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(
                          auto p, c.Query("INSERT INTO patients (given_name, family_name, "
                                          "birth_date, administrative_sex, created_at, "
                                          "updated_at) VALUES ('Ana', 'Lima', '1950-02-03', "
                                          "'female', 0, 0) RETURNING id"));
                      patient_ = p.at(0).Int(0);
                      CK_RETURN_IF_ERROR(c.Exec("INSERT INTO care_team_members (patient_id, "
                                                "user_id, member_role, added_at) VALUES (?, ?, "
                                                "'primary_case_manager', 0)",
                                                {patient_, api_.id("cm.one")})
                                             .status());
                      CK_ASSIGN_OR_RETURN(
                          auto k, c.Query("INSERT INTO cases (patient_id, program_id, status, "
                                          "referral_source, referral_reason, urgency, "
                                          "referred_at, triage_due_at, assigned_user_id, "
                                          "created_at, updated_at) VALUES (?, 1, 'active', "
                                          "'hospital', 'x', 'routine', 0, 0, ?, 0, 0) RETURNING id",
                                          {patient_, api_.id("cm.one")}));
                      case_ = k.at(0).Int(0);
                      return Status::Ok();
                    })
                    .ok());
  }

  Json Book(Json body, int want = 201) {
    auto r = api_.Call(Method::kPost, "/api/v1/cases/" + std::to_string(case_) + "/appointments",
                       "cm.one", body);
    EXPECT_EQ(r.status, want) << r.body;
    return Json::parse(r.body);
  }

  Json Patch(const Json& a, Json body, int want = 200) {
    body["version"] = a["version"];
    auto r =
        api_.Call(Method::kPatch, "/api/v1/appointments/" + std::to_string(a["id"].get<int64_t>()),
                  "cm.one", body);
    EXPECT_EQ(r.status, want) << r.body;
    return Json::parse(r.body);
  }

  std::vector<std::pair<std::string, std::string>> OpenTasks() {
    std::vector<std::pair<std::string, std::string>> out;
    EXPECT_TRUE(api_.db()
                    .Read([&](db::Connection& c) {
                      return c.ForEachRow(
                          "SELECT title, due_at FROM tasks WHERE status = 'open' ORDER BY id", {},
                          [&](const db::Row& r) {
                            out.emplace_back(r.Text(0), FormatTimestamp(r.Int(1)));
                            return Status::Ok();
                          });
                    })
                    .ok());
    return out;
  }

  testing::ApiHarness api_{*ParseTimestamp("2026-11-23T15:00:00Z")};  // Monday
  BusinessCalendar calendar_{{.holidays = UsFederalHolidays(2026)}};
  Service appointments_{api_.db(), api_.clock(), calendar_};
  int64_t patient_ = 0, case_ = 0;
};

TEST_F(SchedulingTest, BookingMakesRemindersAndRefusesOverlaps) {
  // Monday 30 November, after the Thanksgiving holiday.
  Json cardio = Book({{"reason", "Cardiology follow-up"},
                      {"provider", "Dr. Synthetic"},
                      {"location", "Riverside Heart Clinic"},
                      {"starts_at", "2026-11-30T14:00:00Z"},
                      {"ends_at", "2026-11-30T14:40:00Z"},
                      {"transport_needed", true}});
  EXPECT_EQ(cardio["status"], "booked");
  auto tasks = OpenTasks();
  ASSERT_EQ(tasks.size(), 2u);
  // A business day before: Friday 27th; transport two business days before: Wednesday 25th.
  EXPECT_EQ(tasks[0], (std::pair<std::string, std::string>{
                          "Remind the patient: Cardiology follow-up on 2026-11-30T14:00:00.000Z",
                          "2026-11-27T14:00:00.000Z"}));
  EXPECT_EQ(tasks[1].second, "2026-11-25T14:00:00.000Z");
  // The same patient cannot be in two places at once.
  Json clash = Book({{"reason", "Lab draw"},
                     {"kind", "diagnostic_test"},
                     {"location", "Riverside Lab"},
                     {"starts_at", "2026-11-30T14:30:00Z"},
                     {"ends_at", "2026-11-30T15:00:00Z"}},
                    409);
  EXPECT_EQ(clash["field"], "starts_at");
  EXPECT_NE(clash["error"].get<std::string>().find("Cardiology follow-up"), std::string::npos);
  EXPECT_EQ(Book({{"reason", "x"},
                  {"starts_at", "2026-12-01T10:00:00Z"},
                  {"ends_at", "2026-12-01T11:00:00Z"}},
                 400)["field"],
            "location");
  EXPECT_EQ(Book({{"reason", "x"},
                  {"telehealth_url", "http://insecure"},
                  {"starts_at", "2026-12-01T10:00:00Z"},
                  {"ends_at", "2026-12-01T11:00:00Z"}},
                 400)["field"],
            "telehealth_url");
  EXPECT_EQ(Book({{"reason", "x"},
                  {"location", "y"},
                  {"starts_at", "2026-12-01T10:00:00Z"},
                  {"ends_at", "2026-12-01T09:00:00Z"}},
                 400)["field"],
            "ends_at");
  // Transport arranged: its task goes; the reminder stays.
  Json arranged = Patch(cardio, {{"transport_arranged", true}});
  EXPECT_EQ(arranged["transport_arranged"], true);
  EXPECT_EQ(OpenTasks().size(), 1u);
  // Moved to Wednesday: a new reminder for the new day.
  Json moved = Patch(arranged, {{"starts_at", "2026-12-02T10:00:00Z"}});
  EXPECT_EQ(moved["ends_at"], "2026-12-02T10:40:00.000Z");
  tasks = OpenTasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].second, "2026-12-01T10:00:00.000Z");
  EXPECT_EQ(api_.Call(Method::kGet,
                      "/api/v1/patients/" + std::to_string(patient_) + "/appointments", "cm.other")
                .status,
            403);
}

TEST_F(SchedulingTest, ANoShowMakesTheFollowUp) {
  Json visit = Book({{"reason", "PCP visit"},
                     {"location", "Riverside Family Medicine"},
                     {"starts_at", "2026-11-24T09:00:00Z"},
                     {"ends_at", "2026-11-24T09:30:00Z"}});
  Json confirmed = Patch(visit, {{"status", "confirmed"}});
  api_.clock().Set(*ParseTimestamp("2026-11-24T11:00:00Z"));
  api_.SignInAgain("cm.one");
  Json missed = Patch(confirmed, {{"status", "no_show"}});
  EXPECT_EQ(missed["status"], "no_show");
  bool follow_up = false;
  for (const auto& [title, due] : OpenTasks())
    if (title == "Follow up on the missed PCP visit") {
      follow_up = true;
      EXPECT_EQ(due, "2026-11-25T11:00:00.000Z");
    }
  EXPECT_TRUE(follow_up);
  EXPECT_EQ(Patch(missed, {{"status", "arrived"}}, 409)["error"], "the appointment is no_show");
  // Cancelling needs a reason and takes the reminders with it.
  Json other = Book({{"reason", "Echocardiogram"},
                     {"kind", "diagnostic_test"},
                     {"location", "Riverside Imaging"},
                     {"starts_at", "2026-12-03T09:00:00Z"},
                     {"ends_at", "2026-12-03T10:00:00Z"}});
  EXPECT_EQ(Patch(other, {{"status", "cancelled"}}, 400)["field"], "reason");
  size_t before = OpenTasks().size();
  Patch(other, {{"status", "cancelled"}, {"reason", "patient in hospital"}});
  EXPECT_EQ(OpenTasks().size(), before - 1);
}

}  // namespace
}  // namespace ck::scheduling
