// The one place where a Status becomes an HTTP error: status code and the JSON
// body {"error": "...", "field": "..." | null, "code": "...", "request_id": "..."}.
#pragma once

#include <string>

#include "core/status.h"
#include "http/request.h"

namespace ck::http {

int HttpStatusFor(ErrorCode code);
Response ErrorResponse(const Status& status, const std::string& request_id);
// For errors the transport detects itself (413, 405, 404 for unknown paths).
Response ErrorResponse(int http_status, const std::string& message, const std::string& field,
                       const std::string& request_id);

}  // namespace ck::http
