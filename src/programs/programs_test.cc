// Programs turn events into tasks: a heart failure discharge into the
// transitions bundle with business-day due times, a rule into an enrolment, a
// PHQ-9 of 10 or more into a counselling referral; each once.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "programs/engine.h"
#include "testing/temp_db.h"

namespace ck::programs {
namespace {

using Json = nlohmann::json;

const Timestamp kNow = *ParseTimestamp("2026-11-25T15:00:00Z");

TEST(ProgramCatalogTest, BuiltinsParseAndBadDefinitionsNameThePart) {
  const ProgramCatalog& c = ProgramCatalog::Builtin();
  for (const char* code : {"heart_failure_transitions", "diabetes_behavioral_health",
                           "complex_care", "copd_transitions"})
    EXPECT_NE(c.Find(code), nullptr) << code;
  Json good = {
      {"code", "x"},
      {"name", "X"},
      {"triggers",
       {{{"event", "enrolled"}, {"tasks", {{{"key", "a"}, {"title", "A"}, {"due_days", 3}}}}}}}};
  EXPECT_TRUE(ParseProgram(good).ok());
  Json bad = good;
  bad["triggers"][0]["tasks"][0]["recur_every_days"] = 7;
  EXPECT_EQ(ParseProgram(bad).status().field(), "triggers[0].tasks[0].recur_every_days");
  bad = good;
  bad["triggers"][0]["tasks"][0]["when"] = {{"colour", "red"}};
  EXPECT_EQ(ParseProgram(bad).status().field(), "triggers[0].tasks[0].when.colour");
  bad = good;
  bad["triggers"][0]["event"] = "encounter.exploded";
  EXPECT_EQ(ParseProgram(bad).status().field(), "triggers[0].event");
  bad = good;
  bad["triggers"][0]["tasks"].push_back(good["triggers"][0]["tasks"][0]);
  EXPECT_EQ(ParseProgram(bad).status().field(), "triggers[0].tasks[1].key");
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_->Write([&](db::Connection& c) -> Status {
                     CK_ASSIGN_OR_RETURN(auto u, c.Query("INSERT INTO users (username, "
                                                         "display_name, role, created_at, "
                                                         "updated_at) VALUES ('cm.one', 'CM', "
                                                         "'case_manager', 0, 0) RETURNING id"));
                     cm_ = u.at(0).Int(0);
                     CK_ASSIGN_OR_RETURN(auto p, c.Query("INSERT INTO patients (given_name, "
                                                         "family_name, birth_date, "
                                                         "administrative_sex, created_at, "
                                                         "updated_at) VALUES ('Ana', 'Lima', "
                                                         "'1950-02-03', 'female', 0, 0) "
                                                         "RETURNING id"));
                     patient_ = p.at(0).Int(0);
                     return Status::Ok();
                   })
                    .ok());
  }

  int64_t Case(const char* program, std::optional<int64_t> assigned) {
    int64_t id = 0;
    EXPECT_TRUE(db_->Write([&](db::Connection& c) -> Status {
                     CK_ASSIGN_OR_RETURN(
                         auto rows,
                         c.Query("INSERT INTO cases (patient_id, program_id, status, "
                                 "referral_source, referral_reason, urgency, referred_at, "
                                 "triage_due_at, assigned_user_id, created_at, updated_at) "
                                 "SELECT ?, id, 'active', 'hospital', 'test', 'routine', 0, 0, ?, "
                                 "0, 0 FROM programs WHERE code = ? RETURNING id",
                                 {patient_, assigned, program}));
                     id = rows.at(0).Int(0);
                     return Status::Ok();
                   })
                    .ok());
    return id;
  }

