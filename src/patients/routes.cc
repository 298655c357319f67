#include "patients/routes.h"

#include <charconv>

#include "http/json.h"

namespace ck::patients {
namespace {

using http::Json;
using P = auth::Permission;

Json ToJson(const Patient& p) {
  return {{"id", p.id},
          {"given_name", p.given_name},
          {"family_name", p.family_name},
          {"birth_date", p.birth_date},
          {"administrative_sex", p.administrative_sex},
          {"created_at", FormatTimestamp(p.created_at)},
          {"updated_at", FormatTimestamp(p.updated_at)}};
}

Json ToJson(const CareTeamMember& m) {
  return {{"id", m.id},
          {"user_id", m.user_id},
          {"username", m.username},
          {"display_name", m.display_name},
          {"member_role", m.member_role},
          {"added_at", FormatTimestamp(m.added_at)}};
}

Result<int64_t> QueryInt(const http::Request& req, const char* name, int64_t fallback) {
  auto v = req.Query(name);
  if (!v) return fallback;
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size())
    return InvalidArgument("must be an integer", name);
  return out;
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& service) {
  router.Add(http::Method::kPost, "/api/v1/patients", {.permission = P::kWritePatient},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"given_name", "family_name", "birth_date", "administrative_sex"}));
               NewPatient np;
               CK_ASSIGN_OR_RETURN(np.given_name, http::RequiredString(body, "given_name", 100));
               CK_ASSIGN_OR_RETURN(np.family_name, http::RequiredString(body, "family_name", 100));
               CK_ASSIGN_OR_RETURN(np.birth_date, http::RequiredString(body, "birth_date", 10));
               CK_ASSIGN_OR_RETURN(np.administrative_sex,
                                   http::RequiredString(body, "administrative_sex", 16));
               CK_ASSIGN_OR_RETURN(Patient p, service.Create(*req.principal, req.Actor(), np));
               http::Response r = http::JsonResponse(201, ToJson(p));
               r.headers.emplace_back("Location", "/api/v1/patients/" + std::to_string(p.id));
               return r;
             });

  router.Add(http::Method::kGet, "/api/v1/patients", {.permission = P::kListPatients},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 50));
               CK_ASSIGN_OR_RETURN(int64_t after, QueryInt(req, "after", 0));
               if (limit < 1 || limit > 500)
                 return InvalidArgument("must be between 1 and 500", "limit");
               CK_ASSIGN_OR_RETURN(auto list, service.List(*req.principal, req.Actor(), after,
                                                           static_cast<int>(limit)));
               Json items = Json::array();
               for (const Patient& p : list) items.push_back(ToJson(p));
               Json body = {{"items", items}};
               body["next_after"] = static_cast<int64_t>(list.size()) == limit
                                        ? Json(list.back().id)
                                        : Json(nullptr);
               return http::JsonResponse(200, body);
             });

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("patient_id"));
               CK_ASSIGN_OR_RETURN(Patient p, service.Get(req.Actor(), id));
               return http::JsonResponse(200, ToJson(p));
             });

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/care-team",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("patient_id"));
               CK_ASSIGN_OR_RETURN(auto team, service.CareTeam(req.Actor(), id));
               Json items = Json::array();
               for (const auto& m : team) items.push_back(ToJson(m));
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(http::Method::kPost, "/api/v1/patients/{patient_id}/care-team",
             {.permission = P::kManageCareTeam},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("patient_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"user_id", "member_role"}));
               CK_ASSIGN_OR_RETURN(auto user_id, http::OptionalInt(body, "user_id"));
               if (!user_id) return InvalidArgument("is required", "user_id");
               CK_ASSIGN_OR_RETURN(auto role, http::OptionalString(body, "member_role", 40));
               CK_ASSIGN_OR_RETURN(
                   auto m, service.AddCareTeamMember(*req.principal, req.Actor(), id, *user_id,
                                                     role.value_or("case_manager")));
               return http::JsonResponse(201, ToJson(m));
             });

  router.Add(
      http::Method::kPost, "/api/v1/patients/{patient_id}/break-glass",
      {.permission = P::kBreakGlass}, [&service](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("patient_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"reason", "minutes"}));
        CK_ASSIGN_OR_RETURN(std::string reason, http::RequiredString(body, "reason", 1000));
        CK_ASSIGN_OR_RETURN(auto minutes, http::OptionalInt(body, "minutes"));
        int64_t m = minutes.value_or(60);
        if (m < 1 || m > 24 * 60) return InvalidArgument("must be between 1 and 1440", "minutes");
        CK_ASSIGN_OR_RETURN(Timestamp until, service.BreakGlass(*req.principal, req.Actor(), id,
                                                                reason, static_cast<int>(m)));
        return http::JsonResponse(201,
                                  {{"patient_id", id}, {"expires_at", FormatTimestamp(until)}});
      });
}

}  // namespace ck::patients
