#include "transitions/routes.h"

#include "core/strings.h"
#include "http/json.h"
#include "reports/respond.h"

namespace ck::transitions {
namespace {

using http::Json;
using P = auth::Permission;

Json DateOrNull(const std::optional<Date>& d) { return d ? Json(FormatDate(*d)) : Json(nullptr); }

Json ToJson(const Readiness& r) {
  return {{"done", r.done},
          {"not_applicable", r.not_applicable},
          {"total", r.total},
          {"complete", std::to_string(r.done + r.not_applicable) + "/" + std::to_string(r.total)},
          {"missing", r.missing},
          {"ready", r.ready}};
}

Json ToJson(const DischargePlan& p) {
  Json items = Json::array();
  for (const ChecklistItem& i : p.items)
    items.push_back({{"item", i.item},
                     {"status", i.status},
                     {"not_applicable_reason", http::OrNull(i.not_applicable_reason)},
                     {"defaulted", i.defaulted},
                     {"responsible",
                      {{"user_id", http::OrNull(i.responsible_user_id)},
                       {"name", http::OrNull(i.responsible_name)},
                       {"role", http::OrNull(i.responsible_role)}}},
                     {"note", http::OrNull(i.note)},
                     {"completed_at", http::TimeOrNull(i.completed_at)},
                     {"completed_by", http::OrNull(i.completed_by)},
                     {"updated_at", FormatTimestamp(i.updated_at)}});
  Json history = Json::array();
  for (const HistoryEntry& h : p.history) {
    Json detail = h.detail ? Json::parse(*h.detail, nullptr, false) : Json(nullptr);
    if (detail.is_discarded()) detail = *h.detail;
    history.push_back({{"item", http::OrNull(h.item)},
                       {"kind", h.kind},
                       {"detail", detail},
                       {"by_user_id", http::OrNull(h.by_user_id)},
                       {"at", FormatTimestamp(h.at)}});
  }
  return {{"id", p.id},
          {"encounter_id", p.encounter_id},
          {"patient_id", p.patient_id},
          {"case_id", http::OrNull(p.case_id)},
          {"expected_discharge_date", http::OrNull(p.expected_discharge_date)},
          {"disposition", p.disposition},
          {"note", http::OrNull(p.note)},
          {"encounter",
           {{"facility", p.facility},
            {"status", p.encounter_status},
            {"admitted_at", FormatTimestamp(p.admitted_at)},
            {"discharged_at", http::TimeOrNull(p.discharged_at)}}},
          {"items", items},
          {"readiness", ToJson(p.readiness)},
          {"created_by", http::OrNull(p.created_by)},
          {"created_at", FormatTimestamp(p.created_at)},
          {"updated_at", FormatTimestamp(p.updated_at)},
          {"version", p.version},
          {"history", history}};
}

Json ToJson(const MedicationLine& l) {
  return {{"position", l.position},
          {"medication_id", http::OrNull(l.medication_id)},
          {"name", l.name},
          {"dose", http::OrNull(l.dose)},
          {"route", http::OrNull(l.route)},
          {"frequency", http::OrNull(l.frequency)},
          {"code", http::OrNull(l.code)}};
}

Json Position(const std::optional<int>& p) { return p ? Json(*p) : Json(nullptr); }

Json ToJson(const Reconciliation& m) {
  Json before = Json::array(), discharge = Json::array(), discrepancies = Json::array();
  for (const MedicationLine& l : m.before) before.push_back(ToJson(l));
  for (const MedicationLine& l : m.discharge) discharge.push_back(ToJson(l));
  int unresolved = 0;
  for (const Discrepancy& d : m.discrepancies) {
    if (!d.resolution) ++unresolved;
    discrepancies.push_back({{"id", d.id},
                             {"kind", d.kind},
                             {"medication", d.medication},
                             {"detail", d.detail},
                             {"before_position", Position(d.before_position)},
                             {"discharge_position", Position(d.discharge_position)},
                             {"other_position", Position(d.other_position)},
                             {"resolution", http::OrNull(d.resolution)},
                             {"resolved_with", http::OrNull(d.resolved_with)},
                             {"resolution_note", http::OrNull(d.resolution_note)},
                             {"resolved_by", http::OrNull(d.resolved_by)},
                             {"resolved_at", http::TimeOrNull(d.resolved_at)}});
  }
  return {{"id", m.id},
          {"encounter_id", m.encounter_id},
          {"patient_id", m.patient_id},
          {"status", m.status},
          {"source", m.source},
          {"note", http::OrNull(m.note)},
          {"before_admission", before},
          {"discharge_medications", discharge},
          {"discrepancies", discrepancies},
          {"unresolved", unresolved},
          {"medication_list_updated", m.medication_list_updated},
          {"created_by", http::OrNull(m.created_by)},
          {"created_at", FormatTimestamp(m.created_at)},
          {"completed_at", http::TimeOrNull(m.completed_at)},
          {"completed_by", http::OrNull(m.completed_by)},
          {"cancelled_at", http::TimeOrNull(m.cancelled_at)},
          {"cancelled_by", http::OrNull(m.cancelled_by)},
          {"cancel_reason", http::OrNull(m.cancel_reason)},
          {"updated_at", FormatTimestamp(m.updated_at)},
          {"version", m.version}};
}

Json ToJson(const AdherenceCheck& a) {
  return {{"id", a.id},
          {"patient_id", a.patient_id},
          {"reconciliation_id", http::OrNull(a.reconciliation_id)},
          {"method", a.method},
          {"checked_on", a.checked_on},
          {"result", a.result},
          {"medication", http::OrNull(a.medication)},
          {"note", http::OrNull(a.note)},
          {"recorded_by", http::OrNull(a.recorded_by)},
          {"recorded_at", FormatTimestamp(a.recorded_at)}};
}

Json ToJson(const Stay& s) {
  Json readmission = nullptr;
  if (s.readmission_of)
    readmission = {{"of_stay", *s.readmission_of},
                   {"days_after_discharge", *s.days_after_discharge},
                   {"counted", s.counted},
                   {"planned", s.planned},
                   {"planned_basis", http::OrNull(s.planned_basis)}};
  return {{"first_encounter_id", s.first_encounter_id},
          {"last_encounter_id", s.last_encounter_id},
          {"encounter_count", s.encounter_count},
          {"facility", s.facility},
          {"admitted_at", FormatTimestamp(s.admitted_at)},
          {"admission_date", FormatDate(s.admission_date)},
          {"discharged_at", http::TimeOrNull(s.discharged_at)},
          {"discharge_date", DateOrNull(s.discharge_date)},
          {"discharge_disposition", http::OrNull(s.discharge_disposition)},
          {"index_discharge", s.index_discharge},
          {"planned", s.planned},
          {"planned_basis", http::OrNull(s.planned_basis)},
          {"readmission", readmission},
          {"readmitted_by", http::OrNull(s.readmitted_by)}};
}

Json ToJson(const TransitionsOfCare& t) {
  Json components = Json::array();
  for (const TrcComponent& c : t.components)
    components.push_back({{"component", c.component},
                          {"status", c.status},
                          {"window_from", DateOrNull(c.window_from)},
                          {"due", DateOrNull(c.window_to)},
                          {"at", http::TimeOrNull(c.at)},
                          {"source", c.source.empty() ? Json(nullptr) : Json(c.source)},
                          {"ref_id", http::OrNull(c.ref_id)},
                          {"by", http::OrNull(c.by)},
                          {"outside_window_at", http::TimeOrNull(c.outside_window_at)}});
  return {{"stay", ToJson(t.stay)},
          {"status", t.status},
          {"components", components},
          {"superseded_by", http::OrNull(t.superseded_by)}};
}

Result<std::vector<MedicationLine>> MedicationList(const Json& body, const char* field) {
  if (!body.contains(field) || !body[field].is_array())
    return InvalidArgument("must be an array of medications", field);
  std::vector<MedicationLine> out;
  for (const Json& m : body[field]) {
    if (!m.is_object()) return InvalidArgument("each medication is an object", field);
    for (const auto& kv : m.items())
      if (!OneOf(kv.key(), {"name", "dose", "route", "frequency", "code"}))
        return InvalidArgument("unknown medication field " + kv.key(), field);
    MedicationLine l;
    auto text = [&](const char* k) -> Result<std::optional<std::string>> {
      if (!m.contains(k) || m[k].is_null()) return std::optional<std::string>();
      if (!m[k].is_string()) return InvalidArgument(std::string(k) + " must be a string", field);
      return std::optional<std::string>(m[k].get<std::string>());
    };
    CK_ASSIGN_OR_RETURN(auto name, text("name"));
    l.name = name.value_or("");
    CK_ASSIGN_OR_RETURN(l.dose, text("dose"));
    CK_ASSIGN_OR_RETURN(l.route, text("route"));
    CK_ASSIGN_OR_RETURN(l.frequency, text("frequency"));
    CK_ASSIGN_OR_RETURN(l.code, text("code"));
    out.push_back(std::move(l));
  }
  return out;
}

Result<ItemChange> ItemChangeFrom(const Json& body, std::string item) {
  ItemChange ch;
  ch.item = std::move(item);
  CK_ASSIGN_OR_RETURN(ch.status, http::OptionalString(body, "status", 20));
  CK_ASSIGN_OR_RETURN(ch.not_applicable_reason,
                      http::OptionalString(body, "not_applicable_reason", 500));
  CK_ASSIGN_OR_RETURN(ch.note, http::OptionalString(body, "note", 2000));
  if (body.contains("responsible_user_id") || body.contains("responsible_name") ||
      body.contains("responsible_role")) {
    ch.set_responsible = true;
    CK_ASSIGN_OR_RETURN(ch.responsible_user_id, http::OptionalInt(body, "responsible_user_id"));
    CK_ASSIGN_OR_RETURN(ch.responsible_name, http::OptionalString(body, "responsible_name", 200));
    CK_ASSIGN_OR_RETURN(ch.responsible_role, http::OptionalString(body, "responsible_role", 100));
  }
  return ch;
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& t) {
  auto encounter = http::PatientOfRecord("encounters", "encounter_id", "encounter");
  auto plan = http::PatientOfRecord("discharge_plans", "plan_id", "discharge plan");
  auto rec = http::PatientOfRecord("medication_reconciliations", "reconciliation_id",
                                   "medication reconciliation");

  // Discharge plans.
  router.Add(
      http::Method::kPost, "/api/v1/encounters/{encounter_id}/discharge-plan",
      {.permission = P::kWritePatient, .patient_of = encounter},
      [&t](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("encounter_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body, {"disposition", "expected_discharge_date", "case_id", "note", "items"}));
        NewPlan n;
        CK_ASSIGN_OR_RETURN(n.disposition, http::RequiredString(body, "disposition", 40));
        CK_ASSIGN_OR_RETURN(n.expected_discharge_date,
                            http::OptionalString(body, "expected_discharge_date", 10));
        CK_ASSIGN_OR_RETURN(n.case_id, http::OptionalInt(body, "case_id"));
        CK_ASSIGN_OR_RETURN(n.note, http::OptionalString(body, "note", 2000));
        if (body.contains("items")) {
          if (!body["items"].is_array()) return InvalidArgument("must be an array", "items");
          for (const Json& i : body["items"]) {
            if (!i.is_object() || !i.contains("item") || !i["item"].is_string())
              return InvalidArgument("each needs its \"item\"", "items");
            CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                i, {"item", "status", "not_applicable_reason", "note", "responsible_user_id",
                    "responsible_name", "responsible_role"}));
            CK_ASSIGN_OR_RETURN(ItemChange ch, ItemChangeFrom(i, i["item"].get<std::string>()));
            n.items.push_back(std::move(ch));
          }
        }
        CK_ASSIGN_OR_RETURN(DischargePlan p, t.CreatePlan(*req.principal, req.Actor(), id, n));
        return http::JsonResponse(201, ToJson(p));
      });
  router.Add(http::Method::kGet, "/api/v1/encounters/{encounter_id}/discharge-plan",
             {.permission = P::kReadPatient, .patient_of = encounter},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("encounter_id"));
               CK_ASSIGN_OR_RETURN(DischargePlan p, t.PlanForEncounter(req.Actor(), id));
               return http::JsonResponse(200, ToJson(p));
             });
  router.Add(http::Method::kGet, "/api/v1/discharge-plans/{plan_id}",
             {.permission = P::kReadPatient, .patient_of = plan},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("plan_id"));
               CK_ASSIGN_OR_RETURN(DischargePlan p, t.GetPlan(req.Actor(), id));
               return http::JsonResponse(200, ToJson(p));
             });
  router.Add(http::Method::kPatch, "/api/v1/discharge-plans/{plan_id}",
             {.permission = P::kWritePatient, .patient_of = plan},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("plan_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"version", "disposition", "expected_discharge_date", "case_id", "note"}));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               PlanChange ch;
               CK_ASSIGN_OR_RETURN(ch.disposition, http::OptionalString(body, "disposition", 40));
               if (body.contains("expected_discharge_date")) {
                 ch.set_expected_discharge_date = true;
                 CK_ASSIGN_OR_RETURN(ch.expected_discharge_date,
                                     http::OptionalString(body, "expected_discharge_date", 10));
               }
               if (body.contains("case_id")) {
                 ch.set_case = true;
                 CK_ASSIGN_OR_RETURN(ch.case_id, http::OptionalInt(body, "case_id"));
               }
               if (body.contains("note")) {
                 ch.set_note = true;
                 CK_ASSIGN_OR_RETURN(ch.note, http::OptionalString(body, "note", 2000));
               }
               CK_ASSIGN_OR_RETURN(DischargePlan p,
                                   t.UpdatePlan(*req.principal, req.Actor(), id, ch, version));
               return http::JsonResponse(200, ToJson(p));
             });
  router.Add(http::Method::kPatch, "/api/v1/discharge-plans/{plan_id}/items/{item}",
             {.permission = P::kWritePatient, .patient_of = plan},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("plan_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"version", "status", "not_applicable_reason", "note",
                          "responsible_user_id", "responsible_name", "responsible_role"}));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               CK_ASSIGN_OR_RETURN(ItemChange ch, ItemChangeFrom(body, req.params.at("item")));
               CK_ASSIGN_OR_RETURN(DischargePlan p,
                                   t.UpdateItem(*req.principal, req.Actor(), id, ch, version));
               return http::JsonResponse(200, ToJson(p));
             });

  // Medication reconciliation.
  router.Add(http::Method::kPost, "/api/v1/encounters/{encounter_id}/medication-reconciliations",
             {.permission = P::kWritePatient, .patient_of = encounter},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("encounter_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(
                   http::RejectUnknownFields(body, {"source", "discharge_medications", "note"}));
               NewReconciliation n;
               CK_ASSIGN_OR_RETURN(auto source, http::OptionalString(body, "source", 40));
               if (source) n.source = *source;
               CK_ASSIGN_OR_RETURN(n.discharge, MedicationList(body, "discharge_medications"));
               CK_ASSIGN_OR_RETURN(n.note, http::OptionalString(body, "note", 2000));
               CK_ASSIGN_OR_RETURN(Reconciliation m,
                                   t.StartReconciliation(*req.principal, req.Actor(), id, n));
               return http::JsonResponse(201, ToJson(m));
             });
  router.Add(http::Method::kGet, "/api/v1/encounters/{encounter_id}/medication-reconciliations",
             {.permission = P::kReadPatient, .patient_of = encounter},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("encounter_id"));
               CK_ASSIGN_OR_RETURN(auto list, t.ReconciliationsFor(req.Actor(), id));
               Json items = Json::array();
               for (const Reconciliation& m : list) items.push_back(ToJson(m));
               return http::JsonResponse(200, {{"items", items}});
             });
  router.Add(http::Method::kGet, "/api/v1/medication-reconciliations/{reconciliation_id}",
             {.permission = P::kReadPatient, .patient_of = rec},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("reconciliation_id"));
               CK_ASSIGN_OR_RETURN(Reconciliation m, t.GetReconciliation(req.Actor(), id));
               return http::JsonResponse(200, ToJson(m));
             });
  router.Add(http::Method::kPatch, "/api/v1/medication-reconciliations/{reconciliation_id}",
             {.permission = P::kWritePatient, .patient_of = rec},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("reconciliation_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"version", "source", "discharge_medications", "note"}));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               ReconciliationChange ch;
               CK_ASSIGN_OR_RETURN(ch.source, http::OptionalString(body, "source", 40));
               if (body.contains("discharge_medications")) {
                 CK_ASSIGN_OR_RETURN(ch.discharge, MedicationList(body, "discharge_medications"));
               }
               if (body.contains("note")) {
                 ch.set_note = true;
                 CK_ASSIGN_OR_RETURN(ch.note, http::OptionalString(body, "note", 2000));
               }
               CK_ASSIGN_OR_RETURN(
                   Reconciliation m,
                   t.UpdateReconciliation(*req.principal, req.Actor(), id, ch, version));
               return http::JsonResponse(200, ToJson(m));
             });
  router.Add(
      http::Method::kPost,
      "/api/v1/medication-reconciliations/{reconciliation_id}/discrepancies/{discrepancy_id}",
      {.permission = P::kWritePatient, .patient_of = rec},
      [&t](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("reconciliation_id"));
        CK_ASSIGN_OR_RETURN(int64_t d, req.IdParam("discrepancy_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(
            http::RejectUnknownFields(body, {"version", "resolution", "resolved_with", "note"}));
        CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
        Resolution r;
        CK_ASSIGN_OR_RETURN(r.resolution, http::RequiredString(body, "resolution", 40));
        CK_ASSIGN_OR_RETURN(r.resolved_with, http::RequiredString(body, "resolved_with", 200));
        CK_ASSIGN_OR_RETURN(r.note, http::OptionalString(body, "note", 2000));
        CK_ASSIGN_OR_RETURN(Reconciliation m,
                            t.Resolve(*req.principal, req.Actor(), id, d, r, version));
        return http::JsonResponse(200, ToJson(m));
      });
  router.Add(
      http::Method::kPost, "/api/v1/medication-reconciliations/{reconciliation_id}/complete",
      {.permission = P::kWritePatient, .patient_of = rec},
      [&t](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("reconciliation_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"version", "update_medication_list"}));
        CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
        CK_ASSIGN_OR_RETURN(auto update, http::OptionalBool(body, "update_medication_list"));
        CK_ASSIGN_OR_RETURN(Reconciliation m,
                            t.CompleteReconciliation(*req.principal, req.Actor(), id,
                                                     update.value_or(false), version));
        return http::JsonResponse(200, ToJson(m));
      });
  router.Add(http::Method::kPost, "/api/v1/medication-reconciliations/{reconciliation_id}/cancel",
             {.permission = P::kWritePatient, .patient_of = rec},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("reconciliation_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"version", "reason"}));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               CK_ASSIGN_OR_RETURN(std::string reason, http::RequiredString(body, "reason", 1000));
               CK_ASSIGN_OR_RETURN(
                   Reconciliation m,
                   t.CancelReconciliation(*req.principal, req.Actor(), id, reason, version));
               return http::JsonResponse(200, ToJson(m));
             });

  // Adherence checks.
  router.Add(
      http::Method::kPost, "/api/v1/patients/{patient_id}/adherence-checks",
      {.permission = P::kWritePatient, .patient_param = "patient_id"},
      [&t](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body, {"method", "checked_on", "result", "medication", "note", "reconciliation_id"}));
        AdherenceCheck a;
        CK_ASSIGN_OR_RETURN(a.method, http::RequiredString(body, "method", 40));
        CK_ASSIGN_OR_RETURN(a.checked_on, http::RequiredString(body, "checked_on", 10));
        CK_ASSIGN_OR_RETURN(a.result, http::RequiredString(body, "result", 40));
        CK_ASSIGN_OR_RETURN(a.medication, http::OptionalString(body, "medication", 200));
        CK_ASSIGN_OR_RETURN(a.note, http::OptionalString(body, "note", 2000));
        CK_ASSIGN_OR_RETURN(a.reconciliation_id, http::OptionalInt(body, "reconciliation_id"));
        CK_ASSIGN_OR_RETURN(AdherenceCheck out,
                            t.RecordAdherence(*req.principal, req.Actor(), *req.patient_id, a));
        return http::JsonResponse(201, ToJson(out));
      });
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/adherence-checks",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto list, t.AdherenceFor(req.Actor(), *req.patient_id));
               Json items = Json::array();
               for (const AdherenceCheck& a : list) items.push_back(ToJson(a));
               return http::JsonResponse(200, {{"items", items}});
             });

  // Transitions of care (HEDIS TRC).
  router.Add(http::Method::kGet, "/api/v1/encounters/{encounter_id}/transitions-of-care",
             {.permission = P::kReadPatient, .patient_of = encounter},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("encounter_id"));
               CK_ASSIGN_OR_RETURN(TransitionsOfCare out, t.TransitionsOfCareFor(req.Actor(), id));
               return http::JsonResponse(200, ToJson(out));
             });
  router.Add(http::Method::kPost, "/api/v1/encounters/{encounter_id}/transitions-of-care",
             {.permission = P::kWritePatient, .patient_of = encounter},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("encounter_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"component", "occurred_at", "performed_by", "note"}));
               TrcRecord r;
               CK_ASSIGN_OR_RETURN(r.component, http::RequiredString(body, "component", 40));
               CK_ASSIGN_OR_RETURN(auto at, http::OptionalTime(body, "occurred_at"));
               if (!at) return InvalidArgument("is required (an ISO-8601 time)", "occurred_at");
               r.occurred_at = *at;
               CK_ASSIGN_OR_RETURN(r.performed_by, http::OptionalString(body, "performed_by", 200));
               CK_ASSIGN_OR_RETURN(r.note, http::OptionalString(body, "note", 2000));
               CK_ASSIGN_OR_RETURN(TransitionsOfCare out,
                                   t.DocumentTrc(*req.principal, req.Actor(), id, r));
               return http::JsonResponse(201, ToJson(out));
             });
  router.Add(http::Method::kPost, "/api/v1/trc-documentation/{documentation_id}/retract",
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("trc_documentation", "documentation_id",
                                                  "TRC documentation")},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("documentation_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"reason"}));
               CK_ASSIGN_OR_RETURN(std::string reason, http::RequiredString(body, "reason", 500));
               CK_ASSIGN_OR_RETURN(TransitionsOfCare out,
                                   t.RetractTrc(*req.principal, req.Actor(), id, reason));
               return http::JsonResponse(200, ToJson(out));
             });

  // Stays and readmissions.
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/stays",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto list, t.StaysFor(req.Actor(), *req.patient_id));
               Json items = Json::array();
               for (const StayOverview& o : list) {
                 Json j = ToJson(o.trc);
                 j["discharge_plan_id"] = http::OrNull(o.discharge_plan_id);
                 j["readiness"] = o.readiness ? ToJson(*o.readiness) : Json(nullptr);
                 items.push_back(std::move(j));
               }
               return http::JsonResponse(200, {{"items", items}});
             });
  router.Add(http::Method::kPost, "/api/v1/encounters/{encounter_id}/planned-admission",
             {.permission = P::kWritePatient, .patient_of = encounter},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("encounter_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"planned", "reason"}));
               CK_ASSIGN_OR_RETURN(auto planned, http::OptionalBool(body, "planned"));
               if (!planned) return InvalidArgument("is required (true or false)", "planned");
               CK_ASSIGN_OR_RETURN(std::string reason, http::RequiredString(body, "reason", 500));
               CK_ASSIGN_OR_RETURN(Stay s,
                                   t.SetPlanned(*req.principal, req.Actor(), id, *planned, reason));
               return http::JsonResponse(200, ToJson(s));
             });
  router.Add(http::Method::kGet, "/api/v1/reports/readmissions", {.permission = P::kReadReports},
             [&t](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Date from, http::RequiredDateQuery(req, "from"));
               CK_ASSIGN_OR_RETURN(Date to, http::RequiredDateQuery(req, "to"));
               CK_ASSIGN_OR_RETURN(ReadmissionCounts n, t.ReadmissionReport(req.Actor(), from, to));
               return reports::Respond(
                   req,
                   {{"from", FormatDate(n.from)},
                    {"to", FormatDate(n.to)},
                    {"time_zone", t.time_zone().name()},
                    {"index_discharges", n.index_discharges},
                    {"readmissions", n.readmissions},
                    {"rate", n.rate},
                    {"planned_readmissions_excluded", n.planned_readmissions},
                    {"window_open", n.window_open},
                    {"definition",
                     "acute inpatient admissions 0 to 30 days after an acute discharge "
                     "(local days; transfers merged; cancelled admissions and planned "
                     "readmissions excluded), over index discharges dated from..to"}},
                   "readmissions");
             });
}

}  // namespace ck::transitions
