#include "http/errors.h"

#include "http/json.h"

namespace ck::http {
namespace {

Response Build(int http_status, const std::string& message, const std::string& field,
               const std::string& request_id, std::string_view code_name) {
  Json body = {{"error", message}, {"field", field.empty() ? Json(nullptr) : Json(field)}};
  if (!code_name.empty()) body["code"] = std::string(code_name);
  if (!request_id.empty()) body["request_id"] = request_id;
  Response r = JsonResponse(http_status, body);
  if (http_status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"casekeeper\"");
  return r;
}

}  // namespace

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict:
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kDataLoss:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response ErrorResponse(int http_status, const std::string& message, const std::string& field,
                       const std::string& request_id) {
  return Build(http_status, message, field, request_id, "");
}

Response ErrorResponse(const Status& status, const std::string& request_id) {
  int code = HttpStatusFor(status.code());
  // Internal details (SQL errors) stay in the log, not in the response.
  bool hide = code == 500;
  return Build(code, hide ? "internal error; quote the request id to support" : status.message(),
               hide ? "" : status.field(), request_id, ErrorCodeName(status.code()));
}

}  // namespace ck::http