  // An inpatient stay discharged at `at`, and its domain event.
  void Discharge(const char* at, const char* diagnoses, const char* disposition) {
    ASSERT_TRUE(db_->Write([&](db::Connection& c) -> Status {
                     Timestamp t = *ParseTimestamp(at);
                     CK_ASSIGN_OR_RETURN(
                         auto e,
                         c.Query("INSERT INTO encounters (patient_id, encounter_class, "
                                 "facility, admitted_at, discharged_at, "
                                 "discharge_disposition, diagnoses, status, created_at, "
                                 "updated_at) VALUES (?, 'inpatient', 'Riverside', ?, ?, "
                                 "?, ?, 'finished', 0, 0) RETURNING id",
                                 {patient_, t - 4 * kMillisPerDay, t, disposition, diagnoses}));
                     return c
                         .Exec(
                             "INSERT INTO domain_events (kind, patient_id, entity_type, "
                             "entity_id, payload, source, occurred_at, recorded_at) VALUES "
                             "('encounter.discharged', ?, 'encounter', ?, '{}', 'hl7v2', ?, ?)",
                             {patient_, e.at(0).Int(0), t, t})
                         .status();
                   })
                    .ok());
  }

  std::map<std::string, Json> Tasks() {
    std::map<std::string, Json> out;
    EXPECT_TRUE(db_->Read([&](db::Connection& c) -> Status {
                     return c.ForEachRow(
                         "SELECT title, due_at, owner_user_id, queue_role, recur_until, "
                         "case_id, source, priority FROM tasks ORDER BY id",
                         {}, [&](const db::Row& r) {
                           out[r.Text(0)] = {
                               {"due", r.IsNull(1) ? "" : FormatTimestamp(r.Int(1))},
                               {"owner", r.IsNull(2) ? Json(nullptr) : Json(r.Int(2))},
                               {"queue", r.IsNull(3) ? "" : r.Text(3)},
                               {"until", r.IsNull(4) ? "" : r.Text(4)},
                               {"case", r.Int(5)},
                               {"source", r.Text(6)},
                               {"priority", r.Text(7)}};
                           return Status::Ok();
                         });
                   })
                    .ok());
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<db::Database> db_ = testing::OpenTestDatabase(dir_);
  FakeClock clock_{kNow};
  BusinessCalendar calendar_{{.holidays = UsFederalHolidays(2026)}};
  Engine engine_{*db_, clock_, calendar_, ProgramCatalog::Builtin()};
  int64_t cm_ = 0, patient_ = 0;
};

TEST_F(EngineTest, AHeartFailureDischargeMakesTheTransitionsBundle) {
  int64_t k = Case("heart_failure_transitions", cm_);
  // Discharged Wednesday 25 November 2026, the day before Thanksgiving, to home health.
  Discharge("2026-11-25T14:00:00Z", "I50.9", "home_health");
  ASSERT_EQ(*engine_.ProcessPending(), 6);
  auto t = Tasks();
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t["Post-discharge call"]["due"], "2026-11-30T14:00:00.000Z");  // Fri, Mon
  EXPECT_EQ(t["Post-discharge call"]["owner"], cm_);
  EXPECT_EQ(t["Post-discharge call"]["priority"], "high");
  EXPECT_EQ(t["Post-discharge call"]["source"], "program:heart_failure_transitions");
  EXPECT_EQ(t["Medication reconciliation"]["due"], "2026-12-02T14:00:00.000Z");
  EXPECT_EQ(t["PCP or cardiology visit within 7 days"]["due"], "2026-12-02T14:00:00.000Z");
  EXPECT_EQ(t["Daily-weight education with teach-back"]["due"], "2026-12-01T14:00:00.000Z");
  EXPECT_EQ(t["Home health referral"]["due"], "2026-11-27T14:00:00.000Z");
  EXPECT_EQ(t["Weekly call (30 days after discharge)"]["until"], "2026-12-25");
  EXPECT_EQ(t["Weekly call (30 days after discharge)"]["case"], k);

