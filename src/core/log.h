// Logging setup. Logs never carry patient data: identifiers of records and
// requests only, never names, dates of birth or free text.
#pragma once

#include <string>

#include "core/status.h"

namespace ck {

// Sends spdlog's default logger to stderr through a background thread, at
// `level` (trace | debug | info | warn | error | off).
Status InitLogging(const std::string& level);
void FlushLogging();

}  // namespace ck
