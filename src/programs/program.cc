#include "programs/program.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace ck::programs {
namespace {

using Json = nlohmann::json;

// The programs casekeeper ships. Due times count from the event (a discharge's
// time) or from the enrolment; business days follow the organisation's calendar.
constexpr const char* kBuiltin = R"json([
{
  "code": "heart_failure_transitions", "version": 1, "name": "Heart failure transitions",
  "enrol_when": [
    {"event": "encounter.discharged", "urgency": "urgent",
     "reason": "Discharged after a heart failure stay",
     "when": {"encounter_classes": ["inpatient"], "diagnosis_prefixes": ["I50", "I11.0", "I13.0", "I13.2"]}}
  ],
  "triggers": [
    {"event": "enrolled", "tasks": [
      {"key": "initial_assessment", "title": "Initial assessment", "type": "documentation",
       "due_business_days": 5}
    ]},
    {"event": "encounter.discharged", "tasks": [
      {"key": "call", "title": "Post-discharge call", "type": "call", "priority": "high",
       "due_business_days": 2, "when": {"encounter_classes": ["inpatient"]}},
      {"key": "med_rec", "title": "Medication reconciliation", "type": "medication_reconciliation",
       "priority": "high", "due_days": 7, "when": {"encounter_classes": ["inpatient"]}},
      {"key": "visit", "title": "PCP or cardiology visit within 7 days", "type": "appointment",
       "priority": "high", "due_days": 7, "when": {"encounter_classes": ["inpatient"]}},
      {"key": "weights", "title": "Daily-weight education with teach-back", "type": "education",
       "due_business_days": 3, "education": "hf-daily-weights",
       "when": {"encounter_classes": ["inpatient"]}},
      {"key": "home_health", "title": "Home health referral", "type": "referral", "priority": "high",
       "due_business_days": 1,
       "when": {"encounter_classes": ["inpatient"], "dispositions": ["home_health"]}},
      {"key": "weekly_call", "title": "Weekly call (30 days after discharge)", "type": "call",
       "due_days": 7, "recur_every_days": 7, "recur_for_days": 30,
       "when": {"encounter_classes": ["inpatient"]}}
    ]}
  ]
},
{
  "code": "diabetes_behavioral_health", "version": 1, "name": "Diabetes with behavioral health",
  "triggers": [
    {"event": "enrolled", "tasks": [
      {"key": "phq9", "title": "PHQ-9 (every 90 days)", "type": "other", "due_days": 90,
       "recur_every_days": 90, "recur_times": 8},
      {"key": "hba1c", "title": "HbA1c test (every 90 days)", "type": "appointment", "due_days": 90,
       "recur_every_days": 90, "recur_times": 8},
      {"key": "hba1c_goal", "title": "Agree the proposed HbA1c goal with the patient",
       "type": "documentation", "due_business_days": 10}
    ], "goals": [
      {"key": "hba1c", "description": "HbA1c below 7.0 %", "measure": "HbA1c (%)",
       "target_value": 7.0, "direction": "decrease", "target_days": 180,
       "baseline_loinc": "4548-4"}
    ]},
    {"event": "assessment.completed", "tasks": [
      {"key": "counselling", "title": "Counselling referral (PHQ-9 of 10 or more)",
       "type": "referral", "priority": "high", "due_business_days": 2,
       "when": {"instrument": "phq9", "score_at_least": 10}}
    ]}
  ]
},
{
  "code": "complex_care", "version": 1, "name": "Complex care",
  "enrol_when": [
    {"event": "risk.tier_changed", "urgency": "routine",
     "reason": "Risk stratification moved the patient to tier 1 (highest)",
     "when": {"risk_tier_at_most": 1}}
  ],
  "triggers": [
    {"event": "enrolled", "tasks": [
      {"key": "assessment", "title": "Comprehensive assessment", "type": "documentation",
       "due_business_days": 10},
      {"key": "care_plan", "title": "Care plan agreed with the patient", "type": "documentation",
       "due_days": 30},
      {"key": "monthly_call", "title": "Monthly check-in call", "type": "call", "due_days": 30,
       "recur_every_days": 30, "recur_times": 12}
    ]},
    {"event": "encounter.admitted", "tasks": [
      {"key": "inpatient_team", "title": "Contact the inpatient team about discharge planning",
       "type": "call", "priority": "high", "due_business_days": 1,
       "when": {"encounter_classes": ["inpatient"]}}
    ]},
    {"event": "encounter.discharged", "tasks": [
      {"key": "call", "title": "Post-discharge call", "type": "call", "priority": "high",
       "due_business_days": 2, "when": {"encounter_classes": ["inpatient"]}},
      {"key": "med_rec", "title": "Medication reconciliation", "type": "medication_reconciliation",
       "due_days": 7, "when": {"encounter_classes": ["inpatient"]}}
    ]}
  ]
},
{
  "code": "copd_transitions", "version": 1, "name": "COPD transitions",
  "enrol_when": [
    {"event": "encounter.discharged", "urgency": "urgent", "reason": "Discharged after a COPD stay",
     "when": {"encounter_classes": ["inpatient"], "diagnosis_prefixes": ["J44", "J43"]}}
  ],
  "triggers": [
    {"event": "encounter.discharged", "tasks": [
      {"key": "call", "title": "Post-discharge call", "type": "call", "priority": "high",
       "due_business_days": 2, "when": {"encounter_classes": ["inpatient"]}},
      {"key": "med_rec", "title": "Medication reconciliation and inhaler technique",
       "type": "medication_reconciliation", "priority": "high", "due_days": 7,
       "when": {"encounter_classes": ["inpatient"]}},
      {"key": "rehab", "title": "Pulmonary rehabilitation referral", "type": "referral",
       "due_business_days": 5, "when": {"encounter_classes": ["inpatient"]}},
      {"key": "visit", "title": "Follow-up visit within 7 days", "type": "appointment",
       "priority": "high", "due_days": 7, "when": {"encounter_classes": ["inpatient"]}}
    ]}
  ]
}
])json";

