// HTTP routes of care plans (docs/api.md "Care plans").
#pragma once

#include "careplans/service.h"
#include "http/router.h"

namespace ck::careplans {

void RegisterRoutes(http::Router& router, Service& plans);

}  // namespace ck::careplans
