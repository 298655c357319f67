// HTTP routes of cases, notes, contacts and caseloads.
#pragma once

#include "cases/directory.h"
#include "cases/documents.h"
#include "cases/service.h"
#include "http/router.h"

namespace ck::cases {
void RegisterRoutes(http::Router& router, Service& service);
void RegisterDirectoryRoutes(http::Router& router, Directory& directory);
void RegisterDocumentRoutes(http::Router& router, Documents& documents);
}  // namespace ck::cases
