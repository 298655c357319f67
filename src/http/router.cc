#include "http/router.h"

#include <spdlog/spdlog.h>

#include "audit/trail.h"
#include "http/errors.h"
#include "http/json.h"

namespace ck::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end;
  }
  return out;
}

}  // namespace

std::function<Result<int64_t>(db::Connection&, const Request&)> PatientOfRecord(std::string table,
                                                                                std::string param,
                                                                                std::string what) {
  std::string sql = "SELECT patient_id FROM " + table + " WHERE id = ?";
  return [sql = std::move(sql), param = std::move(param), what = std::move(what)](
             db::Connection& c, const Request& req) -> Result<int64_t> {
    CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam(param));
    CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql, {id}));
    if (rows.empty()) return NotFound("no " + what + " " + std::to_string(id), param);
    return rows.at(0).Int(0);
  };
}

std::string TokenOf(const Request& req) {
  std::string_view auth = req.Header("authorization");
  if (auth.size() > 7 && (auth.starts_with("Bearer ") || auth.starts_with("bearer ")))
    return std::string(auth.substr(7));
  std::string_view cookies = req.Header("cookie");
  std::string_view name = Router::kSessionCookie;
  while (!cookies.empty()) {
    size_t semi = cookies.find(';');
    std::string_view part = cookies.substr(0, semi);
    cookies = semi == std::string_view::npos ? std::string_view() : cookies.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
  }
  return {};
}

namespace {

// A change sent with the session cookie must come from the app's own origin
// (defence in depth behind SameSite=Strict): an Origin header, when the
// browser sends one, names the Host. Bearer tokens are not sent by browsers
// on their own, so they are not checked.
bool SameOrigin(const Request& req) {
  if (req.method == Method::kGet || req.method == Method::kHead || req.method == Method::kOptions)
    return true;
  if (!req.Header("authorization").empty()) return true;
  std::string_view origin = req.Header("origin");
  if (origin.empty()) return true;
  size_t scheme = origin.find("://");
  if (scheme == std::string_view::npos) return false;
  return origin.substr(scheme + 3) == req.Header("host");
}

}  // namespace

Router::Router(auth::Authenticator& authenticator, const auth::Authorizer& authorizer,
               db::Database& db, const Clock& clock)
    : authenticator_(authenticator), authorizer_(authorizer), db_(db), clock_(clock) {}

void Router::Add(Method method, std::string pattern, RouteOptions options, Handler handler) {
  Route r{method, pattern, {}, std::move(options), std::move(handler)};
  for (auto seg : SplitPath(pattern)) r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
}

void Router::SetFallback(std::function<bool(const Request&)> accepts, Handler handler) {
  fallback_accepts_ = std::move(accepts);
  fallback_ = std::move(handler);
}

const Router::Route* Router::Find(const Request& req,
                                  std::unordered_map<std::string, std::string>* params,
                                  bool* path_matched) const {
  auto segs = SplitPath(req.path);
  *path_matched = false;
  for (const Route& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::unordered_map<std::string, std::string> found;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const std::string& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        auto decoded = PercentDecode(segs[i], false);
        if (!decoded || decoded->empty()) {
          ok = false;
        } else {
          found[p.substr(1, p.size() - 2)] = *decoded;
        }
      } else {
        ok = p == segs[i];
      }
    }
    if (!ok) continue;
    bool method_ok =
        r.method == req.method || (r.method == Method::kGet && req.method == Method::kHead);
    if (!method_ok) {
      *path_matched = true;
      continue;
    }
    if (params) *params = std::move(found);
    return &r;
  }
  return nullptr;
}

std::vector<Router::RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  for (const Route& r : routes_) {
    out.push_back({r.method, r.pattern, r.options.permission,
                   !r.options.patient_param.empty() || static_cast<bool>(r.options.patient_of)});
  }
  return out;
}

bool Router::RunsOnIoThread(const Request& req) const {
  bool path_matched;
  const Route* r = Find(req, nullptr, &path_matched);
  if (!r && !path_matched && fallback_ && fallback_accepts_(req)) return true;  // from memory
  return r && r->options.on_io_thread;
}

void Router::AuditDenied(const Request& req, const std::string& reason,
                         std::optional<int64_t> patient_id) const {
  audit::Event e;
  e.at = clock_.Now();
  if (req.principal) {
    e.user_id = req.principal->user_id;
    e.username = req.principal->username;
    e.role = std::string(auth::RoleName(req.principal->role));
  }
  e.action = std::string(MethodName(req.method)) + " " + req.route;
  e.entity_type = patient_id ? "patient" : "route";
  e.entity_id = patient_id ? std::to_string(*patient_id) : req.route;
  e.patient_id = patient_id;
  e.outcome = "denied";
  e.request_id = req.request_id;
  e.detail = reason.substr(0, 200);
  Status st = audit::AppendNow(db_, e);
  if (!st.ok())
    spdlog::error("request {}: audit of a denial failed: {}", req.request_id, st.ToString());
}