  // Read again from the start: nothing twice.
  ASSERT_TRUE(db_->Write([](db::Connection& c) {
                   return c.Exec("UPDATE event_cursors SET last_event_id = 0").status();
                 })
                  .ok());
  EXPECT_EQ(*engine_.ProcessPending(), 0);
  EXPECT_EQ(Tasks().size(), 6u);

  // Discharged home: no home health referral this time.
  Discharge("2026-12-10T10:00:00Z", "I50.9", "home");
  EXPECT_EQ(*engine_.ProcessPending(), 5);
}

TEST_F(EngineTest, ARuleEnrolsAPatientWithoutACase) {
  Discharge("2026-11-25T14:00:00Z", "I50.23,N18.3", "home");
  ASSERT_EQ(*engine_.ProcessPending(), 6);  // the initial assessment and five discharge steps
  auto t = Tasks();
  EXPECT_EQ(t["Initial assessment"]["queue"], "case_manager");  // awaiting triage and assignment
  EXPECT_TRUE(t["Post-discharge call"]["owner"].is_null());
  int64_t cases = 0;
  std::string urgency;
  ASSERT_TRUE(db_->Read([&](db::Connection& c) -> Status {
                   CK_ASSIGN_OR_RETURN(auto rows,
                                       c.Query("SELECT COUNT(*), MAX(urgency) FROM cases"));
                   cases = rows.at(0).Int(0);
                   urgency = rows.at(0).Text(1);
                   return Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(cases, 1);
  EXPECT_EQ(urgency, "urgent");
  // Another discharge: the open case takes it, no second enrolment.
  Discharge("2026-12-10T10:00:00Z", "I50.23", "home");
  EXPECT_EQ(*engine_.ProcessPending(), 5);
  // Other diagnoses enrol nobody (the open HF case still acts on the discharge).
  Discharge("2026-12-20T10:00:00Z", "K35.80", "home");
  EXPECT_EQ(*engine_.ProcessPending(), 5);
  ASSERT_TRUE(db_->Read([&](db::Connection& c) -> Status {
                   CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COUNT(*) FROM cases"));
                   cases = rows.at(0).Int(0);
                   return Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(cases, 1);
}

TEST_F(EngineTest, APhq9OfTenOrMoreMakesACounsellingReferral) {
  int64_t k = Case("diabetes_behavioral_health", cm_);
  auto phq9 = [&](double score) {
    ASSERT_TRUE(db_->Write([&](db::Connection& c) -> Status {
                     CK_RETURN_IF_ERROR(
                         c.Exec("INSERT INTO instrument_definitions (instrument_id, version, "
                                "title, definition, first_loaded_at) SELECT 'phq9', '1', 'PHQ-9', "
                                "'{}', 0 WHERE NOT EXISTS (SELECT 1 FROM instrument_definitions "
                                "WHERE instrument_id = 'phq9')")
                             .status());
                     CK_ASSIGN_OR_RETURN(
                         auto a, c.Query("INSERT INTO assessments (patient_id, case_id, "
                                         "instrument_id, instrument_version, status, answers, "
                                         "score, started_by, started_at, completed_at, updated_at) "
                                         "VALUES (?, ?, 'phq9', '1', 'completed', '{}', ?, ?, ?, "
                                         "?, ?) RETURNING id",
                                         {patient_, k, score, cm_, kNow, kNow, kNow}));
                     return c
                         .Exec(
                             "INSERT INTO domain_events (kind, patient_id, entity_type, "
                             "entity_id, payload, source, occurred_at, recorded_at) VALUES "
                             "('assessment.completed', ?, 'assessment', ?, '{}', "
                             "'casekeeper', ?, ?)",
                             {patient_, a.at(0).Int(0), kNow, kNow})
                         .status();
                   })
                    .ok());
  };
  phq9(7);
  EXPECT_EQ(*engine_.ProcessPending(), 0);
  phq9(12);
  EXPECT_EQ(*engine_.ProcessPending(), 1);
  EXPECT_EQ(Tasks()["Counselling referral (PHQ-9 of 10 or more)"]["due"],
            "2026-11-30T15:00:00.000Z");
}

class EngineActionsTest : public EngineTest {
 protected:
  void Event(const char* kind, const char* entity_type, std::optional<int64_t> entity,
             const std::string& payload = "{}") {
    ASSERT_TRUE(db_->Write([&](db::Connection& c) {
                     return c
                         .Exec(
                             "INSERT INTO domain_events (kind, patient_id, entity_type, "
                             "entity_id, payload, source, occurred_at, recorded_at) VALUES "
                             "(?, ?, ?, ?, ?, 'casekeeper', ?, ?)",
                             {kind, patient_, entity_type, entity, payload, kNow, kNow})
                         .status();
                   })
                    .ok());
  }
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](db::Connection& c) -> Status {
                     CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql, {patient_}));
                     n = rows.at(0).Int(0);
                     return Status::Ok();
                   })
                    .ok());
    return n;
  }
};

