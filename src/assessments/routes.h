// HTTP routes of instruments, stateless scoring, assessments, alerts and notifications.
#pragma once

#include "assessments/alerts.h"
#include "assessments/service.h"
#include "http/router.h"

namespace ck::assessments {
void RegisterRoutes(http::Router& router, Service& service, Alerts& alerts);
}  // namespace ck::assessments