Response Router::Run(const Route& route, Request& req) const {
  const RouteOptions& o = route.options;
  if (o.permission) {
    std::string token = TokenOf(req);
    if (token.empty()) return ErrorResponse(Unauthenticated("sign in first"), req.request_id);
    if (!SameOrigin(req))
      return ErrorResponse(PermissionDenied("a cross-site request with the session cookie"),
                           req.request_id);
    auto principal = authenticator_.Authenticate(token);
    if (!principal.ok()) return ErrorResponse(principal.status(), req.request_id);
    req.principal = *principal;
    Status allowed = auth::Authorizer::Require(*principal, *o.permission);
    if (!allowed.ok()) {
      AuditDenied(req, allowed.message(), std::nullopt);
      return ErrorResponse(allowed, req.request_id);
    }
    if (!o.patient_param.empty() || o.patient_of) {
      Result<int64_t> patient_id = Internal("unset");
      if (!o.patient_param.empty()) {
        patient_id = req.IdParam(o.patient_param);
        if (!patient_id.ok()) return ErrorResponse(patient_id.status(), req.request_id);
      }
      Result<auth::Access> access = Internal("unset");
      std::optional<int64_t> effective;  // the record that stands for it (merges)
      Status st = db_.Read([&](db::Connection& c) {
        if (o.patient_of) {
          patient_id = o.patient_of(c, req);
          if (!patient_id.ok()) return Status::Ok();
        }
        access = authorizer_.CheckPatientAccess(c, *principal, *patient_id);
        if (access.ok()) {
          auto e = auth::Authorizer::EffectivePatient(c, *patient_id);
          if (e.ok()) effective = *e;
        }
        return Status::Ok();
      });
      if (!st.ok()) return ErrorResponse(st, req.request_id);
      if (!patient_id.ok()) {
        // Caseload roles learn nothing about records outside their caseload,
        // not even whether an id exists.
        bool caseload = principal->role == auth::Role::kCaseManager ||
                        principal->role == auth::Role::kSupervisor;
        if (caseload && patient_id.status().code() == ErrorCode::kNotFound)
          return ErrorResponse(PermissionDenied("no access to this record"), req.request_id);
        return ErrorResponse(patient_id.status(), req.request_id);
      }
      if (!access.ok()) {
        if (access.status().code() == ErrorCode::kPermissionDenied)
          AuditDenied(req, access.status().message(), *patient_id);
        return ErrorResponse(access.status(), req.request_id);
      }
      req.access = std::string(auth::AccessName(*access));
      // Work on a merged record lands on the record that absorbed it.
      req.patient_id = effective.value_or(*patient_id);
    }
  }
  Result<Response> result = route.handler(req);
  if (!result.ok()) {
    if (result.status().code() == ErrorCode::kInternal ||
        result.status().code() == ErrorCode::kDataLoss)
      spdlog::error("request {} {}: {}", req.request_id, req.route, result.status().ToString());
    return ErrorResponse(result.status(), req.request_id);
  }
  return std::move(result).value();
}

namespace {

// Errors under /fhir/ as FHIR clients expect them: an OperationOutcome naming
// the field as its expression.
Response AsOperationOutcome(Response r) {
  Json body = Json::parse(r.body, nullptr, false);
  if (!body.is_object()) return r;
  std::string code = r.status == 401   ? "login"
                     : r.status == 403 ? "forbidden"
                     : r.status == 404 ? "not-found"
                     : r.status == 409 ? "conflict"
                     : r.status >= 500 ? "exception"
                                       : "invalid";
  Json issue = {{"severity", "error"}, {"code", code}, {"diagnostics", body.value("error", "")}};
  if (body.contains("field") && body["field"].is_string())
    issue["expression"] = Json::array({body["field"]});
  Json outcome = {{"resourceType", "OperationOutcome"}, {"issue", Json::array({issue})}};
  if (body.contains("request_id")) outcome["id"] = body["request_id"];
  r.body = outcome.dump();
  r.content_type = "application/fhir+json";
  return r;
}

}  // namespace

Response Router::Execute(Request& req) const {
  Response r = ExecuteRoute(req);
  if (r.status >= 400 && req.path.rfind("/fhir/", 0) == 0) return AsOperationOutcome(std::move(r));
  return r;
}

Response Router::ExecuteRoute(Request& req) const {
  bool path_matched = false;
  const Route* route = Find(req, &req.params, &path_matched);
  if (!route && !path_matched && fallback_ && fallback_accepts_(req)) {
    req.route = "web_app";
    auto r = fallback_(req);
    return r.ok() ? std::move(r).value() : ErrorResponse(r.status(), req.request_id);
  }
  if (!route) {
    req.route = path_matched ? "method_not_allowed" : "unmatched";
    if (path_matched)
      return ErrorResponse(405, "method not allowed on this path", "method", req.request_id);
    return ErrorResponse(404, "no such endpoint", "path", req.request_id);
  }
  req.route = route->pattern;
  try {
    return Run(*route, req);
  } catch (const std::exception& e) {
    spdlog::error("request {} {}: unexpected exception: {}", req.request_id, req.route, e.what());
  } catch (...) {
    spdlog::error("request {} {}: unexpected exception", req.request_id, req.route);
  }
  return ErrorResponse(Internal("unexpected exception"), req.request_id);
}

}  // namespace ck::http
