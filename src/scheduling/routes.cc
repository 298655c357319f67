#include "scheduling/routes.h"

#include "cases/routes.h"
#include "http/json.h"

namespace ck::scheduling {
namespace {

using http::Json;
using P = auth::Permission;

Json ToJson(const Appointment& a) {
  auto opt = [](const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); };
  return {
      {"id", a.id},
      {"case_id", a.case_id},
      {"patient_id", a.patient_id},
      {"kind", a.kind},
      {"reason", a.reason},
      {"provider", opt(a.provider)},
      {"directory_entry_id", a.directory_entry_id ? Json(*a.directory_entry_id) : Json(nullptr)},
      {"location", opt(a.location)},
      {"telehealth_url", opt(a.telehealth_url)},
      {"starts_at", FormatTimestamp(a.starts_at)},
      {"ends_at", FormatTimestamp(a.ends_at)},
      {"status", a.status},
      {"transport_needed", a.transport_needed},
      {"transport_arranged", a.transport_arranged},
      {"cancellation_reason", opt(a.cancellation_reason)},
      {"authorization_id", a.authorization_id ? Json(*a.authorization_id) : Json(nullptr)},
      {"created_at", FormatTimestamp(a.created_at)},
      {"updated_at", FormatTimestamp(a.updated_at)},
      {"version", a.version}};
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& appointments) {
  router.Add(
      http::Method::kPost, "/api/v1/cases/{case_id}/appointments", cases::OnCase(P::kWritePatient),
      [&appointments](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body, {"kind", "reason", "provider", "directory_entry_id", "location", "telehealth_url",
                   "starts_at", "ends_at", "status", "transport_needed", "transport_arranged",
                   "authorization_id"}));
        NewAppointment n;
        CK_ASSIGN_OR_RETURN(n.case_id, req.IdParam("case_id"));
        CK_ASSIGN_OR_RETURN(auto kind, http::OptionalString(body, "kind", 30));
        n.kind = kind.value_or("appointment");
        CK_ASSIGN_OR_RETURN(n.reason, http::RequiredString(body, "reason", 300));
        CK_ASSIGN_OR_RETURN(n.provider, http::OptionalString(body, "provider", 200));
        CK_ASSIGN_OR_RETURN(n.directory_entry_id, http::OptionalInt(body, "directory_entry_id"));
        CK_ASSIGN_OR_RETURN(n.authorization_id, http::OptionalInt(body, "authorization_id"));
        CK_ASSIGN_OR_RETURN(n.location, http::OptionalString(body, "location", 300));
        CK_ASSIGN_OR_RETURN(n.telehealth_url, http::OptionalString(body, "telehealth_url", 500));
        CK_ASSIGN_OR_RETURN(auto starts, http::OptionalTime(body, "starts_at"));
        if (!starts) return InvalidArgument("is required", "starts_at");
        CK_ASSIGN_OR_RETURN(auto ends, http::OptionalTime(body, "ends_at"));
        if (!ends) return InvalidArgument("is required", "ends_at");
        n.starts_at = *starts;
        n.ends_at = *ends;
        CK_ASSIGN_OR_RETURN(auto status, http::OptionalString(body, "status", 20));
        n.status = status.value_or("booked");
        CK_ASSIGN_OR_RETURN(auto needed, http::OptionalBool(body, "transport_needed"));
        n.transport_needed = needed.value_or(false);
        CK_ASSIGN_OR_RETURN(auto arranged, http::OptionalBool(body, "transport_arranged"));
        n.transport_arranged = arranged.value_or(false);
        CK_ASSIGN_OR_RETURN(Appointment a,
                            appointments.Create(*req.principal, req.Actor(), std::move(n)));
        return http::JsonResponse(201, ToJson(a));
      });
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/appointments",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&appointments](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto list,
                                   appointments.ForPatient(req.Actor(), *req.patient_id));
               Json items = Json::array();
               for (const Appointment& a : list) items.push_back(ToJson(a));
               return http::JsonResponse(200, {{"items", items}});
             });
  router.Add(
      http::Method::kPatch, "/api/v1/appointments/{appointment_id}",
      {.permission = P::kWritePatient,
       .patient_of = http::PatientOfRecord("appointments", "appointment_id", "appointment")},
      [&appointments](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("appointment_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body, {"version", "status", "reason", "starts_at", "ends_at", "transport_arranged"}));
        CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
        AppointmentChange ch;
        CK_ASSIGN_OR_RETURN(ch.status, http::OptionalString(body, "status", 20));
        CK_ASSIGN_OR_RETURN(ch.reason, http::OptionalString(body, "reason", 500));
        CK_ASSIGN_OR_RETURN(ch.starts_at, http::OptionalTime(body, "starts_at"));
        CK_ASSIGN_OR_RETURN(ch.ends_at, http::OptionalTime(body, "ends_at"));
        CK_ASSIGN_OR_RETURN(ch.transport_arranged, http::OptionalBool(body, "transport_arranged"));
        CK_ASSIGN_OR_RETURN(Appointment a,
                            appointments.Change(*req.principal, req.Actor(), id, ch, version));
        return http::JsonResponse(200, ToJson(a));
      });
}

}  // namespace ck::scheduling
