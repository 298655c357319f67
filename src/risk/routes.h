// HTTP routes of risk: scores computed from a patient's record (Charlson,
// LACE, HOSPITAL) and kept with their inputs and components, the patient's
// risk tier with its reasons, and the stratification runs.
#pragma once

#include "http/router.h"
#include "risk/rules.h"

namespace ck::risk {
void RegisterRoutes(http::Router& router, db::Database& db, const Clock& clock,
                    const TierRules& rules);
}  // namespace ck::risk
