// /api/v1/supervision/...: the team view, the documentation checklist, the
// reassignment proposal and bulk reassignment, coverage during leave
// (docs/supervision.md).
#pragma once

#include "cases/service.h"
#include "core/time_zone.h"
#include "http/router.h"
#include "supervision/supervision.h"

namespace ck::supervision {

void RegisterRoutes(http::Router& router, Supervision& supervision, cases::Service& cases,
                    const Clock& clock, const TimeZone& tz);

}  // namespace ck::supervision
