#include "http/openapi.h"

#include <cctype>

#include "http/json.h"

namespace ck::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string OperationId(Method m, const std::string& pattern) {
  std::string id = Lower(MethodName(m));
  bool upper = true;
  for (char c : pattern) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  return id;
}

std::string Tag(const std::string& pattern) {
  // "/api/v1/patients/{patient_id}/cases" → "patients"; "/healthz" → "service".
  const std::string prefix = "/api/v1/";
  if (pattern.rfind(prefix, 0) != 0) return "service";
  std::string rest = pattern.substr(prefix.size());
  return rest.substr(0, rest.find('/'));
}

}  // namespace

std::string OpenApiDocument(const Router& router, const std::string& version) {
  Json error = {{"$ref", "#/components/schemas/Error"}};
  auto error_response = [&](const char* description) {
    return Json{{"description", description},
                {"content", {{"application/json", {{"schema", error}}}}}};
  };
  Json paths = Json::object();
  for (const Router::RouteInfo& r : router.Routes()) {
    Json op;
    op["operationId"] = OperationId(r.method, r.pattern);
    op["tags"] = {Tag(r.pattern)};
    op["summary"] = std::string(MethodName(r.method)) + " " + r.pattern;
    Json params = Json::array();
    for (size_t open = r.pattern.find('{'); open != std::string::npos;
         open = r.pattern.find('{', open + 1)) {
      std::string name = r.pattern.substr(open + 1, r.pattern.find('}', open) - open - 1);
      params.push_back({{"name", name},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "integer"}, {"format", "int64"}, {"minimum", 1}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    bool has_body =
        r.method == Method::kPost || r.method == Method::kPatch || r.method == Method::kPut;
    if (has_body)
      op["requestBody"] = {{"required", false},
                           {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    Json responses = {{r.method == Method::kPost ? "201" : "200",
                       {{"description", "success"},
                        {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}},
                      {"400", error_response("invalid input; `field` names it")}};
    if (r.permission) {
      op["security"] =
          Json::array({{{"bearerAuth", Json::array()}}, {{"cookieAuth", Json::array()}}});
      op["x-casekeeper-permission"] = std::string(auth::PermissionName(*r.permission));
      op["x-casekeeper-patient-scoped"] = r.patient_scoped;
      responses["401"] = error_response("not signed in, or the session ended");
      responses["403"] =
          error_response("the role lacks the permission, or no access to this patient");
    } else {
      op["security"] = Json::array();
    }
    if (!params.empty()) responses["404"] = error_response("no such record");
    if (has_body)
      responses["409"] = error_response("conflict: duplicate, stale version or disallowed step");
    op["responses"] = responses;
    paths[r.pattern][Lower(MethodName(r.method))] = op;
  }
  Json doc = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "casekeeper API"},
        {"version", version},
        {"description",
         "Medical case management. See docs/api.md for each endpoint's fields and rules."}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}},
          {"cookieAuth",
           {{"type", "apiKey"}, {"in", "cookie"}, {"name", Router::kSessionCookie}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"required", {"error", "field"}},
            {"properties",
             {{"error", {{"type", "string"}}},
              {"field", {{"type", "string"}, {"nullable", true}}},
              {"code", {{"type", "string"}}},
              {"request_id", {{"type", "string"}}}}}}}}}}}};
  return DumpJson(doc);
}

}  // namespace ck::http
