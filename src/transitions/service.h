// Transitions of care (docs/transitions.md): discharge plans with a checklist
// and readiness at a glance, medication reconciliation for a stay (the two
// lists compared, each discrepancy resolved, the patient's list updated),
// adherence checks afterwards, the four HEDIS TRC components of a discharge
// with their evidence, the planned flag of an admission, and the readmission
// measure. Every write is audited and, where it has one, versioned (Conflict
// on a stale version). Access to the patient is checked by the routes.
//
//   transitions::Service transitions(db, clock, time_zone);
//   CK_ASSIGN_OR_RETURN(DischargePlan p, transitions.CreatePlan(who, actor, encounter_id, n));
//   p.readiness.ready;  // every item done or not applicable
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "core/time_zone.h"
#include "db/database.h"
#include "transitions/model.h"
#include "transitions/trc.h"

namespace ck::transitions {

// A change to one checklist item; absent values are left as they are.
struct ItemChange {
  std::string item;
  std::optional<std::string> status;  // pending | in_progress | done | not_applicable
  std::optional<std::string> not_applicable_reason;  // required for not_applicable
  std::optional<std::string> note;
  // Who is responsible: a user, or a named outside person with a role. When
  // set, all three are replaced (absent ones cleared).
  bool set_responsible = false;
  std::optional<int64_t> responsible_user_id;
  std::optional<std::string> responsible_name, responsible_role;
};

struct NewPlan {
  std::string disposition;
  std::optional<std::string> expected_discharge_date;
  std::optional<int64_t> case_id;
  std::optional<std::string> note;
  std::vector<ItemChange> items;  // changes to the default checklist
};

struct PlanChange {
  std::optional<std::string> disposition;
  bool set_expected_discharge_date = false;
  std::optional<std::string> expected_discharge_date;
  bool set_note = false;
  std::optional<std::string> note;
  bool set_case = false;
  std::optional<int64_t> case_id;
};

struct NewReconciliation {
  std::string source = "discharge_summary";
  std::vector<MedicationLine> discharge;
  std::optional<std::string> note;
};

struct ReconciliationChange {
  std::optional<std::vector<MedicationLine>> discharge;
  std::optional<std::string> source;
  bool set_note = false;
  std::optional<std::string> note;
};

struct Resolution {
  std::string resolution;     // kept | changed | stopped | clarified_with_prescriber |
                              // not_a_discrepancy
  std::string resolved_with;  // "Dr. Osei (discharging hospitalist)", "patient"
  std::optional<std::string> note;
};

struct TrcRecord {
  std::string component;
  Timestamp occurred_at = 0;
  std::optional<std::string> performed_by;  // who did it, when not the caller
  std::optional<std::string> note;
};

// Everything that may meet a component of this stay's TRC (EvaluateTrc's input).
Result<std::vector<TrcEvidence>> LoadTrcEvidence(db::Connection& c, const Stay& stay);

// One acute stay with its plan's readiness and its TRC components.
struct StayOverview {
  TransitionsOfCare trc;
  std::optional<int64_t> discharge_plan_id;
  std::optional<Readiness> readiness;
};

class Service {
 public:
  Service(db::Database& db, const Clock& clock, const TimeZone& time_zone)
      : db_(db), clock_(clock), tz_(time_zone) {}

  // Discharge plans, one per inpatient or observation encounter. InvalidArgument
  // naming the field; FailedPrecondition for a cancelled encounter or one of
  // another class; AlreadyExists (field encounter_id) for a second plan;
  // Conflict on a stale version.
  Result<DischargePlan> CreatePlan(const auth::Principal& who, const auth::Actor& actor,
                                   int64_t encounter_id, const NewPlan& n);
  Result<DischargePlan> PlanForEncounter(const auth::Actor& actor, int64_t encounter_id);
  Result<DischargePlan> GetPlan(const auth::Actor& actor, int64_t plan_id);
  // A new disposition re-applies the default applicability to the items
  // casekeeper set and to pending items nobody has touched.
  Result<DischargePlan> UpdatePlan(const auth::Principal& who, const auth::Actor& actor,
                                   int64_t plan_id, const PlanChange& change, int expected_version);
  Result<DischargePlan> UpdateItem(const auth::Principal& who, const auth::Actor& actor,
                                   int64_t plan_id, const ItemChange& change, int expected_version);