Result<std::vector<std::string>> Strings(const Json& j, const char* key, const std::string& path) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array()) return InvalidArgument("must be an array of strings", path + "." + key);
  for (const Json& v : j[key]) {
    if (!v.is_string()) return InvalidArgument("must be an array of strings", path + "." + key);
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::optional<int>> Int(const Json& j, const char* key, const std::string& path, int lo,
                               int hi) {
  if (!j.contains(key)) return std::optional<int>();
  if (!j[key].is_number_integer() || j[key].get<int>() < lo || j[key].get<int>() > hi)
    return InvalidArgument(
        "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi),
        path + "." + key);
  return std::optional<int>(j[key].get<int>());
}

Result<Condition> ParseCondition(const Json& j, const std::string& path) {
  Condition c;
  if (j.is_null()) return c;
  if (!j.is_object()) return InvalidArgument("must be an object", path);
  for (const auto& [k, _] : j.items()) {
    static const std::set<std::string> kKnown = {"diagnosis_prefixes", "encounter_classes",
                                                 "dispositions",       "instrument",
                                                 "score_at_least",     "risk_tier_at_most"};
    if (!kKnown.count(k))
      return InvalidArgument("is not a condition casekeeper knows", path + "." + k);
  }
  CK_ASSIGN_OR_RETURN(c.diagnosis_prefixes, Strings(j, "diagnosis_prefixes", path));
  CK_ASSIGN_OR_RETURN(c.encounter_classes, Strings(j, "encounter_classes", path));
  CK_ASSIGN_OR_RETURN(c.dispositions, Strings(j, "dispositions", path));
  if (j.contains("instrument")) {
    if (!j["instrument"].is_string())
      return InvalidArgument("must be a string", path + ".instrument");
    c.instrument = j["instrument"].get<std::string>();
  }
  if (j.contains("score_at_least")) {
    if (!j["score_at_least"].is_number())
      return InvalidArgument("must be a number", path + ".score_at_least");
    c.score_at_least = j["score_at_least"].get<double>();
  }
  CK_ASSIGN_OR_RETURN(c.risk_tier_at_most, Int(j, "risk_tier_at_most", path, 1, 4));
  return c;
}

}  // namespace

