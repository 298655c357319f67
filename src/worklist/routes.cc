#include "worklist/routes.h"

#include "http/json.h"

namespace ck::worklist {
namespace {

using http::Json;

Json ToJson(const Item& it) {
  auto opt = [](const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); };
  return {{"kind", it.kind},
          {"score", it.score},
          {"reasons", it.reasons},
          {"title", it.title},
          {"patient_id", it.patient_id},
          {"case_id", opt(it.case_id)},
          {"task_id", opt(it.task_id)},
          {"alert_id", opt(it.alert_id)},
          {"encounter_id", opt(it.encounter_id)},
          {"care_plan_id", opt(it.care_plan_id)},
          {"goal_id", opt(it.goal_id)},
          {"patient_name", it.patient_name},
          {"authorization_id", opt(it.authorization_id)},
          {"appeal_id", opt(it.appeal_id)},
          {"referral_id", opt(it.referral_id)},
          {"discharge_plan_id", opt(it.discharge_plan_id)},
          {"owner_user_id", opt(it.owner_user_id)},
          {"at", it.due_at ? Json(FormatTimestamp(*it.due_at)) : Json(nullptr)}};
}

Result<int> Limit(const http::Request& req) {
  CK_ASSIGN_OR_RETURN(auto n, req.IntQuery("limit", 1, 1000));
  return static_cast<int>(n.value_or(100));
}

}  // namespace

void RegisterRoutes(http::Router& router, Worklist& worklist) {
  router.Add(http::Method::kGet, "/api/v1/worklist",
             {.permission = auth::Permission::kListPatients},
             [&worklist](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int limit, Limit(req));
               CK_ASSIGN_OR_RETURN(auto user, req.IntQuery("user_id", 1, INT64_MAX));
               CK_ASSIGN_OR_RETURN(auto items,
                                   worklist.ForUser(*req.principal, req.Actor(),
                                                    user.value_or(req.principal->user_id), limit));
               Json out = Json::array();
               for (const Item& it : items) out.push_back(ToJson(it));
               return http::JsonResponse(200, {{"items", out}});
             });
  router.Add(
      http::Method::kGet, "/api/v1/team/worklist", {.permission = auth::Permission::kListPatients},
      [&worklist](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int limit, Limit(req));
        CK_ASSIGN_OR_RETURN(auto items, worklist.ForTeam(*req.principal, req.Actor(), limit));
        Json out = Json::array();
        for (const Item& it : items) out.push_back(ToJson(it));
        return http::JsonResponse(200, {{"items", out}});
      });
}

}  // namespace ck::worklist
