// Patient education through its HTTP routes: the library and its validation,
// suggestions in the patient's language for their conditions, assignment with
// a teaching task, delivery as a contact, teach-back (reinforcement when not
// understood), closing, and who may do what.
#include <gtest/gtest.h>

#include "education/routes.h"
#include "http/json.h"
#include "testing/api_harness.h"

namespace ck::education {
namespace {

using http::Json;
using http::Method;

class EducationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterRoutes(api_.router(), education_);
    int64_t team = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team);
    api_.AddUser("cm.other", auth::Role::kCaseManager, api_.AddTeam("B"));
    api_.AddUser("sup.a", auth::Role::kSupervisor, team);
    ASSERT_TRUE(api_.db()
                    .Write([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(
                          auto p, c.Query("INSERT INTO patients (given_name, family_name, "
                                          "birth_date, administrative_sex, preferred_language, "
                                          "created_at, updated_at) VALUES ('Rosa', 'Vega', "
                                          "'1948-05-06', 'female', 'es-MX', 0, 0) RETURNING id"));
                      patient_ = p.at(0).Int(0);
                      CK_RETURN_IF_ERROR(c.Exec("INSERT INTO care_team_members (patient_id, "
                                                "user_id, member_role, added_at) VALUES (?, ?, "
                                                "'primary_case_manager', 0)",
                                                {patient_, api_.id("cm.one")})
                                             .status());
                      CK_RETURN_IF_ERROR(
                          c.Exec("INSERT INTO conditions (patient_id, code_system, "
                                 "code, description, status, created_at, updated_at) "
                                 "VALUES (?, 'icd10cm', 'I50.22', 'Chronic "
                                 "systolic heart failure', 'active', 0, 0)",
                                 {patient_})
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
    weights_en_ = AddMaterial({{"code", "hf-daily-weights"},
                               {"language", "en"},
                               {"title", "Weigh yourself every morning"},
                               {"topic", "Heart failure: daily weights"},
                               {"reading_level", 5},
                               {"format", "handout"},
                               {"teach_back_points", {"When to weigh", "When to call"}},
                               {"conditions", {"I50"}}});
    weights_es_ = AddMaterial({{"code", "hf-daily-weights"},
                               {"language", "es"},
                               {"title", "Pésese cada mañana"},
                               {"topic", "Insuficiencia cardiaca: peso diario"},
                               {"reading_level", 5},
                               {"format", "handout"},
                               {"conditions", {"I50"}}});
    salt_en_ = AddMaterial({{"code", "hf-low-salt"},
                            {"language", "en"},
                            {"title", "Eating less salt"},
                            {"topic", "Heart failure: diet"},
                            {"reading_level", 9},
                            {"format", "video"},
                            {"url", "https://education.example.org/hf-salt"},
                            {"conditions", {"I50", "I11.0"}}});
    AddMaterial({{"code", "dm-foot-care"},
                 {"language", "es"},
                 {"title", "Cuidado de los pies"},
                 {"topic", "Diabetes: foot care"},
                 {"reading_level", 4},
                 {"format", "handout"},
                 {"conditions", {"E11"}}});
  }

  int64_t AddMaterial(const Json& body) {
    auto r = api_.Call(Method::kPost, "/api/v1/education/materials", "sup.a", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::parse(r.body).value("id", int64_t{0});
  }

  std::string PatientPath(const std::string& rest = "") {
    return "/api/v1/patients/" + std::to_string(patient_) + "/education" + rest;
  }

  Json Post(const std::string& path, const Json& body, int want,
            const std::string& user = "cm.one") {
    auto r = api_.Call(Method::kPost, path, user, body);
    EXPECT_EQ(r.status, want) << path << " " << r.body;
    return Json::parse(r.body);
  }

  Json Act(const Json& a, const std::string& what, Json body, int want = 200) {
    body["version"] = a["version"];
    return Post(
        "/api/v1/education/assignments/" + std::to_string(a["id"].get<int64_t>()) + "/" + what,
        body, want);
  }

  std::vector<std::string> Tasks(const std::string& status) {
    std::vector<std::string> out;
    EXPECT_TRUE(api_.db()
                    .Read([&](db::Connection& c) {
                      return c.ForEachRow(
                          "SELECT title, due_at FROM tasks WHERE status = ? "
                          "ORDER BY id",
                          {status}, [&](const db::Row& r) {
                            out.push_back(r.Text(0) + " @ " + FormatTimestamp(r.Int(1)));
                            return Status::Ok();
                          });
                    })
                    .ok());
    return out;
  }

  testing::ApiHarness api_{*ParseTimestamp("2026-11-23T15:00:00Z")};  // Monday
  BusinessCalendar calendar_{{.holidays = UsFederalHolidays(2026)}};
  Service education_{api_.db(), api_.clock(), calendar_, {}};
  int64_t patient_ = 0, case_ = 0, weights_en_ = 0, weights_es_ = 0, salt_en_ = 0;
};

TEST_F(EducationTest, LibraryValidatesAndSearches) {
  struct Bad {
    Json patch;
    const char* field;
  };
  Json base = {{"code", "x-1"},    {"language", "en"},   {"title", "T"},
               {"topic", "Topic"}, {"reading_level", 6}, {"format", "handout"}};
  for (const Bad& b : std::vector<Bad>{
           {{{"language", "Spanish"}}, "language"},
           {{{"reading_level", 0}}, "reading_level"},
           {{{"format", "poster"}}, "format"},
           {{{"url", "http://plain.example.org"}}, "url"},
           {{{"conditions", {"heart failure"}}}, "conditions"},
           {{{"barriers", {"weather"}}}, "barriers"},
           {{{"code", "Has Spaces"}}, "code"},
           {{{"surprise", 1}}, "surprise"},
       }) {
    Json body = base;
    body.update(b.patch);
    auto r = api_.Call(Method::kPost, "/api/v1/education/materials", "sup.a", body);
    EXPECT_EQ(r.status, 400) << body.dump();
    EXPECT_EQ(Json::parse(r.body)["field"], b.field) << body.dump();
  }
  // The same material in the same language twice: 409 naming the code.
  Json dup = base;
  dup["code"] = "hf-daily-weights";
  auto again = api_.Call(Method::kPost, "/api/v1/education/materials", "sup.a", dup);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Json::parse(again.body)["field"], "code");
  // Case managers read the library but do not change it.
  EXPECT_EQ(api_.Call(Method::kPost, "/api/v1/education/materials", "cm.one", base).status, 403);

  auto find = [&](const std::string& query) {
    auto r = api_.Call(Method::kGet, "/api/v1/education/materials?" + query, "cm.one");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> titles;
    Json body = Json::parse(r.body);
    for (const auto& m : body["items"]) titles.push_back(m["title"]);
    return titles;
  };
  EXPECT_EQ(find("condition=I50.22&language=en"),
            (std::vector<std::string>{"Weigh yourself every morning", "Eating less salt"}));
  EXPECT_EQ(find("condition=I11.0"), (std::vector<std::string>{"Eating less salt"}));
  EXPECT_EQ(find("q=SALT"), (std::vector<std::string>{"Eating less salt"}));
  EXPECT_EQ(find("q=100%25"), (std::vector<std::string>{}));           // % is literal
  EXPECT_EQ(find("condition=I50.22&max_reading_level=6").size(), 2u);  // en and es weights
  EXPECT_EQ(
      api_.Call(Method::kGet, "/api/v1/education/materials?max_reading_level=99", "cm.one").status,
      400);

  // Withdrawn materials leave the search but stay readable.
  auto current = Json::parse(
      api_.Call(Method::kGet, "/api/v1/education/materials/" + std::to_string(salt_en_), "cm.one")
          .body);
  auto patched =
      api_.Call(Method::kPatch, "/api/v1/education/materials/" + std::to_string(salt_en_), "sup.a",
                {{"active", false}, {"version", current["version"]}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json::parse(patched.body)["conditions"], Json({"I11.0", "I50"}));
  EXPECT_EQ(find("q=salt"), (std::vector<std::string>{}));
  auto stale = api_.Call(Method::kPatch, "/api/v1/education/materials/" + std::to_string(salt_en_),
                         "sup.a", {{"active", true}, {"version", current["version"]}});
  EXPECT_EQ(stale.status, 409);
}

TEST_F(EducationTest, SuggestionsOfferThePatientsLanguageFirst) {
  auto r = api_.Call(Method::kGet, PatientPath("/suggestions"), "cm.one");
  ASSERT_EQ(r.status, 200) << r.body;
  Json items = Json::parse(r.body)["items"];
  // Daily weights in Spanish (her language) before the salt video only in
  // English; no English duplicate of daily weights; nothing on diabetes.
  ASSERT_EQ(items.size(), 2u) << items.dump(2);
  EXPECT_EQ(items[0]["material"]["id"], weights_es_);
  EXPECT_EQ(items[0]["preferred_language"], true);
  EXPECT_EQ(items[0]["reasons"][0], "condition I50.22 (Chronic systolic heart failure)");
  EXPECT_EQ(items[1]["material"]["id"], salt_en_);
  EXPECT_EQ(items[1]["preferred_language"], false);

  // A reading-level ceiling drops the grade-9 video.
  r = api_.Call(Method::kGet, PatientPath("/suggestions?max_reading_level=6"), "cm.one");
  EXPECT_EQ(Json::parse(r.body)["items"].size(), 1u);

  // Assigned materials are no longer suggested; another team sees nothing.
  Post(PatientPath(), {{"code", "hf-daily-weights"}}, 201);
  r = api_.Call(Method::kGet, PatientPath("/suggestions"), "cm.one");
  EXPECT_EQ(Json::parse(r.body)["items"].size(), 1u);
  EXPECT_EQ(api_.Call(Method::kGet, PatientPath("/suggestions"), "cm.other").status, 403);
}

TEST_F(EducationTest, AssignDeliverTeachBackUntilUnderstood) {
  // By code: the Spanish version, with a teaching task due in 5 business days
  // (Thanksgiving, Thursday 26 November, is not counted).
  Json a = Post(PatientPath(), {{"code", "hf-daily-weights"}, {"case_id", case_}}, 201);
  EXPECT_EQ(a["material"]["id"], weights_es_);
  EXPECT_EQ(a["status"], "assigned");
  ASSERT_TRUE(a["task_id"].is_number());
  EXPECT_EQ(Tasks("open"),
            (std::vector<std::string>{
                "Teach with teach-back: Pésese cada mañana @ 2026-12-01T15:00:00.000Z"}));
  // Twice: 409 naming the first.
  Post(PatientPath(), {{"material_id", weights_en_}, {"case_id", case_}}, 409);

  // Teach-back before delivery is refused; a caregiver delivery needs a name.
  Act(a, "teach-back", {{"result", "understood"}}, 409);
  Act(a, "delivery", {{"method", "phone"}, {"delivered_to", "caregiver"}}, 400);
  a = Act(a, "delivery",
          {{"method", "phone"},
           {"delivered_to", "patient_and_caregiver"},
           {"recipient_name", "Luis Vega (son)"},
           {"interpreter_used", false},
           {"minutes", 15}});
  EXPECT_EQ(a["status"], "delivered");
  // The delivery is a reached contact of the case with its minutes.
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(auto k, c.Query("SELECT method, outcome, "
                                                        "duration_minutes, party_name FROM "
                                                        "case_contacts WHERE case_id = ?",
                                                        {case_}));
                    EXPECT_EQ(k.size(), 1u);
                    EXPECT_EQ(k.at(0).Text(0), "phone");
                    EXPECT_EQ(k.at(0).Text(1), "reached");
                    EXPECT_EQ(k.at(0).Int(2), 15);
                    EXPECT_EQ(k.at(0).Text(3), "Luis Vega (son)");
                    return Status::Ok();
                  })
                  .ok());

  // Not understood: a note is required; the teaching task is done and a
  // reinforcement task is due in 2 business days.
  Act(a, "teach-back", {{"result", "partial"}}, 400);
  a = Act(
      a, "teach-back",
      {{"result", "partial"}, {"note", "Could not say when to call the nurse"}, {"minutes", 5}});
  EXPECT_EQ(a["status"], "needs_reinforcement");
  EXPECT_EQ(a["teach_back_attempts"], 1);
  EXPECT_EQ(Tasks("done"),
            (std::vector<std::string>{
                "Teach with teach-back: Pésese cada mañana @ 2026-12-01T15:00:00.000Z"}));
  EXPECT_EQ(Tasks("open"),
            (std::vector<std::string>{"Reinforce and repeat teach-back: Pésese cada mañana @ "
                                      "2026-11-25T15:00:00.000Z"}));

  // Taught again and understood: the reinforcement task is done too.
  a = Act(a, "delivery", {{"method", "in_person"}, {"minutes", 10}, {"interpreter_used", true}});
  a = Act(a, "teach-back", {{"result", "understood"}});
  EXPECT_EQ(a["status"], "understood");
  EXPECT_EQ(a["teach_back_attempts"], 2);
  EXPECT_TRUE(Tasks("open").empty());
  EXPECT_EQ(Tasks("done").size(), 2u);
  std::vector<std::string> kinds;
  for (const auto& e : a["history"]) kinds.push_back(e["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"assigned", "delivered", "teach_back", "delivered",
                                             "teach_back"}));
  EXPECT_EQ(a["history"][2]["detail"]["result"], "partial");
  // Final: no more teach-back, and a stale version is a conflict.
  Act(a, "teach-back", {{"result", "understood"}}, 409);
  Json stale = a;
  stale["version"] = 1;
  Act(stale, "status", {{"status", "cancelled"}, {"reason", "x"}}, 409);
}

