// REST routes for the patient education library and assignments (docs/api.md, "Education").
#pragma once

#include "education/service.h"
#include "http/router.h"

namespace ck::education {

void RegisterRoutes(http::Router& router, Service& education);

}  // namespace ck::education
