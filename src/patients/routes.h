// HTTP routes of the patient registry under /api/v1/patients.
#pragma once

#include "http/router.h"
#include "patients/service.h"

namespace ck::patients {
void RegisterRoutes(http::Router& router, Service& service);
}  // namespace ck::patients
