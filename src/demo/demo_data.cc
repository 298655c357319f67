#include "demo/demo_data.h"

#include <cstdio>
#include <random>

#include "audit/trail.h"
#include "cases/store.h"
#include "demo/education_library.h"
#include "education/service.h"
#include "patients/clinical.h"
#include "patients/consent.h"
#include "patients/model.h"
#include "patients/store.h"
#include "patients/validation.h"

namespace ck::demo {
namespace {

struct DemoUser {
  const char* username;
  const char* display;
  auth::Role role;
  int team;  // index into kTeams, -1 for none
};

constexpr const char* kTeams[] = {"North Team", "South Team"};

constexpr DemoUser kUsers[] = {
    {"admin", "Ada Admin", auth::Role::kAdmin, -1},
    {"sup.okafor", "Grace Okafor, RN (supervisor)", auth::Role::kSupervisor, 0},
    {"cm.rivera", "Maria Rivera, RN", auth::Role::kCaseManager, 0},
    {"cm.chen", "David Chen, MSW", auth::Role::kCaseManager, 0},
    {"cm.johnson", "Aisha Johnson, RN", auth::Role::kCaseManager, 0},
    {"sup.novak", "Petra Novak, LCSW (supervisor)", auth::Role::kSupervisor, 1},
    {"cm.garcia", "Luis Garcia, RN", auth::Role::kCaseManager, 1},
    {"cm.nguyen", "Linh Nguyen, MSW", auth::Role::kCaseManager, 1},
    {"auditor.patel", "Ravi Patel (compliance)", auth::Role::kAuditor, -1},
    {"ehr.feed", "Riverside EHR interface", auth::Role::kIntegration, -1},
};

// Invented name parts; combinations are random, not people.
constexpr const char* kGivenFemale[] = {"Alma",   "Carmen",  "Elena",  "Gloria", "Imani",
                                        "Keiko",  "Marisol", "Nadia",  "Priya",  "Rosa",
                                        "Tamsin", "Vera",    "Ximena", "Zora",   "Agnes",
                                        "Celia",  "Esther",  "Hattie", "June",   "Lucinda"};
constexpr const char* kGivenMale[] = {"Bruno",   "Dmitri", "Farid",   "Hiro",    "Jonas",
                                      "Lionel",  "Omar",   "Quentin", "Samuel",  "Ulises",
                                      "Walter",  "Yusuf",  "Bernard", "Desmond", "Floyd",
                                      "Ignacio", "Kwame",  "Tobias",  "Anselm",  "Rafael"};
constexpr const char* kGivenAny[] = {"Alex", "Jordan", "Robin", "Sam", "Quinn", "Avery"};
constexpr const char* kFamily[] = {
    "Abernathy", "Balogun",   "Castellano", "Dubois",    "Eriksen",   "Fonseca",    "Gallagher",
    "Haddad",    "Ivanova",   "Jablonski",  "Kowalczyk", "Lindqvist", "Mbeki",      "Nakamura",
    "Oyelaran",  "Pereira",   "Quintero",   "Rasmussen", "Szabo",     "Thibodeaux", "Umarov",
    "Valdivia",  "Whitfield", "Xiong",      "Yamamoto",  "Zielinski", "Albright",   "Brennan",
    "Cardenas",  "Delacroix", "Espinoza",   "Fairbanks"};

constexpr const char* kStreets[] = {"Maple Ave",     "High St",        "Cleveland Ave",
                                    "Sullivant Ave", "Livingston Ave", "Parsons Ave",
                                    "Morse Rd",      "Karl Rd"};
constexpr std::pair<const char*, const char*> kCities[] = {
    {"Columbus", "43205"},     {"Columbus", "43211"},   {"Whitehall", "43213"},
    {"Reynoldsburg", "43068"}, {"Grove City", "43123"}, {"Westerville", "43081"}};
constexpr const char* kLanguages[] = {"en", "en", "en", "en", "en", "es",
                                      "es", "so", "ne", "ar", "vi"};
constexpr const char* kRaceMix[] = {
    "white", "white", "white",   "black_or_african_american", "black_or_african_american",
    "asian", "other", "declined"};
constexpr const char* kContactMethods[] = {"phone", "phone", "sms", "mail", "email"};

}  // namespace

// The clinical background that goes with the program of the patient's case.
Status SeedClinical(db::Connection& c, int64_t patient_id, int i, Timestamp now) {
  using V = std::map<std::string, db::Value>;
  auto add = [&](const char* kind, V fields) {
    return patients::InsertRecord(c, patient_id, *patients::FindRecordKind(kind), std::move(fields),
                                  now)
        .status();
  };
  struct Profile {
    std::vector<std::pair<const char*, const char*>> conditions;
    std::vector<std::pair<const char*, const char*>> medications;  // name, dose
  };
  static const Profile kProfiles[] = {
      {{{"I50.9", "Heart failure, unspecified"},
        {"I10", "Essential hypertension"},
        {"N18.3", "Chronic kidney disease, stage 3"}},
       {{"Furosemide", "40 mg"}, {"Carvedilol", "12.5 mg"}, {"Lisinopril", "10 mg"}}},
      {{{"E11.9", "Type 2 diabetes mellitus without complications"},
        {"F32.9", "Major depressive disorder, single episode"}},
       {{"Metformin", "1000 mg"}, {"Sertraline", "50 mg"}}},
      {{{"I10", "Essential hypertension"},
        {"E78.5", "Hyperlipidemia"},
        {"M17.0", "Bilateral primary osteoarthritis of knee"},
        {"G30.9", "Alzheimer's disease"}},
       {{"Amlodipine", "5 mg"}, {"Atorvastatin", "40 mg"}, {"Donepezil", "10 mg"}}},
      {{{"J44.1", "COPD with acute exacerbation"}, {"I10", "Essential hypertension"}},
       {{"Tiotropium", "18 mcg"}, {"Albuterol", "90 mcg, 2 puffs"}}},
  };
  const Profile& p = kProfiles[i % 4];
  for (const auto& [code, text] : p.conditions) {
    CK_RETURN_IF_ERROR(
        add("conditions", {{"code", code},
                           {"description", text},
                           {"status", "active"},
                           {"onset_date", FormatDate(DateOf(now - (400 + i * 7) * kMillisPerDay))},
                           {"source", "claims"}}));
  }
  for (const auto& [name, dose] : p.medications) {
    CK_RETURN_IF_ERROR(add(
        "medications",
        {{"name", name},
         {"dose", dose},
         {"route", std::string(name) == "Tiotropium" || std::string(name) == "Albuterol" ? "inhaled"
                                                                                         : "oral"},
         {"frequency", "daily"},
         {"status", "active"},
         {"start_date", FormatDate(DateOf(now - 200 * kMillisPerDay))}}));
  }
  if (i % 5 == 0) {
    CK_RETURN_IF_ERROR(add("allergies", {{"substance", "Penicillin"},
                                         {"reaction", "hives"},
                                         {"severity", "moderate"},
                                         {"status", "active"}}));
  }
  // Results as an EHR's FHIR feed would bring them (LOINC, UCUM units).
  auto lab = [&](std::optional<int64_t> encounter, const char* category, const char* loinc,
                 const char* display, double value, const char* unit, Timestamp at) {
    return c
        .Exec(
            "INSERT INTO observations (patient_id, encounter_id, category, code_system, code, "
            "display, status, effective_at, value_number, value_unit, created_at, updated_at) "
            "VALUES (?, ?, ?, 'http://loinc.org', ?, ?, 'final', ?, ?, ?, ?, ?)",
            {patient_id, encounter, category, loinc, display, at, value, unit, now, now})
        .status();
  };
  // Diabetes: HbA1c every quarter, coming down towards the 7.0 % goal.
  if (i % 4 == 1) {
    const double a1c[] = {9.1 + (i % 3) * 0.3, 8.2 + (i % 3) * 0.2, 7.4 + (i % 3) * 0.2};
    for (int k = 0; k < 3; ++k)
      CK_RETURN_IF_ERROR(lab(std::nullopt, "laboratory", "4548-4",
                             "Hemoglobin A1c/Hemoglobin.total in Blood", a1c[k], "%",
                             now - (270 - 90 * k + i % 10) * kMillisPerDay));
  }
  // Heart failure and COPD patients came to case management from a hospital stay.
  if (i % 4 == 0 || i % 4 == 3) {
    Timestamp admitted = now - (10 + i % 20) * kMillisPerDay;
    Timestamp discharged = admitted + (3 + i % 4) * kMillisPerDay;
    auto stay = patients::InsertRecord(c, patient_id, *patients::FindRecordKind("encounters"),
                                       {{"encounter_class", "inpatient"},
                                        {"facility", "Riverside General Hospital"},
                                        {"visit_number", "RGH" + std::to_string(700000 + i)},
                                        {"admitted_at", admitted},
                                        {"discharged_at", discharged},
                                        {"admission_type", "emergency"},
                                        {"discharge_disposition", i % 3 ? "home" : "home_health"},
                                        {"diagnoses", p.conditions[0].first},
                                        {"status", "finished"}},
                                       now);
    if (!stay.ok()) return stay.status();
    // Discharge-day labs: what HOSPITAL reads from the record.
    Timestamp morning = discharged - 6 * kMillisPerHour;
    CK_RETURN_IF_ERROR(lab(*stay, "laboratory", "718-7", "Hemoglobin [Mass/volume] in Blood",
                           10.8 + (i % 5) * 0.6, "g/dL", morning));
    CK_RETURN_IF_ERROR(lab(*stay, "laboratory", "2951-2",
                           "Sodium [Moles/volume] in Serum or Plasma", 132 + i % 7, "mmol/L",
                           morning));
    if (i % 4 == 0)  // heart failure: the discharge weight, the baseline for daily weights
      CK_RETURN_IF_ERROR(
          lab(*stay, "vital-signs", "29463-7", "Body weight", 82 + i % 15, "kg", morning));
  }
  bool medicaid = i % 3 == 0;
  return add("coverages",
             {{"payer", "Acme Health Plan"},
              {"plan", medicaid ? "Acme Community (Medicaid)" : "Acme Advantage Gold"},
              {"product_type", medicaid ? "medicaid_managed_care" : "medicare_advantage"},
              {"member_id", "ACM" + std::to_string(52000 + i * 7)},
              {"effective_from", "2026-01-01"},
              {"priority", "primary"},
              {"status", "active"}});
}

// Assigns library material `code` in the patient's language (linked to the
// teaching task when there is one); `delivered`: by phone the day before `at`.
Status SeedEducation(db::Connection& c, int64_t case_id, int64_t patient_id, int64_t cm,
                     const char* code, std::optional<int64_t> task_id, bool delivered,
                     Timestamp at) {
  CK_ASSIGN_OR_RETURN(auto assigned, education::AssignByCode(c, patient_id, case_id, code, task_id,
                                                             at - 2 * kMillisPerDay));
  if (!assigned || !delivered) return Status::Ok();
  Timestamp when = at - kMillisPerDay;
  CK_RETURN_IF_ERROR(c.Exec("UPDATE education_assignments SET status = 'delivered', "
                            "delivered_at = ?, delivery_method = 'phone', delivered_to = "
                            "'patient', assigned_by = ?, version = 2 WHERE id = ?",
                            {when, cm, *assigned})
                         .status());
  return c
      .Exec(
          "INSERT INTO education_events (assignment_id, patient_id, kind, detail, by_user_id, "
          "at) VALUES (?, ?, 'delivered', '{\"method\":\"phone\",\"to\":\"patient\"}', ?, ?)",
          {*assigned, patient_id, cm, when})
      .status();
}

// The open tasks of a demo case, by its program: some overdue, some due today,
// some later in the week, now and then one in the team's queue — a believable
// "my day".
Status SeedTasks(db::Connection& c, int64_t case_id, int64_t patient_id, int64_t cm, int i,
                 Timestamp now) {
  struct Demo {
    const char* title;
    const char* type;
    int due_hours;  // from now; negative: overdue
    const char* priority;
    int recur_days;
  };
  static const std::vector<Demo> kByProgram[] = {
      {{"Weekly check-in call", "call", 3, "normal", 7},
       {"Medication reconciliation after discharge", "medication_reconciliation", -20, "high", 0},
       {"Daily-weight teaching with teach-back", "education", 50, "normal", 0}},
      {{"HbA1c lab reminder call", "call", 2, "normal", 0},
       {"PHQ-9 re-screen", "other", 120, "normal", 90}},
      {{"Transport to cardiology appointment", "referral", 26, "high", 0},
       {"Home visit: medication review", "visit", 74, "normal", 0}},
      {{"Post-discharge call", "call", -3, "urgent", 0},
       {"Pulmonary rehabilitation referral", "referral", 98, "normal", 0}},
  };
  // Work any case brings, whatever its program.
  static const Demo kGeneral[] = {
      {"Confirm transport for Thursday's appointment", "call", 6, "normal", 0},
      {"Call pharmacy about the refill", "call", 20, "normal", 0},
      {"Document the care conference", "documentation", 28, "low", 0},
      {"Send appointment reminder", "appointment", 44, "normal", 0},
      {"Check prior authorization status", "authorization_follow_up", 1, "high", 0},
  };
  CK_ASSIGN_OR_RETURN(auto team, c.Query("SELECT team_id FROM users WHERE id = ?", {cm}));
  std::optional<int64_t> team_id = team.empty() ? std::nullopt : team.at(0).OptInt(0);
  std::vector<Demo> list = kByProgram[i % 4];
  list.push_back(kGeneral[(i / 4) % 5]);
  for (size_t t = 0; t < list.size(); ++t) {
    const Demo& d = list[t];
    // Every fifteenth case's last task waits in the team's queue.
    bool queued = team_id && i % 15 == 0 && t + 1 == list.size();
    // Overdue in one case of three; the others are coming up.
    int hours = d.due_hours < 0 && i % 3 != 0 ? 30 - d.due_hours : d.due_hours;
    Timestamp due = now + hours * kMillisPerHour +
                    ((i * 37 + static_cast<int>(t) * 11) % 23) * 15 * kMillisPerMinute;
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query(
            "INSERT INTO tasks (case_id, patient_id, title, task_type, owner_user_id, "
            "queue_team_id, due_at, priority, status, recur_every_days, recur_until, "
            "source, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
            "'open', ?, ?, ?, ?, ?, ?) RETURNING id",
            {case_id, patient_id, d.title, d.type, queued ? db::Value() : db::Value(cm),
             queued ? db::Value(*team_id) : db::Value(), due, d.priority,
             d.recur_days ? db::Value(d.recur_days) : db::Value(),
             d.recur_days ? db::Value(FormatDate(DateOf(now + 60 * kMillisPerDay))) : db::Value(),
             d.recur_days ? "program:demo" : "manual", cm, now - kMillisPerDay, now}));
    int64_t id = rows.at(0).Int(0);
    if (d.recur_days)
      CK_RETURN_IF_ERROR(c.Exec("UPDATE tasks SET series_id = ? WHERE id = ?", {id, id}).status());
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO task_events (task_id, patient_id, kind, to_status, "
                              "by_user_id, at) VALUES (?, ?, 'created', 'open', ?, ?)",
                              {id, patient_id, cm, now - kMillisPerDay})
                           .status());
    if (std::string_view(d.type) == "education")
      CK_RETURN_IF_ERROR(
          SeedEducation(c, case_id, patient_id, cm, "hf-daily-weights", id, i % 3 == 0, now));
  }
  // Diabetes cases: the A1C sheet was taught last week; teach-back went well
  // for some, others need it again.
  if (i % 4 == 1)
    CK_RETURN_IF_ERROR(SeedEducation(c, case_id, patient_id, cm, "dm-a1c", std::nullopt, true,
                                     now - 7 * kMillisPerDay));
  if (i % 4 == 1 && i % 8 == 1) {
    CK_RETURN_IF_ERROR(c.Exec("UPDATE education_assignments SET status = 'understood', "
                              "teach_back_at = ?, teach_back_result = 'understood', "
                              "teach_back_attempts = 1, version = 3 WHERE patient_id = ?",
                              {now - 7 * kMillisPerDay, patient_id})
                           .status());
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO education_events (assignment_id, patient_id, kind, "
                              "detail, by_user_id, at) SELECT id, patient_id, 'teach_back', "
                              "'{\"result\":\"understood\",\"attempt\":1}', ?, ? FROM "
                              "education_assignments WHERE patient_id = ?",
                              {cm, now - 7 * kMillisPerDay, patient_id})
                           .status());
  }
  return Status::Ok();
}

