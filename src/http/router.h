// Router: maps method + path pattern to a handler, and is the single gate
// every request passes: authentication, role permission, patient access (with
// denials audited), then the handler, with any error rendered by errors.h.
//
//   router.Add(Method::kGet, "/api/v1/patients/{patient_id}",
//              {.permission = Permission::kReadPatient, .patient_param = "patient_id"},
//              [&](Request& req) -> Result<Response> { ... });
//
// Routes without a permission are public (login, health). Patterns are
// literal segments and {name} segments matching one non-empty segment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "auth/authorizer.h"
#include "core/clock.h"
#include "db/database.h"
#include "http/request.h"

namespace ck::http {

using Handler = std::function<Result<Response>(Request&)>;

struct RouteOptions {
  std::optional<auth::Permission> permission;  // nullopt: public route
  std::string patient_param;  // path parameter naming the patient whose access is checked
  // Or: finds the patient a request is about (a case, a note) inside the access
  // check's transaction; NotFound becomes 404.
  std::function<Result<int64_t>(db::Connection&, const Request&)> patient_of;
  bool on_io_thread = false;  // cheap and never blocks: skip the worker pool
};

class Router {
 public:
  Router(auth::Authenticator& authenticator, const auth::Authorizer& authorizer, db::Database& db,
         const Clock& clock);

  void Add(Method method, std::string pattern, RouteOptions options, Handler handler);

  // Answers GET/HEAD requests no route matches and `accepts` takes (the web app).
  void SetFallback(std::function<bool(const Request&)> accepts, Handler handler);

  // Whether the request's route may run on the I/O thread.
  bool RunsOnIoThread(const Request& req) const;

  // Runs the whole pipeline; never throws. Sets req.route for logs and metrics.
  Response Execute(Request& req) const;

  static constexpr const char* kSessionCookie = "ck_session";

  struct RouteInfo {
    Method method;
    std::string pattern;
    std::optional<auth::Permission> permission;
    bool patient_scoped;
  };
  // Every route, in registration order (for the OpenAPI document).
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteOptions options;
    Handler handler;
  };

  // The route for the request; sets *path_matched when some route has the path
  // but another method.
  const Route* Find(const Request& req, std::unordered_map<std::string, std::string>* params,
                    bool* path_matched) const;
  Response ExecuteRoute(Request& req) const;
  Response Run(const Route& route, Request& req) const;
  void AuditDenied(const Request& req, const std::string& reason,
                   std::optional<int64_t> patient_id) const;

  auth::Authenticator& authenticator_;
  const auth::Authorizer& authorizer_;
  db::Database& db_;
  const Clock& clock_;
  std::vector<Route> routes_;
  std::function<bool(const Request&)> fallback_accepts_;
  Handler fallback_;
};

// A RouteOptions::patient_of for routes about one row of `table` named by the
// path parameter `param`: the row's patient_id; NotFound ("no <what> N").
//   {.permission = P::kWritePatient, .patient_of = PatientOfRecord("tasks", "task_id", "task")}
std::function<Result<int64_t>(db::Connection&, const Request&)> PatientOfRecord(std::string table,
                                                                                std::string param,
                                                                                std::string what);

// The bearer token of a request: "Authorization: Bearer X", else the session cookie.
std::string TokenOf(const Request& req);

}  // namespace ck::http
