// HTTP routes of cases, notes, contacts and caseloads.
#pragma once

#include "cases/directory.h"
#include "cases/documents.h"
#include "cases/service.h"
#include "http/router.h"

namespace ck::cases {
void RegisterRoutes(http::Router& router, Service& service);

// Route options for paths with a {case_id}: the permission, and the case's
// patient for the router's access check (routes of other modules about a case use it).
http::RouteOptions OnCase(auth::Permission permission);
void RegisterDirectoryRoutes(http::Router& router, Directory& directory);
void RegisterDocumentRoutes(http::Router& router, Documents& documents);
}  // namespace ck::cases