// A case for a demo patient, in one of the seven lifecycle stages by `i`, with
// its history, assignment, a signed note and a few contacts.
Status SeedCase(db::Connection& c, int64_t patient_id, int64_t cm, int i, Timestamp now) {
  using cases::Stage;
  static constexpr Stage kPath[] = {Stage::kReferred, Stage::kScreening, Stage::kAssessment,
                                    Stage::kPlanning, Stage::kActive,    Stage::kTransition};
  static constexpr const char* kPrograms[] = {"heart_failure_transitions",
                                              "diabetes_behavioral_health", "complex_care",
                                              "copd_transitions"};
  static constexpr const char* kReasons[] = {
      "Two heart failure admissions in 90 days", "HbA1c 9.8 with depression screen positive",
      "Eight chronic conditions, missed follow-ups", "COPD exacerbation, discharged on oxygen"};
  static constexpr const char* kSources[] = {"hospital", "physician", "insurer",
                                             "community_agency"};
  static constexpr const char* kAcuity[] = {"low", "moderate", "high", "very_high"};
  int target = i % 7;  // 0..5: a stage on the path; 6: closed
  int days_ago = 5 + (i * 13) % 80;
  Timestamp referred = now - days_ago * kMillisPerDay;
  cases::NewCase n{patient_id, kPrograms[i % 4], kSources[i % 4], kReasons[i % 4],
                   i % 5 == 0 ? "urgent" : "routine"};
  if (target >= 2) n.acuity = kAcuity[(i / 7) % 4];
  CK_ASSIGN_OR_RETURN(cases::Case k, cases::InsertCase(c, n, referred, referred + 3 * kMillisPerDay,
                                                       std::nullopt, referred));
  CK_RETURN_IF_ERROR(cases::InsertStatusChange(c, k, std::nullopt, Stage::kReferred,
                                               n.referral_reason, std::nullopt, referred));
  CK_RETURN_IF_ERROR(
      cases::Reassign(c, k, cm, std::nullopt, std::string("intake"), referred + kMillisPerHour));
  Stage stage = Stage::kReferred;
  int steps = target == 6 ? 5 : target;
  for (int s = 1; s <= steps; ++s) {
    Timestamp at = referred + s * (days_ago * kMillisPerDay / 8);
    CK_RETURN_IF_ERROR(cases::InsertStatusChange(c, k, stage, kPath[s], std::nullopt, cm, at));
    stage = kPath[s];
  }
  cases::Case updated = k;
  updated.stage = target == 6 ? Stage::kClosed : stage;
  if (target == 6) {
    updated.closure_reason = i % 2 ? "goals_met" : "unable_to_reach";
    updated.closed_at = now - kMillisPerDay;
    CK_RETURN_IF_ERROR(cases::InsertStatusChange(c, k, stage, Stage::kClosed,
                                                 updated.closure_reason, cm, *updated.closed_at));
  }
  CK_RETURN_IF_ERROR(cases::UpdateCaseStage(c, updated, 2, now));
  if (target >= 1) {
    cases::Note note;
    note.case_id = k.id;
    note.patient_id = patient_id;
    note.note_type = target >= 3 ? "assessment" : "progress";
    note.body = target >= 3 ? "Assessment completed by phone. Lives alone, daughter visits weekly. "
                              "Understands medications; needs transport to cardiology."
                            : "Introductory call; patient agreed to case management.";
    note.author_id = cm;
    CK_ASSIGN_OR_RETURN(cases::Note made, cases::InsertNote(c, note, referred + kMillisPerDay));
    CK_RETURN_IF_ERROR(cases::MarkSigned(c, made.id, referred + kMillisPerDay + kMillisPerHour));
  }
  static constexpr const char* kOutcomes[] = {"reached", "no_answer", "voicemail", "reached"};
  for (int t = 0; t < 1 + i % 4; ++t) {
    cases::Contact contact;
    contact.case_id = k.id;
    contact.patient_id = patient_id;
    contact.contact_at = referred + (t + 1) * 2 * kMillisPerDay;
    contact.method = "phone";
    contact.direction = "outbound";
    contact.party = "patient";
    contact.outcome = kOutcomes[(i + t) % 4];
    if (contact.outcome == "reached") contact.duration_minutes = 12 + t * 3;
    contact.recorded_by = cm;
    CK_RETURN_IF_ERROR(cases::InsertContact(c, contact, contact.contact_at).status());
  }
  if (target == 6) return Status::Ok();
  return SeedTasks(c, k.id, patient_id, cm, i, now);
}

