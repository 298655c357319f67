#include "tasks/routes.h"

#include "cases/routes.h"
#include "http/json.h"

namespace ck::tasks {
namespace {

using http::Json;
using P = auth::Permission;

Json ToJson(const Task& t) {
  return {{"id", t.id},
          {"case_id", t.case_id},
          {"patient_id", t.patient_id},
          {"title", t.title},
          {"task_type", t.task_type},
          {"description", http::OrNull(t.description)},
          {"owner_user_id", http::OrNull(t.owner_user_id)},
          {"queue_team_id", http::OrNull(t.queue_team_id)},
          {"queue_role", http::OrNull(t.queue_role)},
          {"due_at", http::TimeOrNull(t.due_at)},
          {"due_rule", http::OrNull(t.due_rule)},
          {"priority", t.priority},
          {"status", t.status},
          {"pause_reason", http::OrNull(t.pause_reason)},
          {"outcome", http::OrNull(t.outcome)},
          {"minutes_spent", t.minutes_spent},
          {"attempts", t.attempts},
          {"recur_every_days", t.recur_every_days ? Json(*t.recur_every_days) : Json(nullptr)},
          {"recur_until", http::OrNull(t.recur_until)},
          {"recur_times", t.recur_times ? Json(*t.recur_times) : Json(nullptr)},
          {"series_id", http::OrNull(t.series_id)},
          {"occurrence", t.occurrence},
          {"source", t.source},
          {"escalated_at", http::TimeOrNull(t.escalated_at)},
          {"completed_at", http::TimeOrNull(t.completed_at)},
          {"completed_by", http::OrNull(t.completed_by)},
          {"created_by", http::OrNull(t.created_by)},
          {"created_at", FormatTimestamp(t.created_at)},
          {"updated_at", FormatTimestamp(t.updated_at)},
          {"version", t.version}};
}

Result<std::optional<int>> OptionalSmallInt(const Json& body, const char* field) {
  CK_ASSIGN_OR_RETURN(auto v, http::OptionalInt(body, field));
  if (!v) return std::optional<int>();
  if (*v < -100000 || *v > 100000) return InvalidArgument("is out of range", field);
  return std::optional<int>(static_cast<int>(*v));
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& tasks) {
  router.Add(http::Method::kPost, "/api/v1/cases/{case_id}/tasks", cases::OnCase(P::kWritePatient),
             [&tasks](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"title", "task_type", "description", "owner_user_id", "queue_team_id",
                          "queue_role", "due_at", "due_in_business_days", "due_anchor", "priority",
                          "recur_every_days", "recur_until", "recur_times"}));
               NewTask n;
               CK_ASSIGN_OR_RETURN(n.case_id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(n.title, http::RequiredString(body, "title", 200));
               CK_ASSIGN_OR_RETURN(auto type, http::OptionalString(body, "task_type", 40));
               n.task_type = type.value_or("other");
               CK_ASSIGN_OR_RETURN(n.description, http::OptionalString(body, "description", 4000));
               CK_ASSIGN_OR_RETURN(n.owner_user_id, http::OptionalInt(body, "owner_user_id"));
               CK_ASSIGN_OR_RETURN(n.queue_team_id, http::OptionalInt(body, "queue_team_id"));
               CK_ASSIGN_OR_RETURN(n.queue_role, http::OptionalString(body, "queue_role", 40));
               if (!n.owner_user_id && !n.queue_team_id && !n.queue_role)
                 n.owner_user_id = req.principal->user_id;  // one's own task by default
               CK_ASSIGN_OR_RETURN(n.due_at, http::OptionalTime(body, "due_at"));
               CK_ASSIGN_OR_RETURN(n.due_in_business_days,
                                   OptionalSmallInt(body, "due_in_business_days"));
               CK_ASSIGN_OR_RETURN(n.due_anchor, http::OptionalTime(body, "due_anchor"));
               CK_ASSIGN_OR_RETURN(auto priority, http::OptionalString(body, "priority", 20));
               n.priority = priority.value_or("normal");
               CK_ASSIGN_OR_RETURN(n.recur_every_days, OptionalSmallInt(body, "recur_every_days"));
               CK_ASSIGN_OR_RETURN(n.recur_until, http::OptionalString(body, "recur_until", 10));
               CK_ASSIGN_OR_RETURN(n.recur_times, OptionalSmallInt(body, "recur_times"));
               CK_ASSIGN_OR_RETURN(Task t, tasks.Create(*req.principal, req.Actor(), std::move(n)));
               return http::JsonResponse(201, ToJson(t));
             });