TEST_F(EngineActionsTest, EducationStepsAssignTheMaterialInThePatientsLanguage) {
  ASSERT_TRUE(
      db_->Write([&](db::Connection& c) -> Status {
           CK_RETURN_IF_ERROR(
               c.Exec("UPDATE patients SET preferred_language = 'es' WHERE id = ?", {patient_})
                   .status());
           for (const char* lang : {"en", "es"})
             CK_RETURN_IF_ERROR(c.Exec("INSERT INTO education_materials (code, language, "
                                       "title, topic, reading_level, format, created_at, "
                                       "updated_at) VALUES ('hf-daily-weights', ?, ?, "
                                       "'HF', 5, 'handout', 0, 0)",
                                       {lang, std::string("Weights ") + lang})
                                    .status());
           return Status::Ok();
         })
          .ok());
  int64_t k = Case("heart_failure_transitions", cm_);
  Discharge("2026-11-25T14:00:00Z", "I50.9", "home");
  ASSERT_EQ(*engine_.ProcessPending(), 5);
  int64_t assigned = -1;
  std::string title;
  ASSERT_TRUE(db_->Read([&](db::Connection& c) -> Status {
                   CK_ASSIGN_OR_RETURN(
                       auto rows,
                       c.Query("SELECT a.case_id, m.title, t.title FROM education_assignments a "
                               "JOIN education_materials m ON m.id = a.material_id JOIN tasks t "
                               "ON t.id = a.task_id WHERE a.patient_id = ?",
                               {patient_}));
                   EXPECT_EQ(rows.size(), 1u);
                   assigned = rows.at(0).Int(0);
                   title = rows.at(0).Text(1);
                   EXPECT_EQ(rows.at(0).Text(2), "Daily-weight education with teach-back");
                   return Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(assigned, k);
  EXPECT_EQ(title, "Weights es");
  // A second discharge while it is still open: not assigned twice.
  Discharge("2026-12-10T10:00:00Z", "I50.9", "home");
  ASSERT_EQ(*engine_.ProcessPending(), 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM education_assignments WHERE patient_id = ?"), 1);
}

TEST_F(EngineActionsTest, DiabetesEnrolmentProposesAnHba1cGoalFromTheLatestResult) {
  ASSERT_TRUE(db_->Write([&](db::Connection& c) -> Status {
                   for (auto [at, value] : std::vector<std::pair<const char*, double>>{
                            {"2026-06-01T10:00:00Z", 9.8}, {"2026-10-01T10:00:00Z", 9.1}})
                     CK_RETURN_IF_ERROR(
                         c.Exec("INSERT INTO observations (patient_id, category, code_system, "
                                "code, status, effective_at, value_number, value_unit, "
                                "created_at, updated_at) VALUES (?, 'laboratory', "
                                "'http://loinc.org', '4548-4', 'final', ?, ?, '%', 0, 0)",
                                {patient_, *ParseTimestamp(at), value})
                             .status());
                   return Status::Ok();
                 })
                  .ok());
  int64_t k = Case("diabetes_behavioral_health", cm_);
  Event("case.referred", "case", k);
  ASSERT_EQ(*engine_.ProcessPending(), 3);  // PHQ-9, HbA1c, agree the goal
  Json goal;
  ASSERT_TRUE(
      db_->Read([&](db::Connection& c) -> Status {
           CK_ASSIGN_OR_RETURN(
               auto rows, c.Query("SELECT g.description, g.baseline_value, g.target_value, "
                                  "g.direction, g.target_date, g.status, p.status, p.title, "
                                  "p.version FROM care_plan_goals g JOIN care_plans p ON p.id = "
                                  "g.care_plan_id WHERE p.case_id = ?",
                                  {k}));
           EXPECT_EQ(rows.size(), 1u);
           const db::Row& r = rows.at(0);
           goal = {{"description", r.Text(0)}, {"baseline", r.Real(1)}, {"target", r.Real(2)},
                   {"direction", r.Text(3)},   {"date", r.Text(4)},     {"status", r.Text(5)},
                   {"plan", r.Text(6)},        {"title", r.Text(7)},    {"version", r.Int(8)}};
           return Status::Ok();
         })
          .ok());
  EXPECT_EQ(goal["description"], "HbA1c below 7.0 %");
  EXPECT_EQ(goal["baseline"], 9.1);  // the latest result
  EXPECT_EQ(goal["target"], 7.0);
  EXPECT_EQ(goal["direction"], "decrease");
  EXPECT_EQ(goal["date"], "2027-05-24");  // 180 days after the referral
  EXPECT_EQ(goal["status"], "proposed");  // the patient agrees to it
  EXPECT_EQ(goal["plan"], "draft");
  EXPECT_EQ(goal["title"], "Diabetes with behavioral health");
  EXPECT_EQ(goal["version"], 2);  // created, then the goal proposed: both kept
  EXPECT_EQ(Count("SELECT COUNT(*) FROM care_plan_versions WHERE patient_id = ?"), 2);
  // Read again: no second goal.
  ASSERT_TRUE(db_->Write([](db::Connection& c) {
                   return c.Exec("UPDATE event_cursors SET last_event_id = 0").status();
                 })
                  .ok());
  EXPECT_EQ(*engine_.ProcessPending(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM care_plan_goals WHERE patient_id = ?"), 1);
}

TEST_F(EngineActionsTest, BecomingTierOneEnrolsInComplexCare) {
  auto tier = [&](int t) {
    ASSERT_TRUE(db_->Write([&](db::Connection& c) {
                     return c
                         .Exec(
                             "INSERT INTO patient_risk (patient_id, tier, reasons, scores, "
                             "computed_at, tier_since, rules_version) VALUES (?, ?, '[]', '{}', "
                             "0, 0, 'test') ON CONFLICT (patient_id) DO UPDATE SET tier = "
                             "excluded.tier",
                             {patient_, t})
                         .status();
                   })
                    .ok());
    Event("risk.tier_changed", "patient_risk", patient_, "{\"tier\":" + std::to_string(t) + "}");
  };
  tier(2);
  EXPECT_EQ(*engine_.ProcessPending(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE patient_id = ?"), 0);
  tier(1);
  EXPECT_EQ(*engine_.ProcessPending(), 3);  // the complex care enrolment steps
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases k JOIN programs p ON p.id = k.program_id WHERE "
                  "k.patient_id = ? AND p.code = 'complex_care' AND k.status = 'referred' AND "
                  "k.referral_source = 'risk_stratification'"),
            1);
  // Tier 1 again later: the open referral stands.
  tier(1);
  EXPECT_EQ(*engine_.ProcessPending(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE patient_id = ?"), 1);
}

}  // namespace
}  // namespace ck::programs