  // Medication reconciliation: the "before" list is the patient's medications
  // active on the local day of admission. One in progress per encounter
  // (AlreadyExists otherwise); changes only while in progress
  // (FailedPrecondition); completing needs every discrepancy resolved
  // (FailedPrecondition, field "discrepancies"), marks the checklist item
  // done, closes the patient's open reconciliation tasks since admission and,
  // when asked, makes the patient's medication list the reconciled one.
  Result<Reconciliation> StartReconciliation(const auth::Principal& who, const auth::Actor& actor,
                                             int64_t encounter_id, const NewReconciliation& n);
  Result<std::vector<Reconciliation>> ReconciliationsFor(const auth::Actor& actor,
                                                         int64_t encounter_id);
  Result<Reconciliation> GetReconciliation(const auth::Actor& actor, int64_t id);
  Result<Reconciliation> UpdateReconciliation(const auth::Principal& who, const auth::Actor& actor,
                                              int64_t id, const ReconciliationChange& change,
                                              int expected_version);
  Result<Reconciliation> Resolve(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                                 int64_t discrepancy_id, const Resolution& r, int expected_version);
  Result<Reconciliation> CompleteReconciliation(const auth::Principal& who,
                                                const auth::Actor& actor, int64_t id,
                                                bool update_medication_list, int expected_version);
  // Ends a reconciliation in progress without completing it, for a reason: its
  // lists and resolutions stay on record, the checklist item and tasks stay
  // open, and a new one may be started. FailedPrecondition unless in progress.
  Result<Reconciliation> CancelReconciliation(const auth::Principal& who, const auth::Actor& actor,
                                              int64_t id, const std::string& reason,
                                              int expected_version);

  Result<AdherenceCheck> RecordAdherence(const auth::Principal& who, const auth::Actor& actor,
                                         int64_t patient_id, AdherenceCheck check);
  Result<std::vector<AdherenceCheck>> AdherenceFor(const auth::Actor& actor, int64_t patient_id);

  // The TRC components of the stay `encounter_id` belongs to (NotFound, field
  // encounter_id, when it is not an acute inpatient stay).
  Result<TransitionsOfCare> TransitionsOfCareFor(const auth::Actor& actor, int64_t encounter_id);
  // Evidence by hand; occurred_at not in the future (InvalidArgument).
  Result<TransitionsOfCare> DocumentTrc(const auth::Principal& who, const auth::Actor& actor,
                                        int64_t encounter_id, const TrcRecord& r);
  Result<TransitionsOfCare> RetractTrc(const auth::Principal& who, const auth::Actor& actor,
                                       int64_t documentation_id, const std::string& reason);

  // A person's word on whether the admission was planned (a planned
  // readmission is not counted); recomputes the patient's flags.
  Result<Stay> SetPlanned(const auth::Principal& who, const auth::Actor& actor,
                          int64_t encounter_id, bool planned, const std::string& reason);
  Result<std::vector<StayOverview>> StaysFor(const auth::Actor& actor, int64_t patient_id);
  // The readmission measure for index discharges from `from` to `to` (local dates).
  Result<ReadmissionCounts> ReadmissionReport(const auth::Actor& actor, Date from, Date to);

  const TimeZone& time_zone() const { return tz_; }

 private:
  Result<TransitionsOfCare> LoadTrc(db::Connection& c, const Stay& stay, Timestamp now);
  db::Database& db_;
  const Clock& clock_;
  const TimeZone& tz_;
};

}  // namespace ck::transitions
