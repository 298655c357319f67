// Program evaluation (docs/outcomes.md): did enrolment in a program change
// hospital use? For the patients newly enrolled in a period, acute admissions,
// ED visits and 30-day readmissions in the months before enrolment against the
// months after, each with its interval; the same for patients not enrolled
// around the same calendar date; and the enrolled change relative to theirs.
//
//   CK_ASSIGN_OR_RETURN(auto e, EvaluateProgram(db, clock, tz, who, actor, request));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "core/time_zone.h"
#include "db/database.h"

namespace ck::outcomes {

struct EvaluationRequest {
  std::string program;  // program code
  Date from, to;        // enrolment (the first case of the program referred) in these local days
  int months = 6;       // the windows before and after
  // Patients not enrolled: "utilizers" (default; an acute admission or ED visit
  // in the window before the index date, as enrolees usually have) or "all".
  std::string comparison = "utilizers";
};

struct Period {
  int64_t events = 0;       // admissions, ED visits; readmitted index discharges
  int64_t denominator = 0;  // index discharges (readmissions)
  double patient_months = 0;
  std::optional<double> rate, ci_low, ci_high;  // per 1,000 patient-months, or a proportion
};

struct Change {
  std::optional<double> ratio, ci_low, ci_high;  // after / before
};

struct EvaluatedMeasure {
  std::string key, name, unit;
  Period before, after;
  Change change;
};

struct EvaluatedCohort {
  std::string group;  // enrolled | comparison
  int64_t patients = 0;
  int64_t complete_follow_up = 0;  // whose after window has ended
  std::vector<EvaluatedMeasure> measures;
};

struct Evaluation {
  EvaluationRequest request;
  std::optional<Timestamp> comparison_index;  // the enrolees' median enrolment time
  EvaluatedCohort enrolled, comparison;
  // Per measure: the enrolled ratio over the comparison ratio (difference in
  // differences on the ratio scale).
  std::vector<std::pair<std::string, Change>> relative;
};

// Supervisors and auditors (kReadReports); the figures are aggregates.
// InvalidArgument naming the field for an unknown program or a bad window.
Result<Evaluation> EvaluateProgram(db::Database& db, const Clock& clock, const TimeZone& tz,
                                   const auth::Principal& who, const auth::Actor& actor,
                                   const EvaluationRequest& request);

}  // namespace ck::outcomes