TEST_F(EducationTest, DeclinedEducationCancelsItsTask) {
  Json a = Post(PatientPath(), {{"material_id", salt_en_}, {"case_id", case_}}, 201);
  Act(a, "status", {{"status", "done"}, {"reason", "x"}}, 400);
  a = Act(a, "status", {{"status", "declined"}, {"reason", "Prefers to talk to her cardiologist"}});
  EXPECT_EQ(a["status"], "declined");
  EXPECT_EQ(a["reason"], "Prefers to talk to her cardiologist");
  EXPECT_TRUE(Tasks("open").empty());
  EXPECT_EQ(Tasks("cancelled").size(), 1u);
  // Declined stays on the record, so it is not offered again.
  auto r = api_.Call(Method::kGet, PatientPath("/suggestions"), "cm.one");
  Json offered = Json::parse(r.body);
  for (const auto& s : offered["items"]) EXPECT_NE(s["material"]["id"], salt_en_);
  // Without a case: no task, and the patient's list shows both.
  Post(PatientPath(), {{"code", "hf-daily-weights"}, {"create_task", false}}, 201);
  auto list = api_.Call(Method::kGet, PatientPath(), "cm.one");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Json::parse(list.body)["items"].size(), 2u);
  // Another team's case manager may not act on the assignment.
  auto other = api_.Call(
      Method::kPost,
      "/api/v1/education/assignments/" + std::to_string(a["id"].get<int64_t>()) + "/delivery",
      "cm.other", {{"version", a["version"]}, {"method", "phone"}});
  EXPECT_EQ(other.status, 403);
  // A case of another patient is refused.
  Post(PatientPath(), {{"code", "dm-foot-care"}, {"case_id", case_ + 100}}, 400);
}

}  // namespace
}  // namespace ck::education
