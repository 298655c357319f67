// HTTP routes of cases, notes, contacts and caseloads.
#pragma once

#include "cases/directory.h"
#include "cases/service.h"
#include "http/router.h"

namespace ck::cases {
void RegisterRoutes(http::Router& router, Service& service);
void RegisterDirectoryRoutes(http::Router& router, Directory& directory);
}  // namespace ck::cases
