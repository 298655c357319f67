// HTTP routes of the audit trail: GET /api/v1/audit and /api/v1/audit/verify
// (auditors only). Reading the trail is itself audited.
#pragma once

#include "core/clock.h"
#include "db/database.h"
#include "http/router.h"

namespace ck::audit {
void RegisterRoutes(http::Router& router, db::Database& db, const Clock& clock);
}  // namespace ck::audit
