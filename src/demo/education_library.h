// The demo's patient education library: a few dozen synthetic materials in
// the languages the demo patients speak, linked to their conditions.
#pragma once

#include "core/clock.h"
#include "db/database.h"

namespace ck::demo {

Status SeedEducationLibrary(db::Connection& c, Timestamp now);

}  // namespace ck::demo
