// The HTTP request and response as the rest of casekeeper sees them: plain
// structs, no Boost.Beast (which stays inside server.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auth/model.h"
#include "core/status.h"

namespace ck::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view MethodName(Method m);

struct Request {
  Method method = Method::kGet;
  std::string path;          // decoded? no: raw path, without the query string
  std::string query_string;  // after '?', raw
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string request_id;
  bool secure = false;  // arrived over TLS

  // Filled in by the router.
  std::string route;  // the matched pattern, e.g. "/api/v1/patients/{id}"
  std::unordered_map<std::string, std::string> params;
  std::optional<auth::Principal> principal;
  std::string access;                 // how access to the route's patient was granted
  std::optional<int64_t> patient_id;  // the route's patient, once access was granted

  std::string_view Header(std::string_view lower_name) const;
  // The first value of a query parameter, percent-decoded.
  std::optional<std::string> Query(std::string_view name) const;
  // An integer query parameter from `lo` to `hi` (nullopt when absent);
  // InvalidArgument naming it for anything else ("12abc", "", out of range).
  Result<std::optional<int64_t>> IntQuery(std::string_view name, int64_t lo, int64_t hi) const;
  // A path parameter that must be a positive integer id; InvalidArgument naming it otherwise.
  Result<int64_t> IdParam(const std::string& name) const;
  // The acting user for services and the audit trail (requires principal).
  auth::Actor Actor() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Percent-decoding ('+' as space in query strings); nullopt for a bad escape.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);

}  // namespace ck::http
