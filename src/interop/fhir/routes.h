// The FHIR R4 API under /fhir/R4 (docs/fhir.md): the CapabilityStatement,
// read and search for the resource types casekeeper keeps, and Bundle import
// (transaction and batch), behind the same authentication, authorisation and
// audit as the REST API.
#pragma once

#include "core/clock.h"
#include "db/database.h"
#include "http/router.h"

namespace ck::fhir {

void RegisterRoutes(http::Router& router, db::Database& db, const Clock& clock);

}  // namespace ck::fhir
