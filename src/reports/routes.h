// HTTP routes of reports/: the confidential case file (GET
// /api/v1/cases/{case_id}/file.pdf?reason=...). Domain reports register their
// own routes and answer downloads through reports::Respond.
#pragma once

#include "core/clock.h"
#include "db/database.h"
#include "http/router.h"

namespace ck::reports {

void RegisterRoutes(http::Router& router, db::Database& db, const Clock& clock);

}  // namespace ck::reports
