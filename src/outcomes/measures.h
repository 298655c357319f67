// Outcome measures: what case management achieved, over a period, for a
// program, team, case manager, payer or patient group, each as numerator,
// denominator and rate (with its 95 % interval), stratified by a demographic
// group with each group's gap to the overall rate and whether it differs
// significantly from the rest (docs/outcomes.md has every definition).
//
//   outcomes::Outcomes outcomes(db, clock, calendar, time_zone);
//   CK_ASSIGN_OR_RETURN(auto report, outcomes.Compute(who, actor, filter, "race", {}));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/business_calendar.h"
#include "core/clock.h"
#include "core/time_zone.h"
#include "db/database.h"
#include "outcomes/evaluation.h"
#include "outcomes/packs.h"

namespace ck::outcomes {

struct Filter {
  Date from, to;  // local calendar days, both included
  // Whose patients: those with a case open during the period (the default), or
  // every patient of the organisation ("all"; auditors and supervisors).
  std::string population = "case_managed";
  std::optional<std::string> program;  // program code
  std::optional<int64_t> team_id, user_id;
  std::optional<std::string> payer;  // of an active coverage
  // Patient groups (the values `by` groups into).
  std::optional<std::string> age_band, sex, race, ethnicity, language, postal_code;
};

// The dimensions a report is stratified by.
inline constexpr const char* kDimensions[] = {"age_band",  "sex",      "race",
                                              "ethnicity", "language", "postal_code",
                                              "program",   "payer",    "case_manager"};

struct Figure {
  std::string group;  // "all" overall
  int64_t numerator = 0, denominator = 0;
  std::optional<double> rate, ci_low, ci_high;
  std::optional<double> value;     // for measures with a value: mean change, median hours
  std::optional<double> exposure;  // person-time, for rates per person-time
  std::optional<double> gap;       // group rate minus the overall rate
  std::optional<double> p_value;   // the group against all the others
  bool significant = false;        // p < 0.05 with at least 10 in both denominators
};

struct Measure {
  std::string key, name, unit, definition;
  Figure overall;
  std::vector<Figure> groups;  // when stratified
};

struct MeasureInfo {
  std::string key, name, unit, definition;
};
const std::vector<MeasureInfo>& Catalog();

class Outcomes {
 public:
  Outcomes(db::Database& db, const Clock& clock, const BusinessCalendar& calendar,
           const TimeZone& tz)
      : db_(db), clock_(clock), calendar_(calendar), tz_(tz) {}

  // The measures (`keys`, empty: all) for `filter`, stratified `by` one of
  // kDimensions (empty: not). Case managers see their own caseload, supervisors
  // their team's; auditors everything (PermissionDenied otherwise).
  // InvalidArgument naming the field for a bad filter, dimension or measure.
  Result<std::vector<Measure>> Compute(const auth::Principal& who, const auth::Actor& actor,
                                       Filter filter, const std::string& by,
                                       const std::vector<std::string>& keys);

  // Program evaluation: before and after enrolment, against patients not enrolled.
  Result<Evaluation> Evaluate(const auth::Principal& who, const auth::Actor& actor,
                              const EvaluationRequest& request) {
    return EvaluateProgram(db_, clock_, tz_, who, actor, request);
  }
  // An accreditation or contract measure pack (packs.h).
  Result<PackReport> Pack(const auth::Principal& who, const auth::Actor& actor,
                          const std::string& pack, Date from, Date to) {
    return ComputePack(db_, clock_, tz_, who, actor, pack, from, to);
  }

 private:
  db::Database& db_;
  const Clock& clock_;
  const BusinessCalendar& calendar_;
  const TimeZone& tz_;
};

}  // namespace ck::outcomes
