// The FHIR R4 API under /fhir/R4 (docs/fhir.md): the CapabilityStatement,
// read and search for the resource types casekeeper keeps, and Bundle import
// (transaction and batch), behind the same authentication, authorisation and
// audit as the REST API.
#pragma once

#include "core/clock.h"
#include "db/database.h"
#include "http/router.h"

namespace ck::patients {
class EncounterObserver;  // patients/clinical.h
}

namespace ck::fhir {

// `encounter_observer` (may be null) hears of encounters a Bundle import changed.
void RegisterRoutes(http::Router& router, db::Database& db, const Clock& clock,
                    patients::EncounterObserver* encounter_observer = nullptr);

}  // namespace ck::fhir
