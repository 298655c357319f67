// JSON bodies in and out, with errors that name the offending field.
//
//   CK_ASSIGN_OR_RETURN(auto body, ParseJsonObject(req));
//   CK_ASSIGN_OR_RETURN(std::string name, RequiredString(body, "family_name", 100));
//   return JsonResponse(201, {{"id", id}});
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "http/request.h"

namespace ck::http {

using Json = nlohmann::json;

// The body as a JSON object. InvalidArgument with field "body" for malformed
// JSON (naming the byte offset), invalid UTF-8, nesting deeper than 32 levels,
// or anything but an object.
Result<Json> ParseJsonObject(const Request& req);

// Absent values render as JSON null; times as ISO-8601 UTC.
inline Json OrNull(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
inline Json OrNull(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
inline Json OrNull(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }
inline Json TimeOrNull(const std::optional<Timestamp>& v) {
  return v ? Json(FormatTimestamp(*v)) : Json(nullptr);
}

// Serialises without throwing (invalid UTF-8 is replaced).
std::string DumpJson(const Json& j);
Response JsonResponse(int status, const Json& body);

// Field readers: InvalidArgument naming the field when it is missing (for the
// required ones), of the wrong type, empty, or longer than max_len bytes.
Result<std::string> RequiredString(const Json& obj, const char* field, size_t max_len);
Result<std::optional<std::string>> OptionalString(const Json& obj, const char* field,
                                                  size_t max_len);
Result<std::optional<int64_t>> OptionalInt(const Json& obj, const char* field);
// An array of non-empty strings of at most max_len bytes each; empty when absent or null.
Result<std::vector<std::string>> OptionalStringList(const Json& obj, const char* field,
                                                    size_t max_len);
Result<std::optional<bool>> OptionalBool(const Json& obj, const char* field);
// An ISO-8601 time (InvalidArgument naming the field otherwise), or nullopt when absent.
Result<std::optional<Timestamp>> OptionalTime(const Json& obj, const char* field);
// A required YYYY-MM-DD query parameter (InvalidArgument naming it otherwise).
Result<Date> RequiredDateQuery(const Request& req, const char* name);
// The "version" an update was based on: InvalidArgument (field "version") when
// it is missing or not an integer from 1 to 2^31-1.
Result<int> RequiredVersion(const Json& obj);
// InvalidArgument for any key not in `allowed` (catches typos that would be silently dropped).
Status RejectUnknownFields(const Json& obj, std::initializer_list<const char*> allowed);

}  // namespace ck::http
