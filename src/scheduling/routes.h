// HTTP routes of scheduling (docs/api.md "Appointments").
#pragma once

#include "http/router.h"
#include "scheduling/service.h"

namespace ck::scheduling {

void RegisterRoutes(http::Router& router, Service& appointments);

}  // namespace ck::scheduling