std::vector<DemoLogin> DemoLogins() {
  std::vector<DemoLogin> out;
  for (const DemoUser& u : kUsers) {
    if (u.role != auth::Role::kIntegration)
      out.push_back({u.username, std::string(auth::RoleName(u.role))});
  }
  return out;
}

Status SeedAssessments(db::Database& db, assessments::Service& service) {
  using Json = assessments::Json;
  struct OpenCase {
    int64_t id, user;
    std::string username;
  };
  std::vector<OpenCase> open;
  CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    return c.ForEachRow(
        "SELECT k.id, u.id, u.username FROM cases k JOIN users u ON u.id = k.assigned_user_id "
        "WHERE k.status IN ('assessment', 'planning', 'active', 'transition') ORDER BY k.id",
        {}, [&](const db::Row& r) {
          open.push_back({r.Int(0), r.Int(1), r.Text(2)});
          return Status::Ok();
        });
  }));
  static constexpr const char* kLiving[] = {"steady", "steady", "worried", "not_steady"};
  static constexpr const char* kOften[] = {"never", "never", "sometimes", "often"};
  static constexpr const char* kAid[] = {"none", "crutches_cane_walker", "none", "furniture"};
  static constexpr const char* kGait[] = {"normal", "weak", "impaired", "normal"};
  for (size_t i = 0; i < open.size(); ++i) {
    const OpenCase& k = open[i];
    auth::Principal who;
    who.user_id = k.user;
    who.username = k.username;
    auth::Actor actor = auth::Actor::From(who, "demo-seed");
    int v = static_cast<int>(i);
    Json items = Json::array();
    for (int q = 0; q < 9; ++q) items.push_back((v * 7 + q * 3) % 4 == 0 ? 2 : (v + q) % 3 == 0);
    items[8] = v % 9 == 4 ? 1 : 0;  // a few crisis alerts
    CK_RETURN_IF_ERROR(service.Start(who, actor, k.id, "phq9", {{"items", items}}, true).status());
    if (i % 2 == 0) {
      Json ahc = {{"living_situation", kLiving[v % 4]},
                  {"housing_problems", v % 5 == 0 ? Json({"mold", "lack_of_heat"}) : Json::array()},
                  {"food_worry", kOften[(v / 2) % 4]},
                  {"food_ran_out", kOften[(v / 3) % 4]},
                  {"transportation_problem", v % 3 == 0},
                  {"utility_shutoff_threat", v % 7 == 0 ? "yes" : "no"},
                  {"safety",
                   {{"physically_hurt", 1},
                    {"insult", 1 + v % 2},
                    {"threaten", 1},
                    {"scream_curse", 1 + v % 3}}}};
      CK_RETURN_IF_ERROR(service.Start(who, actor, k.id, "ahc-hrsn", ahc, true).status());
    }
    if (i % 3 == 0) {
      Json gad = Json::array();
      for (int q = 0; q < 7; ++q) gad.push_back((v + q) % 4);
      CK_RETURN_IF_ERROR(service.Start(who, actor, k.id, "gad7", {{"items", gad}}, true).status());
    }
    if (i % 5 == 0) {
      Json morse = {{"history_of_falling", v % 2 == 0},
                    {"secondary_diagnosis", true},
                    {"ambulatory_aid", kAid[v % 4]},
                    {"iv_or_heparin_lock", false},
                    {"gait", kGait[v % 4]},
                    {"mental_status", v % 3 == 0 ? "forgets_limitations" : "oriented"}};
      CK_RETURN_IF_ERROR(service.Start(who, actor, k.id, "morse", morse, true).status());
    }
  }
  return Status::Ok();
}

