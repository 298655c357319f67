// REST routes for coverage eligibility, prior authorizations, appeals (and
// their packet PDF), claims (one, or a CSV file) and the insurance report
// (docs/api.md, "Insurance").
#pragma once

#include "http/router.h"
#include "insurance/service.h"

namespace ck::insurance {

void RegisterRoutes(http::Router& router, Service& insurance);

}  // namespace ck::insurance
