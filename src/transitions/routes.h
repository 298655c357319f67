// REST routes of transitions of care (docs/api.md, "Transitions of care"):
// discharge plans, medication reconciliation, adherence checks, TRC, stays
// with their readmission flags, the planned flag and the readmission report.
#pragma once

#include "http/router.h"
#include "transitions/service.h"

namespace ck::transitions {

void RegisterRoutes(http::Router& router, Service& transitions);

}  // namespace ck::transitions
