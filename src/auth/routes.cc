#include "auth/routes.h"

#include "http/json.h"

namespace ck::auth {
namespace {

using http::Json;
using P = Permission;

Json ToJson(const User& u) {
  Json j = {
      {"id", u.id},
      {"username", u.username},
      {"display_name", u.display_name},
      {"role", RoleName(u.role)},
      {"team_id", u.team_id ? Json(*u.team_id) : Json(nullptr)},
      {"active", u.active},
      {"locked_until", u.locked_until ? Json(FormatTimestamp(*u.locked_until)) : Json(nullptr)},
      {"created_at", FormatTimestamp(u.created_at)}};
  return j;
}

Json ToJson(const Principal& p) {
  return {{"id", p.user_id},
          {"username", p.username},
          {"display_name", p.display_name},
          {"role", RoleName(p.role)},
          {"team_id", p.team_id ? Json(*p.team_id) : Json(nullptr)}};
}

Result<std::optional<Role>> OptionalRole(const Json& body) {
  CK_ASSIGN_OR_RETURN(auto name, http::OptionalString(body, "role", 32));
  if (!name) return std::optional<Role>();
  CK_ASSIGN_OR_RETURN(Role r, ParseRole(*name));
  return std::optional<Role>(r);
}

}  // namespace

void RegisterRoutes(http::Router& router, Authenticator& authn, Accounts& accounts) {
  router.Add(
      http::Method::kPost, "/api/v1/auth/login", {},
      [&authn](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_ASSIGN_OR_RETURN(std::string username, http::RequiredString(body, "username", 64));
        auto pw = body.find("password");
        if (pw == body.end() || !pw->is_string() || pw->get<std::string>().empty())
          return InvalidArgument("is required", "password");
        if (pw->get<std::string>().size() > 1024)
          return InvalidArgument("must be at most 1024 characters", "password");
        CK_ASSIGN_OR_RETURN(auto login,
                            authn.SignIn(username, pw->get<std::string>(), req.request_id));
        int idle_seconds = static_cast<int>(authn.options().session_idle / 1000);
        http::Response r =
            http::JsonResponse(200, {{"token", login.token},
                                     {"user", ToJson(login.principal)},
                                     {"expires_at", FormatTimestamp(login.principal.expires_at)},
                                     {"idle_timeout_seconds", idle_seconds}});
        std::string cookie = std::string(http::Router::kSessionCookie) + "=" + login.token +
                             "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                             std::to_string(authn.options().session_max / 1000);
        if (req.secure) cookie += "; Secure";
        r.headers.emplace_back("Set-Cookie", cookie);
        return r;
      });

  router.Add(http::Method::kPost, "/api/v1/auth/logout", {.permission = P::kViewOwnAccount},
             [&authn](http::Request& req) -> Result<http::Response> {
               CK_RETURN_IF_ERROR(authn.SignOut(http::TokenOf(req), req.request_id));
               http::Response r = http::JsonResponse(200, {{"signed_out", true}});
               r.headers.emplace_back("Set-Cookie",
                                      std::string(http::Router::kSessionCookie) +
                                          "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
               return r;
             });

  router.Add(http::Method::kGet, "/api/v1/auth/me", {.permission = P::kViewOwnAccount},
             [&authn](http::Request& req) -> Result<http::Response> {
               Json j = ToJson(*req.principal);
               j["expires_at"] = FormatTimestamp(req.principal->expires_at);
               j["idle_timeout_seconds"] = authn.options().session_idle / 1000;
               return http::JsonResponse(200, j);
             });

  router.Add(http::Method::kGet, "/api/v1/users", {.permission = P::kManageUsers},
             [&accounts](http::Request&) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto users, accounts.ListUsers());
               Json items = Json::array();
               for (const User& u : users) items.push_back(ToJson(u));
               return http::JsonResponse(200, {{"items", items}});
             });

