// Programs (care protocols) as data: what a program does when a case enrols in
// it and when events about the patient arrive (a discharge, an admission, a
// completed assessment), as tasks with due times, conditions and recurrence;
// and the rules that enrol a patient by themselves (a discharge with a heart
// failure diagnosis). Built-in definitions ship in programs/builtin.cc; an
// organisation adds or replaces them with JSON files (programs.dir).
//
//   CK_ASSIGN_OR_RETURN(ProgramCatalog catalog, ProgramCatalog::Load(dir));
//   const Program* hf = catalog.Find("heart_failure_transitions");
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace ck::programs {

// What the event (or the enrolment) must show for a step to apply.
struct Condition {
  std::vector<std::string> diagnosis_prefixes;  // any of the stay's ICD-10 codes starts so
  std::vector<std::string> encounter_classes;   // inpatient | emergency | observation | outpatient
  std::vector<std::string> dispositions;        // discharge disposition
  std::optional<std::string> instrument;        // assessment.completed: phq9, gad7, ...
  std::optional<double> score_at_least;
  std::optional<int> risk_tier_at_most;  // the patient's stratified tier (1 is highest)
};

struct TaskTemplate {
  std::string key;  // unique in its program: what makes re-processing idempotent
  std::string title;
  std::string task_type;
  std::string priority = "normal";
  std::optional<int> due_business_days;  // after the event (or enrolment)
  std::optional<int> due_days;
  std::optional<int> recur_every_days;
  std::optional<int> recur_for_days;  // recur until this many days after the event
  std::optional<int> recur_times;
  std::optional<std::string> queue_role;  // else the case's case manager
  std::optional<std::string> education;   // a library material code assigned with the task
  Condition when;
};

// A measurable goal the program proposes on the case's care plan, for the
// patient to agree: the target, and the baseline from their latest lab result.
struct GoalTemplate {
  std::string key;
  std::string description;  // "HbA1c below 7.0 %"
  std::string measure;      // "HbA1c (%)"
  double target_value = 0;
  std::string direction = "decrease";         // decrease | increase
  int target_days = 180;                      // target date: this many days after the event
  std::optional<std::string> baseline_loinc;  // the latest observation with this LOINC code
  Condition when;
};

struct Trigger {
  std::string event;  // enrolled | encounter.discharged | encounter.admitted |
                      // assessment.completed | risk.tier_changed
  std::vector<TaskTemplate> tasks;
  std::vector<GoalTemplate> goals;
};

struct EnrolRule {
  std::string event;  // the event that may enrol the patient
  Condition when;
  std::string urgency = "routine";
  std::string reason;  // referral reason
};

struct Program {
  std::string code;
  int version = 1;
  std::string name;
  std::vector<EnrolRule> enrol_when;
  std::vector<Trigger> triggers;
};

// InvalidArgument naming the part ("triggers[0].tasks[2].due_days") otherwise.
Result<Program> ParseProgram(const nlohmann::json& definition);

class ProgramCatalog {
 public:
  // The built-in programs, then every *.json in `dir` (empty: none); a file
  // with a built-in's code replaces it.
  static Result<ProgramCatalog> Load(const std::string& dir);
  static const ProgramCatalog& Builtin();
  const Program* Find(const std::string& code) const;
  const std::map<std::string, Program>& all() const { return programs_; }

 private:
  std::map<std::string, Program> programs_;
};

}  // namespace ck::programs
