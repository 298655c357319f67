// HTTP routes of cases, notes, contacts and caseloads.
#pragma once

#include "cases/service.h"
#include "http/router.h"

namespace ck::cases {
void RegisterRoutes(http::Router& router, Service& service);
}  // namespace ck::cases
