#include "education/routes.h"

#include "http/json.h"

namespace ck::education {
namespace {

using http::Json;
using P = auth::Permission;

Json ToJson(const Material& m) {
  return {{"id", m.id},
          {"code", m.code},
          {"language", m.language},
          {"title", m.title},
          {"topic", m.topic},
          {"reading_level", m.reading_level},
          {"format", m.format},
          {"url", http::OrNull(m.url)},
          {"summary", http::OrNull(m.summary)},
          {"teach_back_points", m.teach_back_points},
          {"conditions", m.conditions},
          {"barriers", m.barriers},
          {"active", m.active},
          {"created_at", FormatTimestamp(m.created_at)},
          {"updated_at", FormatTimestamp(m.updated_at)},
          {"version", m.version}};
}

Json ToJson(const Assignment& a) {
  Json history = Json::array();
  for (const auto& e : a.history) {
    Json detail = e.detail ? Json::parse(*e.detail, nullptr, false) : Json(nullptr);
    if (detail.is_discarded()) detail = *e.detail;  // plain text
    history.push_back({{"kind", e.kind},
                       {"detail", detail},
                       {"by_user_id", http::OrNull(e.by_user_id)},
                       {"at", FormatTimestamp(e.at)}});
  }
  return {{"id", a.id},
          {"patient_id", a.patient_id},
          {"case_id", http::OrNull(a.case_id)},
          {"material",
           {{"id", a.material_id},
            {"code", a.material_code},
            {"title", a.material_title},
            {"language", a.material_language}}},
          {"status", a.status},
          {"reason", http::OrNull(a.reason)},
          {"task_id", http::OrNull(a.task_id)},
          {"assigned_by", http::OrNull(a.assigned_by)},
          {"assigned_at", FormatTimestamp(a.assigned_at)},
          {"delivered_at", http::TimeOrNull(a.delivered_at)},
          {"delivery_method", http::OrNull(a.delivery_method)},
          {"delivered_to", http::OrNull(a.delivered_to)},
          {"recipient_name", http::OrNull(a.recipient_name)},
          {"interpreter_used", a.interpreter_used},
          {"teach_back_at", http::TimeOrNull(a.teach_back_at)},
          {"teach_back_result", http::OrNull(a.teach_back_result)},
          {"teach_back_attempts", a.teach_back_attempts},
          {"updated_at", FormatTimestamp(a.updated_at)},
          {"version", a.version},
          {"history", history}};
}

// A material from a request body; on update, absent fields keep `base`.
Result<Material> MaterialFrom(const Json& body, Material base, bool create) {
  CK_RETURN_IF_ERROR(http::RejectUnknownFields(
      body, {"code", "language", "title", "topic", "reading_level", "format", "url", "summary",
             "teach_back_points", "conditions", "barriers", "active", "version"}));
  Material m = std::move(base);
  auto text = [&](const char* field, std::string& into, size_t max) -> Status {
    if (create) {
      CK_ASSIGN_OR_RETURN(into, http::RequiredString(body, field, max));
    } else {
      CK_ASSIGN_OR_RETURN(auto v, http::OptionalString(body, field, max));
      if (v) into = *v;
    }
    return Status::Ok();
  };
  CK_RETURN_IF_ERROR(text("code", m.code, 80));
  CK_RETURN_IF_ERROR(text("language", m.language, 3));
  CK_RETURN_IF_ERROR(text("title", m.title, 200));
  CK_RETURN_IF_ERROR(text("topic", m.topic, 200));
  CK_ASSIGN_OR_RETURN(auto level, http::OptionalInt(body, "reading_level"));
  if (level) {
    if (*level < 1 || *level > 16)
      return InvalidArgument("must be a school grade from 1 to 16", "reading_level");
    m.reading_level = static_cast<int>(*level);
  } else if (create) {
    return InvalidArgument("is required", "reading_level");
  }
  CK_ASSIGN_OR_RETURN(auto format, http::OptionalString(body, "format", 20));
  if (format) m.format = *format;
  if (body.contains("url")) {
    CK_ASSIGN_OR_RETURN(m.url, http::OptionalString(body, "url", 500));
  }
  if (body.contains("summary")) {
    CK_ASSIGN_OR_RETURN(m.summary, http::OptionalString(body, "summary", 2000));
  }
  if (create || body.contains("teach_back_points")) {
    CK_ASSIGN_OR_RETURN(m.teach_back_points,
                        http::OptionalStringList(body, "teach_back_points", 300));
  }
  if (create || body.contains("conditions")) {
    CK_ASSIGN_OR_RETURN(m.conditions, http::OptionalStringList(body, "conditions", 8));
  }
  if (create || body.contains("barriers")) {
    CK_ASSIGN_OR_RETURN(m.barriers, http::OptionalStringList(body, "barriers", 40));
  }
  CK_ASSIGN_OR_RETURN(auto active, http::OptionalBool(body, "active"));
  if (active) m.active = *active;
  return m;
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& education) {
  router.Add(http::Method::kGet, "/api/v1/education/materials", {.permission = P::kListPatients},
             [&education](http::Request& req) -> Result<http::Response> {
               MaterialQuery q;
               q.text = req.Query("q");
               q.language = req.Query("language");
               q.condition = req.Query("condition");
               q.barrier = req.Query("barrier");
               q.format = req.Query("format");
               CK_ASSIGN_OR_RETURN(auto level, req.IntQuery("max_reading_level", 1, 16));
               if (level) q.max_reading_level = static_cast<int>(*level);
               CK_ASSIGN_OR_RETURN(auto limit, req.IntQuery("limit", 1, 500));
               q.limit = static_cast<int>(limit.value_or(50));
               q.include_inactive = req.Query("include_inactive") == "true";
               CK_ASSIGN_OR_RETURN(auto list, education.Search(q));
               Json items = Json::array();
               for (const Material& m : list) items.push_back(ToJson(m));
               return http::JsonResponse(200, {{"items", items}});
             });
  router.Add(http::Method::kPost, "/api/v1/education/materials", {.permission = P::kManageLibrary},
             [&education](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(Material m, MaterialFrom(body, {}, true));
               CK_ASSIGN_OR_RETURN(Material made, education.CreateMaterial(req.Actor(), m));
               return http::JsonResponse(201, ToJson(made));
             });
  router.Add(http::Method::kGet, "/api/v1/education/materials/{material_id}",
             {.permission = P::kListPatients},
             [&education](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("material_id"));
               CK_ASSIGN_OR_RETURN(Material m, education.GetMaterial(id));
               return http::JsonResponse(200, ToJson(m));
             });
  router.Add(http::Method::kPatch, "/api/v1/education/materials/{material_id}",
             {.permission = P::kManageLibrary},
             [&education](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("material_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               CK_ASSIGN_OR_RETURN(Material current, education.GetMaterial(id));
               CK_ASSIGN_OR_RETURN(Material m, MaterialFrom(body, current, false));
               CK_ASSIGN_OR_RETURN(Material out,
                                   education.UpdateMaterial(req.Actor(), id, m, version));
               return http::JsonResponse(200, ToJson(out));
             });

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/education/suggestions",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&education](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto level, req.IntQuery("max_reading_level", 1, 16));
               std::optional<int> max_level;
               if (level) max_level = static_cast<int>(*level);
               CK_ASSIGN_OR_RETURN(auto list,
                                   education.Suggestions(req.Actor(), *req.patient_id, max_level));
               Json items = Json::array();
               for (const Suggestion& s : list)
                 items.push_back({{"material", ToJson(s.material)},
                                  {"preferred_language", s.preferred_language},
                                  {"reasons", s.reasons}});
               return http::JsonResponse(200, {{"items", items}});
             });
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/education",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&education](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto list, education.ForPatient(req.Actor(), *req.patient_id));
               Json items = Json::array();
               for (const Assignment& a : list) items.push_back(ToJson(a));
               return http::JsonResponse(200, {{"items", items}});
             });
  router.Add(
      http::Method::kPost, "/api/v1/patients/{patient_id}/education",
      {.permission = P::kWritePatient, .patient_param = "patient_id"},
      [&education](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body, {"material_id", "code", "case_id", "create_task", "due_in_business_days"}));
        NewAssignment n;
        CK_ASSIGN_OR_RETURN(n.material_id, http::OptionalInt(body, "material_id"));
        CK_ASSIGN_OR_RETURN(n.code, http::OptionalString(body, "code", 80));
        CK_ASSIGN_OR_RETURN(n.case_id, http::OptionalInt(body, "case_id"));
        CK_ASSIGN_OR_RETURN(auto task, http::OptionalBool(body, "create_task"));
        n.create_task = task.value_or(true);
        CK_ASSIGN_OR_RETURN(auto due, http::OptionalInt(body, "due_in_business_days"));
        if (due) {
          if (*due < 0 || *due > 60)
            return InvalidArgument("must be 0 to 60", "due_in_business_days");
          n.due_in_business_days = static_cast<int>(*due);
        }
        CK_ASSIGN_OR_RETURN(Assignment a,
                            education.Assign(*req.principal, req.Actor(), *req.patient_id, n));
        return http::JsonResponse(201, ToJson(a));
      });
  router.Add(
      http::Method::kPost, "/api/v1/education/assignments/{assignment_id}/delivery",
      {.permission = P::kWritePatient,
       .patient_of =
           http::PatientOfRecord("education_assignments", "assignment_id", "education assignment")},
      [&education](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("assignment_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(
            http::RejectUnknownFields(body, {"version", "method", "delivered_to", "recipient_name",
                                             "interpreter_used", "minutes", "note"}));
        CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
        Delivery d;
        CK_ASSIGN_OR_RETURN(d.method, http::RequiredString(body, "method", 30));
        CK_ASSIGN_OR_RETURN(auto to, http::OptionalString(body, "delivered_to", 30));
        d.delivered_to = to.value_or("patient");
        CK_ASSIGN_OR_RETURN(d.recipient_name, http::OptionalString(body, "recipient_name", 200));
        CK_ASSIGN_OR_RETURN(auto interpreter, http::OptionalBool(body, "interpreter_used"));
        d.interpreter_used = interpreter.value_or(false);
        CK_ASSIGN_OR_RETURN(auto minutes, http::OptionalInt(body, "minutes"));
        if (minutes && (*minutes < 0 || *minutes > 600))
          return InvalidArgument("must be 0 to 600", "minutes");
        d.minutes = static_cast<int>(minutes.value_or(0));
        CK_ASSIGN_OR_RETURN(d.note, http::OptionalString(body, "note", 2000));
        CK_ASSIGN_OR_RETURN(Assignment a,
                            education.Deliver(*req.principal, req.Actor(), id, d, version));
        return http::JsonResponse(200, ToJson(a));
      });
  router.Add(
      http::Method::kPost, "/api/v1/education/assignments/{assignment_id}/teach-back",
      {.permission = P::kWritePatient,
       .patient_of =
           http::PatientOfRecord("education_assignments", "assignment_id", "education assignment")},
      [&education](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("assignment_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body, {"version", "result", "note", "minutes", "reinforce_in_business_days"}));
        CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
        TeachBack t;
        CK_ASSIGN_OR_RETURN(t.result, http::RequiredString(body, "result", 20));
        CK_ASSIGN_OR_RETURN(t.note, http::OptionalString(body, "note", 2000));
        CK_ASSIGN_OR_RETURN(auto minutes, http::OptionalInt(body, "minutes"));
        if (minutes && (*minutes < 0 || *minutes > 600))
          return InvalidArgument("must be 0 to 600", "minutes");
        t.minutes = static_cast<int>(minutes.value_or(0));
        CK_ASSIGN_OR_RETURN(auto days, http::OptionalInt(body, "reinforce_in_business_days"));
        if (days && (*days < 0 || *days > 30))
          return InvalidArgument("must be 0 to 30", "reinforce_in_business_days");
        t.reinforce_in_business_days = static_cast<int>(days.value_or(2));
        CK_ASSIGN_OR_RETURN(Assignment a,
                            education.RecordTeachBack(*req.principal, req.Actor(), id, t, version));
        return http::JsonResponse(200, ToJson(a));
      });
  router.Add(http::Method::kPost, "/api/v1/education/assignments/{assignment_id}/status",
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("education_assignments", "assignment_id",
                                                  "education assignment")},
             [&education](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("assignment_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"version", "status", "reason"}));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               CK_ASSIGN_OR_RETURN(std::string to, http::RequiredString(body, "status", 20));
               CK_ASSIGN_OR_RETURN(std::string reason, http::RequiredString(body, "reason", 500));
               CK_ASSIGN_OR_RETURN(Assignment a, education.Close(*req.principal, req.Actor(), id,
                                                                 to, reason, version));
               return http::JsonResponse(200, ToJson(a));
             });
}

}  // namespace ck::education
