// The records of transitions of care (docs/transitions.md): acute stays with
// their readmission flags, discharge plans and their checklists, medication
// reconciliations with their discrepancies, adherence checks, and the HEDIS
// TRC components of a discharge. Plain structs; the rules live in
// checklist.h, medication_review.h, trc.h, readmissions.h and service.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace ck::transitions {

// An acute inpatient stay: one encounter, or several joined by transfers.
struct Stay {
  int64_t first_encounter_id = 0;  // the stay's key
  int64_t last_encounter_id = 0;   // whose discharge ends it
  int64_t patient_id = 0;
  int encounter_count = 1;
  std::string facility;
  Timestamp admitted_at = 0;
  Date admission_date{};  // local (the organisation's time zone)
  std::optional<Timestamp> discharged_at;
  std::optional<Date> discharge_date;
  std::optional<std::string> discharge_disposition;
  bool index_discharge = false;           // discharged alive: opens a 30-day window
  std::optional<int64_t> readmission_of;  // the earlier stay (its first encounter)
  std::optional<int> days_after_discharge;
  bool planned = false;
  std::optional<std::string> planned_basis;  // flagged | elective
  bool counted = false;                      // a readmission that counts (not planned)
  std::optional<int64_t> readmitted_by;      // the stay that counted as this one's readmission
};

struct ChecklistItem {
  std::string item;  // medication_reconciliation | follow_up_within_7_days | dme | ...
  std::string status = "pending";  // pending | in_progress | done | not_applicable
  std::optional<std::string> not_applicable_reason;
  bool defaulted = false;  // set by casekeeper from the disposition
  std::optional<int64_t> responsible_user_id;
  std::optional<std::string> responsible_name;  // an outside person: "Pat Lee"
  std::optional<std::string> responsible_role;  // "hospital discharge planner"
  std::optional<std::string> note;
  std::optional<Timestamp> completed_at;
  std::optional<int64_t> completed_by;
  Timestamp updated_at = 0;
};

struct Readiness {
  int done = 0, not_applicable = 0, total = 0;
  std::vector<std::string> missing;  // items neither done nor not applicable, in checklist order
  bool ready = false;
};

struct HistoryEntry {
  std::optional<std::string> item;
  std::string kind;
  std::optional<std::string> detail;  // JSON object
  std::optional<int64_t> by_user_id;
  Timestamp at = 0;
};

struct DischargePlan {
  int64_t id = 0;
  int64_t encounter_id = 0;
  int64_t patient_id = 0;
  std::optional<int64_t> case_id;
  std::optional<std::string> expected_discharge_date;  // YYYY-MM-DD
  std::string disposition;
  std::optional<std::string> note;
  std::optional<int64_t> created_by;
  Timestamp created_at = 0, updated_at = 0;
  int version = 1;
  // The encounter, for the screen.
  std::string facility, encounter_status;
  Timestamp admitted_at = 0;
  std::optional<Timestamp> discharged_at;
  std::vector<ChecklistItem> items;
  Readiness readiness;
  std::vector<HistoryEntry> history;
};

// A medication on one of the two lists compared.
struct MedicationLine {
  int position = 0;
  std::optional<int64_t> medication_id;  // the patient's medication row ("before" list)
  std::string name;
  std::optional<std::string> dose, route, frequency, code;  // code: RxNorm
};

struct Discrepancy {
  int64_t id = 0;
  // new | stopped | dose_changed | frequency_changed | route_changed | product_changed |
  // duplicate_therapy
  std::string kind;
  std::optional<int> before_position, discharge_position, other_position;
  std::string medication;                 // the name shown
  std::string detail;                     // "40 mg → 80 mg", "same class: loop diuretic"
  std::optional<std::string> resolution;  // kept | changed | stopped | clarified_with_prescriber |
                                          // not_a_discrepancy
  std::optional<std::string> resolved_with, resolution_note;
  std::optional<int64_t> resolved_by;
  std::optional<Timestamp> resolved_at;
};

struct Reconciliation {
  int64_t id = 0;
  int64_t encounter_id = 0;
  int64_t patient_id = 0;
  std::string status = "in_progress";  // in_progress | completed | cancelled
  std::string source;  // discharge_summary | discharge_instructions | patient_report | pharmacy |
                       // other
  std::optional<std::string> note;
  bool medication_list_updated = false;
  std::optional<int64_t> created_by, completed_by;
  Timestamp created_at = 0, updated_at = 0;
  std::optional<Timestamp> completed_at;
  std::optional<Timestamp> cancelled_at;
  std::optional<int64_t> cancelled_by;
  std::optional<std::string> cancel_reason;
  int version = 1;
  std::vector<MedicationLine> before, discharge;
  std::vector<Discrepancy> discrepancies;
};

struct AdherenceCheck {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::optional<int64_t> reconciliation_id;
  std::string method;      // patient_reported | missed_refills | pill_count
  std::string checked_on;  // YYYY-MM-DD
  std::string result;      // adherent | partially_adherent | non_adherent
  std::optional<std::string> medication, note;
  std::optional<int64_t> recorded_by;
  Timestamp recorded_at = 0;
};

// One of the four HEDIS TRC components of a discharge.
struct TrcComponent {
  std::string component;                       // admission_notification | discharge_information |
                                               // patient_engagement | medication_reconciliation
  std::string status;                          // met | not_met | pending
  std::optional<Date> window_from, window_to;  // local dates, inclusive; none before discharge
  std::optional<Timestamp> at;                 // the evidence that met it
  std::string source;  // hl7v2_a01 | hand_entry | documented | checklist | document | contact |
                       // appointment | reconciliation
  std::optional<int64_t> ref_id;
  std::optional<std::string> by;               // who did it
  std::optional<Timestamp> outside_window_at;  // evidence that came too early or too late
};

struct TransitionsOfCare {
  Stay stay;
  std::string status;  // met | not_met | pending (all met; any not met; else)
  std::vector<TrcComponent> components;
  // A later discharge within 30 days supersedes this one for HEDIS reporting.
  std::optional<int64_t> superseded_by;
};

struct ReadmissionCounts {
  Date from{}, to{};
  int64_t index_discharges = 0;      // denominator
  int64_t readmissions = 0;          // numerator: followed by a counted readmission
  int64_t planned_readmissions = 0;  // followed only by a planned one (excluded)
  int64_t window_open = 0;           // index discharges whose 30 days have not all passed
  double rate = 0;
};

}  // namespace ck::transitions
