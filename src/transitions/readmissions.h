// 30-day readmissions (docs/transitions.md; the dashboard definition in
// REFERENCE.md "Outcome measures"): a patient's acute inpatient encounters
// (not cancelled, entered in error or only planned) become stays — a
// discharge "transferred" followed by an admission the same or the next local
// day is one stay — and a stay admitted 0 to 30 local days after the previous
// stay's discharge is a readmission of it (day 30 counts, day 31 does not). A
// planned readmission (a person's flag, else an elective admission) is marked
// but not counted. Every stay discharged alive is an index discharge.
//
// The flags live in `acute_stays`, recomputed for the patient in the
// transaction of every encounter change (ReadmissionFlags is the encounter
// observer of hand entry and HL7 ADT), so reports read them cheaply:
//
//   ReadmissionFlags flags(time_zone);
//   patients::ClinicalRecords clinical(db, clock, &flags);
//   CK_ASSIGN_OR_RETURN(ReadmissionCounts n, CountReadmissions(c, from, to, today));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time_zone.h"
#include "db/database.h"
#include "patients/clinical.h"
#include "transitions/model.h"

namespace ck::transitions {

inline constexpr int kReadmissionWindowDays = 30;

// An encounter as the readmission rule reads it.
struct EncounterFacts {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::string encounter_class, status, facility;
  Timestamp admitted_at = 0;
  std::optional<Timestamp> discharged_at;
  std::optional<std::string> admission_type, discharge_disposition;
  std::optional<bool> planned_flag;  // a person's word (admission_planning)
};

// The patient's acute stays, oldest first, with their flags. Pure.
std::vector<Stay> FlagStays(std::vector<EncounterFacts> encounters, const TimeZone& tz);

// Recomputes the patient's rows of `acute_stays` in the caller's transaction.
Status RecomputeStays(db::Connection& c, int64_t patient_id, const TimeZone& tz, Timestamp now);

// Every patient's stays (after a bulk import); returns the number of patients.
Result<int64_t> RecomputeAllStays(db::Database& db, const TimeZone& tz, Timestamp now);

// The encounter observer that keeps `acute_stays` current. Thread-safe (stateless).
class ReadmissionFlags final : public patients::EncounterObserver {
 public:
  explicit ReadmissionFlags(const TimeZone& tz) : tz_(tz) {}
  Status EncountersChanged(db::Connection& c, int64_t patient_id, Timestamp now) override {
    return RecomputeStays(c, patient_id, tz_, now);
  }

 private:
  const TimeZone& tz_;
};

// The readmission measure over index discharges whose local discharge date is
// in [from, to]: the denominator (index discharges), the numerator (those
// followed by a counted readmission), those followed only by a planned one,
// and those whose 30 days run past `today` (the figures may still grow).
// InvalidArgument (field "to") when to < from.
Result<ReadmissionCounts> CountReadmissions(db::Connection& c, Date from, Date to, Date today);

// The stays of one patient, oldest first, as stored.
Result<std::vector<Stay>> LoadStays(db::Connection& c, int64_t patient_id);
// The stay an encounter belongs to; NotFound ("encounter_id") when it is not
// part of an acute inpatient stay.
Result<Stay> StayOfEncounter(db::Connection& c, int64_t encounter_id);

}  // namespace ck::transitions
