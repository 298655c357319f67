#include "assessments/routes.h"

#include "cases/store.h"
#include "http/json.h"
#include "scoring/calculate.h"

namespace ck::assessments {
namespace {

using P = auth::Permission;

Json OptInt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
Json OptTime(const std::optional<Timestamp>& v) {
  return v ? Json(FormatTimestamp(*v)) : Json(nullptr);
}

Json ToJson(const Assessment& a) {
  Json sections = Json::array(), conclusions = Json::array();
  for (const SectionStamp& s : a.sections)
    sections.push_back({{"section_id", s.section_id},
                        {"completed_by", s.completed_by},
                        {"completed_at", FormatTimestamp(s.completed_at)}});
  for (const Conclusion& c : a.conclusions)
    conclusions.push_back({{"id", c.id},
                           {"domain", c.domain},
                           {"conclusion", c.conclusion},
                           {"recorded_by", c.recorded_by},
                           {"recorded_at", FormatTimestamp(c.recorded_at)}});
  Json score = Json(nullptr);
  if (a.score)
    score = scoring::Json(*a.score == static_cast<int64_t>(*a.score)
                              ? Json(static_cast<int64_t>(*a.score))
                              : Json(*a.score));
  return {{"id", a.id},
          {"patient_id", a.patient_id},
          {"case_id", a.case_id},
          {"instrument", a.instrument_id},
          {"instrument_version", a.instrument_version},
          {"status", a.status},
          {"answers", a.answers},
          {"score", score},
          {"band", a.band ? Json(*a.band) : Json(nullptr)},
          {"result", a.result},
          {"sections", sections},
          {"conclusions", conclusions},
          {"alert_ids", a.alert_ids},
          {"started_by", a.started_by},
          {"started_at", FormatTimestamp(a.started_at)},
          {"completed_by", OptInt(a.completed_by)},
          {"completed_at", OptTime(a.completed_at)},
          {"error_reason", a.error_reason ? Json(*a.error_reason) : Json(nullptr)},
          {"updated_at", FormatTimestamp(a.updated_at)},
          {"version", a.version}};
}

Json ToJson(const AlertRecord& a) {
  return {{"id", a.id},
          {"patient_id", a.patient_id},
          {"case_id", OptInt(a.case_id)},
          {"assessment_id", OptInt(a.assessment_id)},
          {"kind", a.kind},
          {"severity", a.severity},
          {"reason", a.reason},
          {"status", a.status},
          {"raised_at", FormatTimestamp(a.raised_at)},
          {"acknowledged_by", OptInt(a.acknowledged_by)},
          {"acknowledged_at", OptTime(a.acknowledged_at)},
          {"resolved_by", OptInt(a.resolved_by)},
          {"resolved_at", OptTime(a.resolved_at)},
          {"resolution", a.resolution ? Json(*a.resolution) : Json(nullptr)},
          {"version", a.version}};
}

Json Summary(const scoring::Instrument& in) {
  return {{"id", in.id()}, {"version", in.version()}, {"title", in.title()}};
}

http::RouteOptions OnAssessment(P permission) {
  return {.permission = permission,
          .patient_of = [](db::Connection& c, const http::Request& req) -> Result<int64_t> {
            CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("assessment_id"));
            return PatientOfAssessment(c, id);
          }};
}

http::RouteOptions OnCase(P permission) {
  return {.permission = permission,
          .patient_of = [](db::Connection& c, const http::Request& req) -> Result<int64_t> {
            CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
            return cases::PatientOfCase(c, id);
          }};
}

http::RouteOptions OnAlert(P permission) {
  return {.permission = permission,
          .patient_of = [](db::Connection& c, const http::Request& req) -> Result<int64_t> {
            CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("alert_id"));
            return PatientOfAlert(c, id);
          }};
}

http::Response List(const std::vector<Assessment>& v) {
  Json items = Json::array();
  for (const Assessment& a : v) items.push_back(ToJson(a));
  return http::JsonResponse(200, {{"items", items}});
}