Result<bool> HasUsers(db::Database& db) {
  bool any = false;
  CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT 1 FROM users LIMIT 1"));
    any = !rows.empty();
    return Status::Ok();
  }));
  return any;
}

Result<std::vector<DemoLogin>> Seed(db::Database& db, auth::Accounts& accounts, const Clock& clock,
                                    const Options& options) {
  CK_ASSIGN_OR_RETURN(bool has_users, HasUsers(db));
  if (has_users)
    return FailedPrecondition("database already has users; demo data goes into a new one");
  auth::Actor system;
  system.request_id = "demo-seed";
  std::vector<int64_t> team_ids;
  for (const char* name : kTeams) {
    CK_ASSIGN_OR_RETURN(auth::Team t, accounts.AddTeam(system, name));
    team_ids.push_back(t.id);
  }
  std::vector<std::pair<int64_t, auth::Role>> case_managers;
  for (const DemoUser& u : kUsers) {
    auth::NewUser nu;
    nu.username = u.username;
    nu.display_name = u.display;
    nu.role = u.role;
    if (u.team >= 0) nu.team_id = team_ids[static_cast<size_t>(u.team)];
    if (u.role != auth::Role::kIntegration) nu.password = kDemoPassword;
    CK_ASSIGN_OR_RETURN(auth::User created, accounts.AddUser(system, nu));
    if (u.role == auth::Role::kCaseManager) case_managers.emplace_back(created.id, u.role);
  }

  std::mt19937_64 rng(options.seed);
  auto pick = [&](auto& arr) { return arr[rng() % std::size(arr)]; };
  Timestamp now = clock.Now();
  Date today = DateOf(now);
  CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
    CK_RETURN_IF_ERROR(SeedEducationLibrary(c, now));
    for (int i = 0; i < options.patients; ++i) {
      patients::NewPatient np;
      uint64_t s = rng() % 100;
      np.administrative_sex = s < 52 ? "female" : s < 98 ? "male" : s < 99 ? "other" : "unknown";
      if (np.administrative_sex == "female") {
        np.given_name = pick(kGivenFemale);
      } else if (np.administrative_sex == "male") {
        np.given_name = pick(kGivenMale);
      } else {
        np.given_name = pick(kGivenAny);
      }
      np.family_name = pick(kFamily);
      // Case management populations are mostly older adults with chronic conditions.
      int age = 19 + static_cast<int>(rng() % 76);
      std::chrono::sys_days birth = std::chrono::sys_days{today} -
                                    std::chrono::days{age * 365 + static_cast<int>(rng() % 365)};
      np.birth_date = FormatDate(Date{birth});
      // Contact details and equity data, in synthetic ranges: 555-01xx numbers
      // are reserved for fiction, and example.org for documentation.
      char phone[16];
      std::snprintf(phone, sizeof phone, "+1614555%04d", 100 + i % 100);
      np.phones.push_back({phone, rng() % 4 == 0 ? "home" : "mobile", true});
      const auto& street = kStreets[rng() % std::size(kStreets)];
      np.address.line1 = std::to_string(10 + rng() % 990) + " " + street;
      np.address.city = kCities[i % std::size(kCities)].first;
      np.address.state = "OH";
      np.address.postal_code = kCities[i % std::size(kCities)].second;
      const auto& lang = kLanguages[rng() % std::size(kLanguages)];
      np.preferred_language = lang;
      np.interpreter_needed = std::string_view(lang) != "en" && rng() % 3 != 0;
      np.races = {kRaceMix[rng() % std::size(kRaceMix)]};
      np.ethnicity = std::string_view(lang) == "es" || rng() % 9 == 0 ? "hispanic_or_latino"
                                                                      : "not_hispanic_or_latino";
      np.preferred_contact_method = kContactMethods[rng() % std::size(kContactMethods)];
      if (rng() % 3 == 0)
        np.email = patients::SearchKey(np.given_name) + "." + patients::SearchKey(np.family_name) +
                   std::to_string(i) + "@example.org";
      char mrn[16], member[16];
      std::snprintf(mrn, sizeof mrn, "RV%07d", 4100 + i);
      std::snprintf(member, sizeof member, "ACM%08d", 52000 + i * 7);
      np.identifiers = {{0, "urn:casekeeper-demo:mrn:riverside-general", mrn, "MR"},
                        {0, "urn:casekeeper-demo:member:acme-health-plan", member, "MB"}};
      CK_ASSIGN_OR_RETURN(patients::Patient p, patients::InsertPatient(c, np, now));
      if (i % 4 == 0) {
        patients::Relationship r;
        r.patient_id = p.id;
        r.name = std::string(pick(kGivenAny)) + " " + np.family_name;
        r.relationship = i % 8 == 0 ? "caregiver" : "spouse";
        char rphone[16];
        std::snprintf(rphone, sizeof rphone, "+1614555%04d", 200 + i % 100);
        r.phone = rphone;
        r.may_receive_information = true;
        r.emergency_contact = true;
        CK_ASSIGN_OR_RETURN(patients::Relationship made, patients::InsertRelationship(c, r, now));
        patients::Consent consent;
        consent.patient_id = p.id;
        consent.kind = "information_sharing";
        consent.relationship_id = made.id;
        consent.scope = "care plan, appointments and medications";
        consent.method = "verbal";
        consent.granted_on = FormatDate(DateOf(now - 30 * kMillisPerDay));
        CK_RETURN_IF_ERROR(patients::InsertConsent(c, consent, now).status());
      }
      // Most patients have a primary case manager; a few await assignment.
      if (i % 12 != 11) {
        auto [cm, _] = case_managers[static_cast<size_t>(i) % case_managers.size()];
        CK_RETURN_IF_ERROR(
            patients::InsertCareTeamMember(c, p.id, cm, "primary_case_manager", now).status());
        CK_RETURN_IF_ERROR(SeedCase(c, p.id, cm, i, now));
        CK_RETURN_IF_ERROR(SeedClinical(c, p.id, i, now));
      } else {
        // Awaiting assignment: a fresh referral on a supervisor's desk.
        cases::NewCase n{p.id, "complex_care", "physician", "PCP asks for help with 9 medications",
                         "urgent"};
        CK_ASSIGN_OR_RETURN(cases::Case k,
                            cases::InsertCase(c, n, now - 2 * kMillisPerHour,
                                              now + 22 * kMillisPerHour, std::nullopt, now));
        CK_RETURN_IF_ERROR(cases::InsertStatusChange(c, k, std::nullopt, cases::Stage::kReferred,
                                                     n.referral_reason, std::nullopt, now));
      }
    }
    audit::Event e;
    e.at = now;
    e.username = "system";
    e.role = "system";
    e.action = "demo.seed";
    e.entity_type = "database";
    e.entity_id = "demo";
    e.outcome = "success";
    e.request_id = "demo-seed";
    e.detail = std::to_string(options.patients) + " synthetic patients";
    return audit::Append(c, e);
  }));
  return DemoLogins();
}

}  // namespace ck::demo
