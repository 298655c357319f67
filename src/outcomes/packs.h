// Accreditation and contract measure packs (docs/outcomes.md): the figures an
// NCQA case management survey or a health plan's HEDIS contract asks for, each
// with its own population rules, over the organisation's whole record.
//
//   ncqa_case_management  initial assessment within 30 days, its components
//                         dated, outreach attempts before an unable-to-reach closure
//   hedis_trc             Transitions of Care, Medicare members 18+, per discharge
//   hedis_fmc             follow-up within 7 days after an ED visit, members 18+
//   hedis_pcr             plan all-cause readmissions, observed, members 18+
//
//   CK_ASSIGN_OR_RETURN(PackReport r, ComputePack(db, clock, tz, who, actor, "hedis_trc", from,
//   to));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "core/time_zone.h"
#include "db/database.h"

namespace ck::outcomes {

struct PackMeasure {
  std::string key, name, definition;
  int64_t numerator = 0, denominator = 0;
  int64_t pending = 0;  // in the population, but its window has not closed yet
  std::optional<double> rate, ci_low, ci_high;
};

struct PackReport {
  std::string pack, title;
  std::vector<PackMeasure> measures;
  std::vector<std::string> notes;  // how we read the specification
};

const std::vector<std::pair<std::string, std::string>>& Packs();  // key, title

// Supervisors and auditors (kReadReports). InvalidArgument naming "pack" for an
// unknown one, "to" for a reversed period.
Result<PackReport> ComputePack(db::Database& db, const Clock& clock, const TimeZone& tz,
                               const auth::Principal& who, const auth::Actor& actor,
                               const std::string& pack, Date from, Date to);

}  // namespace ck::outcomes
