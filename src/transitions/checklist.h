// The discharge checklist: its items, which of them a disposition makes not
// applicable by default, and readiness at a glance (docs/transitions.md).
//
//   auto items = DefaultChecklist("home");  // home_health not applicable
//   Readiness r = ReadinessOf(items);        // r.ready, r.missing
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transitions/model.h"

namespace ck::transitions {

// In the order the checklist shows them.
const std::vector<std::string>& ChecklistItems();
bool IsChecklistItem(std::string_view item);

// home | home_health | skilled_nursing | inpatient_rehab | hospice | long_term_care_hospital |
// other: the encounter's discharge_disposition values a plan can aim for.
const std::vector<std::string>& PlanDispositions();
bool IsPlanDisposition(std::string_view disposition);

// Why `item` is not applicable by default for `disposition`, or nullopt when it applies.
std::optional<std::string> DefaultNotApplicable(std::string_view disposition,
                                                std::string_view item);

// Every item, pending or (by default) not applicable for the disposition.
std::vector<ChecklistItem> DefaultChecklist(std::string_view disposition);

// Done and not-applicable items over all; ready when nothing is missing.
Readiness ReadinessOf(const std::vector<ChecklistItem>& items);

}  // namespace ck::transitions