  // Colleagues by name, for screens that show who owns what (no usernames,
  // nothing about accounts); integration accounts are not staff.
  router.Add(
      http::Method::kGet, "/api/v1/staff", {.permission = P::kViewOwnAccount},
      [&accounts](http::Request&) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(auto users, accounts.ListUsers());
        Json items = Json::array();
        for (const User& u : users) {
          if (!u.active || u.role == Role::kIntegration) continue;
          items.push_back({{"id", u.id},
                           {"display_name", u.display_name.empty() ? u.username : u.display_name},
                           {"role", std::string(RoleName(u.role))},
                           {"team_id", u.team_id ? Json(*u.team_id) : Json(nullptr)}});
        }
        return http::JsonResponse(200, {{"items", items}});
      });

  router.Add(http::Method::kPost, "/api/v1/users", {.permission = P::kManageUsers},
             [&accounts](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"username", "display_name", "role", "team_id", "password"}));
               NewUser nu;
               CK_ASSIGN_OR_RETURN(nu.username, http::RequiredString(body, "username", 64));
               CK_ASSIGN_OR_RETURN(auto display, http::OptionalString(body, "display_name", 200));
               nu.display_name = display.value_or("");
               CK_ASSIGN_OR_RETURN(auto role, OptionalRole(body));
               if (!role) return InvalidArgument("is required", "role");
               nu.role = *role;
               CK_ASSIGN_OR_RETURN(nu.team_id, http::OptionalInt(body, "team_id"));
               auto pw = body.find("password");
               if (pw != body.end() && !pw->is_null()) {
                 if (!pw->is_string()) return InvalidArgument("must be a string", "password");
                 nu.password = pw->get<std::string>();
               }
               CK_ASSIGN_OR_RETURN(User u, accounts.AddUser(req.Actor(), nu));
               return http::JsonResponse(201, ToJson(u));
             });

  router.Add(http::Method::kPatch, "/api/v1/users/{user_id}", {.permission = P::kManageUsers},
             [&accounts](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("user_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(
                   http::RejectUnknownFields(body, {"display_name", "role", "team_id", "active"}));
               UserChange change;
               CK_ASSIGN_OR_RETURN(change.role, OptionalRole(body));
               CK_ASSIGN_OR_RETURN(change.active, http::OptionalBool(body, "active"));
               CK_ASSIGN_OR_RETURN(change.display_name,
                                   http::OptionalString(body, "display_name", 200));
               if (body.contains("team_id")) {
                 CK_ASSIGN_OR_RETURN(auto team, http::OptionalInt(body, "team_id"));
                 change.team_id = team;
               }
               if (id == req.principal->user_id && change.role && *change.role != Role::kAdmin)
                 return FailedPrecondition("administrators cannot remove their own admin role");
               CK_ASSIGN_OR_RETURN(User u, accounts.ChangeUser(req.Actor(), id, change));
               return http::JsonResponse(200, ToJson(u));
             });

  router.Add(
      http::Method::kPost, "/api/v1/users/{user_id}/api-tokens", {.permission = P::kManageUsers},
      [&authn](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("user_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"name", "expires_at"}));
        CK_ASSIGN_OR_RETURN(std::string name, http::RequiredString(body, "name", 200));
        CK_ASSIGN_OR_RETURN(auto expires_text, http::OptionalString(body, "expires_at", 40));
        std::optional<Timestamp> expires;
        if (expires_text) {
          CK_ASSIGN_OR_RETURN(expires, ParseTimestamp(*expires_text, "expires_at"));
        }
        CK_ASSIGN_OR_RETURN(std::string token, authn.IssueApiToken(req.Actor(), id, name, expires));
        return http::JsonResponse(201, {{"token", token}, {"user_id", id}, {"name", name}});
      });

  router.Add(http::Method::kGet, "/api/v1/teams", {.permission = P::kManageUsers},
             [&accounts](http::Request&) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto teams, accounts.ListTeams());
               Json items = Json::array();
               for (const Team& t : teams) items.push_back({{"id", t.id}, {"name", t.name}});
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(http::Method::kPost, "/api/v1/teams", {.permission = P::kManageUsers},
             [&accounts](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"name"}));
               CK_ASSIGN_OR_RETURN(std::string name, http::RequiredString(body, "name", 200));
               CK_ASSIGN_OR_RETURN(Team t, accounts.AddTeam(req.Actor(), name));
               return http::JsonResponse(201, {{"id", t.id}, {"name", t.name}});
             });
}

}  // namespace ck::auth
