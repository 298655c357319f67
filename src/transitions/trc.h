// HEDIS Transitions of Care (TRC) for one discharge (docs/transitions.md;
// REFERENCE.md "Outcome measures"), on local days of the organisation:
//   admission_notification     the day of admission through 2 days after
//   discharge_information      the day of discharge through 2 days after
//   patient_engagement         1 through 30 days after discharge (not the day of discharge)
//   medication_reconciliation  the day of discharge through 30 days after
// A component is met by the earliest evidence inside its window, not met once
// the window has passed without any, and pending until then.
//
//   std::vector<TrcComponent> c = EvaluateTrc(stay, evidence, today, tz);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time_zone.h"
#include "transitions/model.h"

namespace ck::transitions {

// Something that may meet a component: an A01 received, a contact, a
// completed reconciliation, a record by hand.
struct TrcEvidence {
  std::string component;
  Timestamp at = 0;
  std::string source;
  std::optional<int64_t> ref_id;
  std::optional<std::string> by;
};

const std::vector<std::string>& TrcComponents();
bool IsTrcComponent(std::string_view component);

// The four components in TrcComponents() order. Before discharge only the
// admission notification has a window; the rest are pending.
std::vector<TrcComponent> EvaluateTrc(const Stay& stay, const std::vector<TrcEvidence>& evidence,
                                      Date today, const TimeZone& tz);

// met when all four are met, not_met when any is, else pending.
std::string OverallTrcStatus(const std::vector<TrcComponent>& components);

}  // namespace ck::transitions