  router.Add(http::Method::kGet, "/api/v1/cases/{case_id}/tasks", cases::OnCase(P::kReadPatient),
             [&tasks](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t case_id, req.IdParam("case_id"));
               bool all = req.Query("include_closed").value_or("") == "true";
               CK_ASSIGN_OR_RETURN(auto list, tasks.ForCase(req.Actor(), case_id, all));
               Json items = Json::array();
               for (const Task& t : list) items.push_back(ToJson(t));
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(http::Method::kGet, "/api/v1/tasks", {.permission = P::kListPatients},
             [&tasks](http::Request& req) -> Result<http::Response> {
               bool queues = req.Query("queues").value_or("true") != "false";
               CK_ASSIGN_OR_RETURN(auto limit, req.IntQuery("limit", 1, 1000));
               CK_ASSIGN_OR_RETURN(auto list, tasks.Mine(*req.principal, req.Actor(), queues,
                                                         static_cast<int>(limit.value_or(200))));
               Json items = Json::array();
               for (const Task& t : list) items.push_back(ToJson(t));
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(http::Method::kGet, "/api/v1/tasks/{task_id}",
             {.permission = P::kReadPatient,
              .patient_of = http::PatientOfRecord("tasks", "task_id", "task")},
             [&tasks](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("task_id"));
               CK_ASSIGN_OR_RETURN(Task t, tasks.Get(req.Actor(), id));
               CK_ASSIGN_OR_RETURN(auto history, tasks.History(id));
               Json j = ToJson(t);
               Json events = Json::array();
               for (const TaskEvent& e : history)
                 events.push_back({{"kind", e.kind},
                                   {"from_status", http::OrNull(e.from_status)},
                                   {"to_status", http::OrNull(e.to_status)},
                                   {"detail", http::OrNull(e.detail)},
                                   {"by_user_id", http::OrNull(e.by_user_id)},
                                   {"at", FormatTimestamp(e.at)}});
               j["history"] = events;
               return http::JsonResponse(200, j);
             });

  router.Add(
      http::Method::kPatch, "/api/v1/tasks/{task_id}",
      {.permission = P::kWritePatient,
       .patient_of = http::PatientOfRecord("tasks", "task_id", "task")},
      [&tasks](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("task_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body, {"version", "title", "description", "priority", "due_at", "owner_user_id"}));
        CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
        TaskEdit e;
        CK_ASSIGN_OR_RETURN(e.title, http::OptionalString(body, "title", 200));
        CK_ASSIGN_OR_RETURN(e.description, http::OptionalString(body, "description", 4000));
        CK_ASSIGN_OR_RETURN(e.priority, http::OptionalString(body, "priority", 20));
        CK_ASSIGN_OR_RETURN(e.due_at, http::OptionalTime(body, "due_at"));
        CK_ASSIGN_OR_RETURN(e.owner_user_id, http::OptionalInt(body, "owner_user_id"));
        CK_ASSIGN_OR_RETURN(Task t, tasks.Edit(*req.principal, req.Actor(), id, e, version));
        return http::JsonResponse(200, ToJson(t));
      });

  // Claiming needs no access to the patient yet: the queue is the team's work,
  // and the claimer joins the care team (audited).
  router.Add(http::Method::kPost, "/api/v1/tasks/{task_id}/claim", {.permission = P::kWritePatient},
             [&tasks](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("task_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"version"}));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               CK_ASSIGN_OR_RETURN(Task t, tasks.Claim(*req.principal, req.Actor(), id, version));
               return http::JsonResponse(200, ToJson(t));
             });

  router.Add(
      http::Method::kPost, "/api/v1/tasks/{task_id}/status",
      {.permission = P::kWritePatient,
       .patient_of = http::PatientOfRecord("tasks", "task_id", "task")},
      [&tasks](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("task_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"version", "to", "reason", "minutes"}));
        CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
        CK_ASSIGN_OR_RETURN(std::string to, http::RequiredString(body, "to", 20));
        CK_ASSIGN_OR_RETURN(auto reason, http::OptionalString(body, "reason", 2000));
        CK_ASSIGN_OR_RETURN(auto minutes, OptionalSmallInt(body, "minutes"));
        CK_ASSIGN_OR_RETURN(Task t, tasks.Move(*req.principal, req.Actor(), id, to, reason,
                                               minutes.value_or(0), version));
        return http::JsonResponse(200, ToJson(t));
      });

  router.Add(http::Method::kPost, "/api/v1/tasks/{task_id}/attempts",
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("tasks", "task_id", "task")},
             [&tasks](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("task_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"method", "outcome", "minutes", "summary", "at"}));
               Attempt a;
               CK_ASSIGN_OR_RETURN(auto method, http::OptionalString(body, "method", 30));
               a.method = method.value_or("phone");
               CK_ASSIGN_OR_RETURN(a.outcome, http::RequiredString(body, "outcome", 30));
               CK_ASSIGN_OR_RETURN(auto minutes, OptionalSmallInt(body, "minutes"));
               a.minutes = minutes.value_or(0);
               CK_ASSIGN_OR_RETURN(a.summary, http::OptionalString(body, "summary", 10000));
               CK_ASSIGN_OR_RETURN(a.at, http::OptionalTime(body, "at"));
               CK_ASSIGN_OR_RETURN(Task t, tasks.LogAttempt(*req.principal, req.Actor(), id, a));
               return http::JsonResponse(201, ToJson(t));
             });

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/time",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&tasks](http::Request& req) -> Result<http::Response> {
               auto month = req.Query("month");
               if (!month) return InvalidArgument("is required (YYYY-MM)", "month");
               CK_ASSIGN_OR_RETURN(TimeSummary s,
                                   tasks.TimeForMonth(req.Actor(), *req.patient_id, *month));
               Json tcm = Json::array();
               for (const auto& d : s.transitional_care)
                 tcm.push_back({{"encounter_id", d.encounter_id},
                                {"discharged_at", FormatTimestamp(d.discharged_at)},
                                {"contact_due", FormatTimestamp(d.contact_due)},
                                {"first_contact_at", http::TimeOrNull(d.first_contact_at)},
                                {"met", d.met}});
               return http::JsonResponse(
                   200, {{"month", s.month},
                         {"contact_minutes", s.contact_minutes},
                         {"task_minutes", s.task_minutes},
                         {"total_minutes", s.total_minutes},
                         {"chronic_care_management",
                          {{"threshold_minutes", 20}, {"met", s.chronic_care_management_met}}},
                         {"transitional_care", tcm}});
             });
}

}  // namespace ck::tasks
