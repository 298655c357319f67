// HTTP routes of tasks (docs/api.md "Tasks"): per case, the caller's own and
// queued tasks, claim, status moves, edits, outreach attempts, and a patient's
// care management time per month.
#pragma once

#include "http/router.h"
#include "tasks/service.h"

namespace ck::tasks {

void RegisterRoutes(http::Router& router, Service& tasks);

}  // namespace ck::tasks
