// HTTP routes of the patient registry under /api/v1/patients.
#pragma once

#include "http/router.h"
#include "patients/clinical.h"
#include "patients/consent.h"
#include "patients/service.h"

namespace ck::patients {
void RegisterRoutes(http::Router& router, Service& service);
void RegisterClinicalRoutes(http::Router& router, ClinicalRecords& records);
void RegisterTimelineRoute(http::Router& router, db::Database& db, const Clock& clock);
void RegisterConsentRoutes(http::Router& router, Consents& consents);
}  // namespace ck::patients
