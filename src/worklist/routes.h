// HTTP routes of the worklist (docs/api.md "Worklist").
#pragma once

#include "http/router.h"
#include "worklist/worklist.h"

namespace ck::worklist {

void RegisterRoutes(http::Router& router, Worklist& worklist);

}  // namespace ck::worklist
