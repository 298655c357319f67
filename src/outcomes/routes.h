// GET /api/v1/reports/outcomes: the outcome measures for a period and a
// population, optionally stratified (the equity view), as JSON, CSV or XLSX.
#pragma once

#include "http/router.h"
#include "outcomes/measures.h"

namespace ck::outcomes {

void RegisterRoutes(http::Router& router, Outcomes& outcomes);

}  // namespace ck::outcomes