http::Response ListAlerts(const std::vector<AlertRecord>& v) {
  Json items = Json::array();
  for (const AlertRecord& a : v) items.push_back(ToJson(a));
  return http::JsonResponse(200, {{"items", items}});
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& service, Alerts& alerts) {
  const scoring::Catalog& catalog = service.catalog();

  router.Add(http::Method::kGet, "/api/v1/instruments", {.permission = P::kCalculateScores},
             [&catalog](http::Request&) -> Result<http::Response> {
               Json items = Json::array();
               for (const scoring::Instrument* in : catalog.CurrentAll())
                 items.push_back(Summary(*in));
               for (const char* id : {"charlson", "lace", "hospital"})
                 items.push_back({{"id", id}, {"version", "1"}, {"title", id}, {"record", true}});
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(
      http::Method::kGet, "/api/v1/instruments/{instrument}", {.permission = P::kCalculateScores},
      [&catalog](http::Request& req) -> Result<http::Response> {
        std::string id = req.params.at("instrument");
        std::optional<std::string> version = req.Query("version");
        const scoring::Instrument* in = version ? catalog.Find(id, *version) : catalog.Current(id);
        if (!in) return NotFound("no such instrument");
        return http::JsonResponse(200, in->definition());
      });

  router.Add(http::Method::kPost, "/api/v1/scores/{instrument}",
             {.permission = P::kCalculateScores},
             [&catalog](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(
                   Json out, scoring::CalculateScore(catalog, req.params.at("instrument"), body));
               return http::JsonResponse(200, out);
             });

  router.Add(
      http::Method::kPost, "/api/v1/cases/{case_id}/assessments", OnCase(P::kWritePatient),
      [&service](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t case_id, req.IdParam("case_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"instrument", "answers", "complete"}));
        CK_ASSIGN_OR_RETURN(std::string instrument, http::RequiredString(body, "instrument", 100));
        CK_ASSIGN_OR_RETURN(auto complete, http::OptionalBool(body, "complete"));
        Json answers = body.value("answers", Json::object());
        CK_ASSIGN_OR_RETURN(Assessment a,
                            service.Start(*req.principal, req.Actor(), case_id, instrument, answers,
                                          complete.value_or(false)));
        return http::JsonResponse(201, ToJson(a));
      });

  router.Add(http::Method::kGet, "/api/v1/cases/{case_id}/assessments", OnCase(P::kReadPatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t case_id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(auto v, service.ForCase(req.Actor(), case_id));
               return List(v);
             });

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/assessments",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto v, service.ForPatient(req.Actor(), *req.patient_id));
               return List(v);
             });

  router.Add(http::Method::kGet, "/api/v1/assessments/{assessment_id}",
             OnAssessment(P::kReadPatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("assessment_id"));
               CK_ASSIGN_OR_RETURN(Assessment a, service.Get(req.Actor(), id));
               return http::JsonResponse(200, ToJson(a));
             });

  router.Add(http::Method::kPatch, "/api/v1/assessments/{assessment_id}",
             OnAssessment(P::kWritePatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("assessment_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"answers", "version"}));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               if (!body.contains("answers")) return InvalidArgument("is required", "answers");
               CK_ASSIGN_OR_RETURN(Assessment a, service.Answer(*req.principal, req.Actor(), id,
                                                                body["answers"], version));
               return http::JsonResponse(200, ToJson(a));
             });

  router.Add(http::Method::kPost, "/api/v1/assessments/{assessment_id}/complete",
             OnAssessment(P::kWritePatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("assessment_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"version"}));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               CK_ASSIGN_OR_RETURN(Assessment a,
                                   service.Complete(*req.principal, req.Actor(), id, version));
               return http::JsonResponse(200, ToJson(a));
             });

  router.Add(
      http::Method::kPost, "/api/v1/assessments/{assessment_id}/entered-in-error",
      OnAssessment(P::kWritePatient), [&service](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("assessment_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"reason", "version"}));
        CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
        CK_ASSIGN_OR_RETURN(std::string reason, http::RequiredString(body, "reason", 1000));
        CK_ASSIGN_OR_RETURN(Assessment a, service.MarkEnteredInError(*req.principal, req.Actor(),
                                                                     id, reason, version));
        return http::JsonResponse(200, ToJson(a));
      });

  router.Add(
      http::Method::kPost, "/api/v1/assessments/{assessment_id}/conclusions",
      OnAssessment(P::kWritePatient), [&service](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("assessment_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"domain", "conclusion"}));
        CK_ASSIGN_OR_RETURN(std::string domain, http::RequiredString(body, "domain", 100));
        CK_ASSIGN_OR_RETURN(std::string text, http::RequiredString(body, "conclusion", 5000));
        CK_ASSIGN_OR_RETURN(Assessment a,
                            service.Conclude(*req.principal, req.Actor(), id, domain, text));
        return http::JsonResponse(201, ToJson(a));
      });

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/alerts",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&alerts](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto v, alerts.ForPatient(req.Actor(), *req.patient_id));
               return ListAlerts(v);
             });

  router.Add(http::Method::kGet, "/api/v1/alerts", {.permission = P::kListPatients},
             [&alerts](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto v, alerts.Open(*req.principal, req.Actor()));
               return ListAlerts(v);
             });

  router.Add(http::Method::kPost, "/api/v1/alerts/{alert_id}/acknowledge",
             OnAlert(P::kWritePatient), [&alerts](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("alert_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"version"}));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               CK_ASSIGN_OR_RETURN(AlertRecord a,
                                   alerts.Acknowledge(*req.principal, req.Actor(), id, version));
               return http::JsonResponse(200, ToJson(a));
             });

  router.Add(http::Method::kPost, "/api/v1/alerts/{alert_id}/resolve", OnAlert(P::kWritePatient),
             [&alerts](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("alert_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"resolution", "version"}));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               CK_ASSIGN_OR_RETURN(std::string text,
                                   http::RequiredString(body, "resolution", 2000));
               CK_ASSIGN_OR_RETURN(AlertRecord a,
                                   alerts.Resolve(*req.principal, req.Actor(), id, text, version));
               return http::JsonResponse(200, ToJson(a));
             });

  router.Add(http::Method::kGet, "/api/v1/notifications", {.permission = P::kViewOwnAccount},
             [&alerts](http::Request& req) -> Result<http::Response> {
               bool unread = req.Query("unread").value_or("false") == "true";
               CK_ASSIGN_OR_RETURN(auto v,
                                   alerts.Notifications(*req.principal, req.Actor(), unread));
               Json items = Json::array();
               for (const Notification& n : v)
                 items.push_back({{"id", n.id},
                                  {"kind", n.kind},
                                  {"message", n.message},
                                  {"patient_id", OptInt(n.patient_id)},
                                  {"alert_id", OptInt(n.alert_id)},
                                  {"created_at", FormatTimestamp(n.created_at)},
                                  {"read_at", OptTime(n.read_at)}});
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(http::Method::kPost, "/api/v1/notifications/{notification_id}/read",
             {.permission = P::kViewOwnAccount},
             [&alerts](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("notification_id"));
               CK_RETURN_IF_ERROR(alerts.MarkRead(*req.principal, id));
               return http::JsonResponse(200, {{"id", id}, {"read", true}});
             });
}

}  // namespace ck::assessments