Result<Program> ParseProgram(const Json& d) {
  if (!d.is_object()) return InvalidArgument("must be an object", "program");
  Program p;
  if (!d.contains("code") || !d["code"].is_string() || d["code"].get<std::string>().empty())
    return InvalidArgument("is required", "code");
  p.code = d["code"];
  if (!d.contains("name") || !d["name"].is_string()) return InvalidArgument("is required", "name");
  p.name = d["name"];
  CK_ASSIGN_OR_RETURN(auto version, Int(d, "version", "program", 1, 1000000));
  p.version = version.value_or(1);
  static const std::set<std::string> kEvents = {"enrolled", "encounter.discharged",
                                                "encounter.admitted", "assessment.completed",
                                                "risk.tier_changed"};
  if (d.contains("enrol_when")) {
    if (!d["enrol_when"].is_array()) return InvalidArgument("must be an array", "enrol_when");
    for (size_t i = 0; i < d["enrol_when"].size(); ++i) {
      const Json& r = d["enrol_when"][i];
      std::string path = "enrol_when[" + std::to_string(i) + "]";
      EnrolRule rule;
      rule.event = r.value("event", "");
      if (!kEvents.count(rule.event) || rule.event == "enrolled")
        return InvalidArgument(
            "must be encounter.discharged, encounter.admitted, assessment.completed or "
            "risk.tier_changed",
            path + ".event");
      rule.urgency = r.value("urgency", "routine");
      if (rule.urgency != "routine" && rule.urgency != "urgent" && rule.urgency != "emergent")
        return InvalidArgument("must be routine, urgent or emergent", path + ".urgency");
      rule.reason = r.value("reason", "Enrolled by the program's rule");
      CK_ASSIGN_OR_RETURN(rule.when, ParseCondition(r.value("when", Json()), path + ".when"));
      p.enrol_when.push_back(std::move(rule));
    }
  }
  if (!d.contains("triggers") || !d["triggers"].is_array())
    return InvalidArgument("is required (an array)", "triggers");
  std::set<std::string> keys;
  for (size_t i = 0; i < d["triggers"].size(); ++i) {
    const Json& t = d["triggers"][i];
    std::string path = "triggers[" + std::to_string(i) + "]";
    Trigger trigger;
    trigger.event = t.value("event", "");
    if (!kEvents.count(trigger.event))
      return InvalidArgument(
          "must be enrolled, encounter.discharged, encounter.admitted, assessment.completed or "
          "risk.tier_changed",
          path + ".event");
    bool has_tasks = t.contains("tasks"), has_goals = t.contains("goals");
    if ((!has_tasks && !has_goals) || (has_tasks && !t["tasks"].is_array()))
      return InvalidArgument("is required (an array)", path + ".tasks");
    if (has_goals && !t["goals"].is_array())
      return InvalidArgument("must be an array", path + ".goals");
    for (size_t k = 0; has_goals && k < t["goals"].size(); ++k) {
      const Json& x = t["goals"][k];
      std::string gp = path + ".goals[" + std::to_string(k) + "]";
      GoalTemplate g;
      g.key = x.value("key", "");
      if (g.key.empty() || !keys.insert(trigger.event + "/goal:" + g.key).second)
        return InvalidArgument("must be present and unique per event", gp + ".key");
      g.description = x.value("description", "");
      if (g.description.empty() || g.description.size() > 1000)
        return InvalidArgument("is required (at most 1000 bytes)", gp + ".description");
      g.measure = x.value("measure", "");
      if (g.measure.empty()) return InvalidArgument("is required", gp + ".measure");
      if (!x.contains("target_value") || !x["target_value"].is_number())
        return InvalidArgument("is required (a number)", gp + ".target_value");
      g.target_value = x["target_value"].get<double>();
      g.direction = x.value("direction", "decrease");
      if (g.direction != "decrease" && g.direction != "increase")
        return InvalidArgument("must be decrease or increase", gp + ".direction");
      CK_ASSIGN_OR_RETURN(auto days, Int(x, "target_days", gp, 1, 730));
      g.target_days = days.value_or(180);
      if (x.contains("baseline_loinc")) {
        if (!x["baseline_loinc"].is_string())
          return InvalidArgument("must be a LOINC code", gp + ".baseline_loinc");
        g.baseline_loinc = x["baseline_loinc"].get<std::string>();
      }
      CK_ASSIGN_OR_RETURN(g.when, ParseCondition(x.value("when", Json()), gp + ".when"));
      trigger.goals.push_back(std::move(g));
    }
    for (size_t k = 0; has_tasks && k < t["tasks"].size(); ++k) {
      const Json& x = t["tasks"][k];
      std::string tp = path + ".tasks[" + std::to_string(k) + "]";
      TaskTemplate tt;
      tt.key = x.value("key", "");
      if (tt.key.empty() || !keys.insert(trigger.event + "/" + tt.key).second)
        return InvalidArgument("must be present and unique per event", tp + ".key");
      tt.title = x.value("title", "");
      if (tt.title.empty() || tt.title.size() > 200)
        return InvalidArgument("is required (at most 200 bytes)", tp + ".title");
      tt.task_type = x.value("type", "other");
      tt.priority = x.value("priority", "normal");
      CK_ASSIGN_OR_RETURN(tt.due_business_days, Int(x, "due_business_days", tp, 0, 60));
      CK_ASSIGN_OR_RETURN(tt.due_days, Int(x, "due_days", tp, 0, 730));
      if (tt.due_business_days && tt.due_days)
        return InvalidArgument("give due_days or due_business_days, not both", tp + ".due_days");
      CK_ASSIGN_OR_RETURN(tt.recur_every_days, Int(x, "recur_every_days", tp, 1, 365));
      CK_ASSIGN_OR_RETURN(tt.recur_for_days, Int(x, "recur_for_days", tp, 1, 3650));
      CK_ASSIGN_OR_RETURN(tt.recur_times, Int(x, "recur_times", tp, 1, 1000));
      if (tt.recur_every_days && !tt.recur_for_days && !tt.recur_times)
        return InvalidArgument("a recurring task needs recur_for_days or recur_times",
                               tp + ".recur_every_days");
      if (x.contains("queue_role")) {
        if (!x["queue_role"].is_string())
          return InvalidArgument("must be a role", tp + ".queue_role");
        tt.queue_role = x["queue_role"].get<std::string>();
      }
      if (x.contains("education")) {
        if (!x["education"].is_string() || x["education"].get<std::string>().empty())
          return InvalidArgument("must be a library material code", tp + ".education");
        tt.education = x["education"].get<std::string>();
      }
      CK_ASSIGN_OR_RETURN(tt.when, ParseCondition(x.value("when", Json()), tp + ".when"));
      trigger.tasks.push_back(std::move(tt));
    }
    p.triggers.push_back(std::move(trigger));
  }
  return p;
}

Result<ProgramCatalog> ProgramCatalog::Load(const std::string& dir) {
  ProgramCatalog c;
  Json builtin = Json::parse(kBuiltin);
  for (const Json& d : builtin) {
    CK_ASSIGN_OR_RETURN(Program p, ParseProgram(d));
    c.programs_[p.code] = std::move(p);
  }
  if (dir.empty()) return c;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return InvalidArgument("is not a directory: " + dir, "programs.dir");
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream buf;
    buf << in.rdbuf();
    Json d = Json::parse(buf.str(), nullptr, false);
    if (d.is_discarded())
      return InvalidArgument("is not valid JSON", "programs.dir/" + f.filename().string());
    auto p = ParseProgram(d);
    if (!p.ok())
      return InvalidArgument(f.filename().string() + ": " + p.status().message(),
                             p.status().field());
    c.programs_[p->code] = std::move(*p);
  }
  return c;
}

const ProgramCatalog& ProgramCatalog::Builtin() {
  static const ProgramCatalog c = *Load("");
  return c;
}

const Program* ProgramCatalog::Find(const std::string& code) const {
  auto it = programs_.find(code);
  return it == programs_.end() ? nullptr : &it->second;
}

}  // namespace ck::programs
