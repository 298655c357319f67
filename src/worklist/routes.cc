#include "worklist/routes.h"

#include "http/json.h"

namespace ck::worklist {
namespace {

using http::Json;

Json ToJson(const Snooze& s) {
  Json j = {{"id", s.id},
            {"until", FormatTimestamp(s.until)},
            {"reason", s.reason},
            {"snoozed_by", s.snoozed_by},
            {"snoozed_by_name", s.snoozed_by_name},
            {"snoozed_at", FormatTimestamp(s.snoozed_at)},
            {"active", s.active},
            {"changed", s.changed}};
  if (s.replaced_by) j["replaced_by"] = *s.replaced_by;
  if (s.woken_at) {
    j["woken_at"] = FormatTimestamp(*s.woken_at);
    j["woken_by"] = http::OrNull(s.woken_by);
  }
  return j;
}

// A snooze as its own resource: with the item it hides and the patient.
Json ResourceJson(const Snooze& s) {
  Json j = ToJson(s);
  j["item"] = s.item_key;
  j["patient_id"] = s.patient_id;
  return j;
}

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
          {"at", it.due_at ? Json(FormatTimestamp(*it.due_at)) : Json(nullptr)},
          {"key", http::OrNull(it.key)},
          {"snooze", it.snooze ? ToJson(*it.snooze) : Json(nullptr)}};
}

Json ToJson(const List& list) {
  Json out = Json::array();
  for (const Item& it : list.items) out.push_back(ToJson(it));
  return {{"items", std::move(out)}, {"snoozed", list.snoozed}};
}

Result<int> Limit(const http::Request& req) {
  CK_ASSIGN_OR_RETURN(auto n, req.IntQuery("limit", 1, 1000));
  return static_cast<int>(n.value_or(100));
}

Result<bool> IncludeSnoozed(const http::Request& req) {
  std::string v = req.Query("include_snoozed").value_or("false");
  if (v != "true" && v != "false")
    return InvalidArgument("must be true or false", "include_snoozed");
  return v == "true";
}

}  // namespace

void RegisterRoutes(http::Router& router, Worklist& worklist) {
  router.Add(
      http::Method::kGet, "/api/v1/worklist", {.permission = auth::Permission::kListPatients},
      [&worklist](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int limit, Limit(req));
        CK_ASSIGN_OR_RETURN(auto user, req.IntQuery("user_id", 1, INT64_MAX));
        CK_ASSIGN_OR_RETURN(bool snoozed, IncludeSnoozed(req));
        CK_ASSIGN_OR_RETURN(
            auto list, worklist.ForUser(*req.principal, req.Actor(),
                                        user.value_or(req.principal->user_id), limit, snoozed));
        return http::JsonResponse(200, ToJson(list));
      });
  router.Add(http::Method::kGet, "/api/v1/team/worklist",
             {.permission = auth::Permission::kListPatients},
             [&worklist](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int limit, Limit(req));
               CK_ASSIGN_OR_RETURN(bool snoozed, IncludeSnoozed(req));
               CK_ASSIGN_OR_RETURN(auto list,
                                   worklist.ForTeam(*req.principal, req.Actor(), limit, snoozed));
               return http::JsonResponse(200, ToJson(list));
             });
  // The item's patient, from the body, for the access check.
  auto item_patient = [](db::Connection& c, const http::Request& req) -> Result<int64_t> {
    CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
    CK_ASSIGN_OR_RETURN(std::string key, http::RequiredString(body, "item", 200));
    return PatientOfItem(c, key);
  };
  router.Add(http::Method::kPost, "/api/v1/worklist/snoozes",
             {.permission = auth::Permission::kWorkWorklist, .patient_of = item_patient},
             [&worklist](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(
                   http::RejectUnknownFields(body, {"item", "until", "reason", "replaces"}));
               CK_ASSIGN_OR_RETURN(std::string key, http::RequiredString(body, "item", 200));
               CK_ASSIGN_OR_RETURN(auto until, http::OptionalTime(body, "until"));
               if (!until) return InvalidArgument("is required", "until");
               CK_ASSIGN_OR_RETURN(auto reason, http::OptionalString(body, "reason", 500));
               CK_ASSIGN_OR_RETURN(auto replaces, http::OptionalInt(body, "replaces"));
               if (replaces && *replaces <= 0)
                 return InvalidArgument("must be the id of the item's snooze in force", "replaces");
               CK_ASSIGN_OR_RETURN(Snooze s,
                                   worklist.SnoozeItem(*req.principal, req.Actor(), key, *until,
                                                       reason.value_or(""), replaces));
               return http::JsonResponse(201, ResourceJson(s));
             });
  router.Add(http::Method::kPost, "/api/v1/worklist/snoozes/{snooze_id}/wake",
             {.permission = auth::Permission::kWorkWorklist,
              .patient_of = http::PatientOfRecord("worklist_snoozes", "snooze_id", "snooze")},
             [&worklist](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("snooze_id"));
               CK_ASSIGN_OR_RETURN(Snooze s, worklist.Wake(*req.principal, req.Actor(), id));
               return http::JsonResponse(200, ResourceJson(s));
             });
}

}  // namespace ck::worklist
