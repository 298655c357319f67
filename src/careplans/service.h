// Care plans: per case, problems (linked to a condition where there is one),
// goals that are specific and measurable (a measure, a baseline, a target value
// or state and the direction that counts, a target date; patient-stated or
// clinician-set; proposed → active → achieved / not achieved / cancelled) with
// their progress over time, and interventions (what, who is responsible, how
// often). A plan is agreed with the patient (how, and when), reviewed on a
// schedule, and every change keeps a version: a snapshot of the whole plan
// with the reason. Reads return the plan as one JSON document — the same
// document the versions keep (docs/care_plans.md).
//
//   careplans::Service plans(db, clock);
//   CK_ASSIGN_OR_RETURN(Json plan, plans.Create(who, actor, case_id, "Heart failure", 30));
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::careplans {

using Json = nlohmann::json;

struct GoalInput {
  std::string description;
  std::optional<int64_t> problem_id;
  std::optional<std::string> measure;  // "HbA1c (%)"
  std::optional<double> baseline_value, target_value;
  std::optional<std::string> direction;    // decrease | increase | achieve
  std::optional<std::string> target_text;  // a state: "walks to the mailbox daily"
  std::string target_date;                 // YYYY-MM-DD
  std::string origin = "clinician_set";    // patient_stated | clinician_set
  std::string status = "active";           // proposed | active
};

struct InterventionInput {
  std::string description;
  std::string responsible;  // "case manager", "PCP", "patient", "daughter"
  std::optional<int64_t> responsible_user_id;
  std::optional<std::string> frequency;
  std::optional<int64_t> goal_id;
};

class Service {
 public:
  Service(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // FailedPrecondition on a closed case.
  Result<Json> Create(const auth::Principal& who, const auth::Actor& actor, int64_t case_id,
                      const std::string& title, int review_every_days);
  Result<Json> Get(const auth::Actor& actor, int64_t plan_id);
  Result<Json> ForCase(const auth::Actor& actor, int64_t case_id);
  Result<Json> Versions(const auth::Actor& actor, int64_t plan_id);

  Result<Json> AddProblem(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                          const std::string& description, std::optional<int64_t> condition_id);
  Result<Json> AddGoal(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                       const GoalInput& goal);
  // to: active | achieved | not_achieved | cancelled; Conflict on a stale version.
  Result<Json> SetGoalStatus(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                             int64_t goal_id, const std::string& to, int expected_version);
  Result<Json> AddProgress(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                           int64_t goal_id, std::optional<double> value,
                           const std::optional<std::string>& value_text,
                           const std::optional<std::string>& note,
                           std::optional<Timestamp> measured_at);
  Result<Json> AddIntervention(const auth::Principal& who, const auth::Actor& actor,
                               int64_t plan_id, const InterventionInput& in);
  // to: active | completed | stopped.
  Result<Json> SetInterventionStatus(const auth::Principal& who, const auth::Actor& actor,
                                     int64_t plan_id, int64_t intervention_id,
                                     const std::string& to);
  // method: verbal | written | electronic | declined. A draft plan agreed becomes active.
  Result<Json> Agree(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                     const std::string& method, const std::optional<std::string>& note);
  // Records the review and sets the next one review_every_days later.
  Result<Json> Review(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                      const std::optional<std::string>& note);
  // to: completed | revoked (final).
  Result<Json> Close(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                     const std::string& to, int expected_version);

 private:
  // Runs `change` on an open plan, then bumps its version and keeps the new
  // version's snapshot with `reason`; returns the plan.
  Result<Json> Change(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                      const std::string& reason,
                      const std::function<Status(db::Connection&, const Json& plan)>& change,
                      bool allow_closed = false);

  db::Database& db_;
  const Clock& clock_;
};

// Proposes `g` (as status proposed, for the patient to agree) on the case's
// open care plan, or on a new draft plan titled `plan_title`, in the caller's
// transaction; a new version is kept with `reason`. For programs. Returns the
// goal's id.
Result<int64_t> ProposeGoal(db::Connection& c, int64_t case_id, const std::string& plan_title,
                            GoalInput g, const std::string& reason, Timestamp now);

}  // namespace ck::careplans
