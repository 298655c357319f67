// Transitions of care of a stay (the four TRC components and their evidence),
// the planned flag, the patient's stays and the readmission report.
#include "transitions/service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/trail.h"
#include "transitions/checklist.h"
#include "transitions/internal.h"
#include "transitions/readmissions.h"
#include "transitions/trc.h"

namespace ck::transitions {
namespace {

using Json = nlohmann::json;
using namespace internal;

}  // namespace

// Everything that may meet a component of this stay's TRC.
Result<std::vector<TrcEvidence>> LoadTrcEvidence(db::Connection& c, const Stay& stay) {
  std::vector<TrcEvidence> out;
  CK_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                      StayEncounterIds(c, stay.patient_id, stay.admitted_at, stay.discharged_at));
  if (ids.empty()) ids.push_back(stay.first_encounter_id);
  db::Params in_ids(ids.begin(), ids.end());
  const std::string in = InList(ids.size());
  // (1) The admission as casekeeper learnt of it: an A01 received (when it was
  // received), or the admission entered by hand (when it was entered).
  CK_ASSIGN_OR_RETURN(auto admitted,
                      c.Query("SELECT recorded_at, source, payload FROM domain_events WHERE kind "
                              "= 'encounter.admitted' AND entity_id = ? ORDER BY id",
                              {stay.first_encounter_id}));
  for (const db::Row& r : admitted) {
    TrcEvidence e{"admission_notification", r.Int(0), "", stay.first_encounter_id, std::nullopt};
    Json payload = Json::parse(r.Text(2), nullptr, false);
    if (!payload.is_object()) payload = Json::object();
    if (r.Text(1) == "hl7v2") {
      e.source = "hl7v2_a01";
      e.by = "HL7 ADT from " + payload.value("facility", std::string("the hospital"));
    } else {
      e.source = "hand_entry";
      if (payload.contains("recorded_by") && payload["recorded_by"].is_number_integer()) {
        CK_ASSIGN_OR_RETURN(e.by, UserName(c, payload["recorded_by"].get<int64_t>()));
      }
    }
    out.push_back(std::move(e));
  }
  // (2) Discharge information: the checklist item, a discharge summary filed.
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT i.completed_at, p.id, u.display_name FROM discharge_plan_items i JOIN "
      "discharge_plans p ON p.id = i.plan_id LEFT JOIN users u ON u.id = i.completed_by WHERE "
      "i.item = 'discharge_summary_received' AND i.status = 'done' AND p.encounter_id IN " +
          in,
      in_ids, [&](const db::Row& r) {
        out.push_back({"discharge_information", r.Int(0), "checklist", r.Int(1), r.OptText(2)});
        return Status::Ok();
      }));
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT d.uploaded_at, d.id, u.display_name FROM documents d LEFT JOIN users u ON u.id = "
      "d.uploaded_by WHERE d.patient_id = ? AND d.doc_type = 'discharge_summary' AND "
      "d.uploaded_at >= ?",
      {stay.patient_id, stay.admitted_at}, [&](const db::Row& r) {
        out.push_back({"discharge_information", r.Int(0), "document", r.Int(1), r.OptText(2)});
        return Status::Ok();
      }));
  // (3) Engagement: a visit, home visit, call, telehealth or e-visit that reached
  // the patient (or their caregiver); a completed appointment.
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT k.contact_at, k.id, u.display_name, k.method FROM case_contacts k LEFT JOIN users u "
      "ON u.id = k.recorded_by WHERE k.patient_id = ? AND k.outcome = 'reached' AND k.party IN "
      "('patient', 'caregiver') AND k.method IN ('in_person', 'phone', 'video', "
      "'portal_message') AND k.contact_at >= ?",
      {stay.patient_id, stay.admitted_at}, [&](const db::Row& r) {
        out.push_back({"patient_engagement", r.Int(0), "contact", r.Int(1), r.OptText(2)});
        return Status::Ok();
      }));
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT starts_at, id, provider FROM appointments WHERE patient_id = ? AND status = "
      "'completed' AND kind IN ('appointment', 'therapy_session') AND starts_at >= ?",
      {stay.patient_id, stay.admitted_at}, [&](const db::Row& r) {
        out.push_back({"patient_engagement", r.Int(0), "appointment", r.Int(1), r.OptText(2)});
        return Status::Ok();
      }));
  // (4) A completed reconciliation of the stay.
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT m.completed_at, m.id, u.display_name FROM medication_reconciliations m LEFT JOIN "
      "users u ON u.id = m.completed_by WHERE m.status = 'completed' AND m.encounter_id IN " +
          in,
      in_ids, [&](const db::Row& r) {
        out.push_back(
            {"medication_reconciliation", r.Int(0), "reconciliation", r.Int(1), r.OptText(2)});
        return Status::Ok();
      }));
  // Any of them documented by hand.
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT t.component, t.occurred_at, t.id, COALESCE(t.performed_by, u.display_name) FROM "
      "trc_documentation t LEFT JOIN users u ON u.id = t.recorded_by WHERE t.status = 'active' "
      "AND t.encounter_id IN " +
          in,
      in_ids, [&](const db::Row& r) {
        out.push_back({r.Text(0), r.Int(1), "documented", r.Int(2), r.OptText(3)});
        return Status::Ok();
      }));
  return out;
}

namespace {}  // namespace

Result<TransitionsOfCare> Service::LoadTrc(db::Connection& c, const Stay& stay, Timestamp now) {
  TransitionsOfCare t;
  t.stay = stay;
  CK_ASSIGN_OR_RETURN(std::vector<TrcEvidence> evidence, LoadTrcEvidence(c, stay));
  t.components = EvaluateTrc(stay, evidence, tz_.LocalDate(now), tz_);
  t.status = OverallTrcStatus(t.components);
  // HEDIS counts only the last discharge when another stay follows within 30 days.
  CK_ASSIGN_OR_RETURN(auto later, c.Query("SELECT first_encounter_id FROM acute_stays WHERE "
                                          "readmission_of = ? ORDER BY admitted_at LIMIT 1",
                                          {stay.first_encounter_id}));
  if (!later.empty()) t.superseded_by = later.at(0).Int(0);
  return t;
}

Result<TransitionsOfCare> Service::TransitionsOfCareFor(const auth::Actor& actor,
                                                        int64_t encounter_id) {
  Timestamp now = clock_.Now();
  TransitionsOfCare out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Stay stay, StayOfEncounter(c, encounter_id));
    CK_ASSIGN_OR_RETURN(out, LoadTrc(c, stay, now));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, now, "transitions_of_care.read", "encounter",
                                           std::to_string(encounter_id), out.stay.patient_id)));
  return out;
}

Result<TransitionsOfCare> Service::DocumentTrc(const auth::Principal& who, const auth::Actor& actor,
                                               int64_t encounter_id, const TrcRecord& r) {
  if (!IsTrcComponent(r.component))
    return InvalidArgument(
        "must be admission_notification, discharge_information, patient_engagement or "
        "medication_reconciliation",
        "component");
  Timestamp now = clock_.Now();
  if (r.occurred_at > now + 5 * kMillisPerMinute)
    return InvalidArgument("must not be in the future", "occurred_at");
  CK_RETURN_IF_ERROR(CheckText(r.performed_by, "performed_by", 200));
  CK_RETURN_IF_ERROR(CheckText(r.note, "note", 2000));
  TransitionsOfCare out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Stay stay, StayOfEncounter(c, encounter_id));
    if (r.occurred_at < stay.admitted_at - kMillisPerDay)
      return InvalidArgument("must not be before the admission", "occurred_at");
    CK_ASSIGN_OR_RETURN(
        auto made,
        c.Query("INSERT INTO trc_documentation (encounter_id, patient_id, component, "
                "occurred_at, performed_by, note, status, recorded_by, recorded_at) VALUES (?, ?, "
                "?, ?, ?, ?, 'active', ?, ?) RETURNING id",
                {encounter_id, stay.patient_id, r.component, r.occurred_at, r.performed_by, r.note,
                 who.user_id, now}));
    // Discharge information received is also the checklist's item.
    if (r.component == "discharge_information") {
      CK_ASSIGN_OR_RETURN(
          std::vector<int64_t> ids,
          StayEncounterIds(c, stay.patient_id, stay.admitted_at, stay.discharged_at));
      CK_RETURN_IF_ERROR(MarkChecklistItemDone(c, ids, "discharge_summary_received",
                                               "discharge information documented", who.user_id,
                                               now));
    }
    CK_ASSIGN_OR_RETURN(out, LoadTrc(c, stay, now));
    return audit::Append(
        c, audit::EventBy(actor, now, "transitions_of_care.document", "trc_documentation",
                          std::to_string(made.at(0).Int(0)), stay.patient_id, r.component));
  }));
  return out;
}

Result<TransitionsOfCare> Service::RetractTrc(const auth::Principal& who, const auth::Actor& actor,
                                              int64_t documentation_id, const std::string& reason) {
  (void)who;
  if (reason.empty() || reason.size() > 500)
    return InvalidArgument("is required (at most 500 bytes)", "reason");
  Timestamp now = clock_.Now();
  TransitionsOfCare out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT encounter_id, patient_id, status FROM "
                                           "trc_documentation WHERE id = ?",
                                           {documentation_id}));
    if (rows.empty())
      return NotFound("no TRC documentation " + std::to_string(documentation_id),
                      "documentation_id");
    if (rows.at(0).Text(2) != "active")
      return WrongState("the documentation is retracted already", "status");
    CK_RETURN_IF_ERROR(c.Exec("UPDATE trc_documentation SET status = 'retracted', "
                              "retracted_reason = ? WHERE id = ?",
                              {reason, documentation_id})
                           .status());
    CK_ASSIGN_OR_RETURN(Stay stay, StayOfEncounter(c, rows.at(0).Int(0)));
    CK_ASSIGN_OR_RETURN(out, LoadTrc(c, stay, now));
    return audit::Append(
        c, audit::EventBy(actor, now, "transitions_of_care.retract", "trc_documentation",
                          std::to_string(documentation_id), rows.at(0).Int(1), reason));
  }));
  return out;
}

Result<Stay> Service::SetPlanned(const auth::Principal& who, const auth::Actor& actor,
                                 int64_t encounter_id, bool planned, const std::string& reason) {
  if (reason.empty() || reason.size() > 500)
    return InvalidArgument("is required (at most 500 bytes)", "reason");
  Timestamp now = clock_.Now();
  Stay out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(EncounterRow e, LoadEncounter(c, encounter_id));
    if (e.encounter_class != "inpatient")
      return WrongState("only inpatient admissions count as readmissions", "encounter_id");
    CK_ASSIGN_OR_RETURN(auto had, c.Query("SELECT planned FROM admission_planning WHERE "
                                          "encounter_id = ?",
                                          {encounter_id}));
    if (had.empty()) {
      CK_RETURN_IF_ERROR(c.Exec("INSERT INTO admission_planning (encounter_id, patient_id, "
                                "planned, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)",
                                {encounter_id, e.patient_id, planned, reason, who.user_id, now})
                             .status());
    } else {
      CK_RETURN_IF_ERROR(c.Exec("UPDATE admission_planning SET planned = ?, reason = ?, set_by = "
                                "?, set_at = ?, version = version + 1 WHERE encounter_id = ?",
                                {planned, reason, who.user_id, now, encounter_id})
                             .status());
    }
    CK_RETURN_IF_ERROR(RecomputeStays(c, e.patient_id, tz_, now));
    CK_ASSIGN_OR_RETURN(out, StayOfEncounter(c, encounter_id));
    return audit::Append(
        c,
        audit::EventBy(actor, now, "admission.planned", "encounter", std::to_string(encounter_id),
                       e.patient_id, std::string(planned ? "planned: " : "unplanned: ") + reason));
  }));
  return out;
}

Result<std::vector<StayOverview>> Service::StaysFor(const auth::Actor& actor, int64_t patient_id) {
  Timestamp now = clock_.Now();
  std::vector<StayOverview> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    CK_ASSIGN_OR_RETURN(std::vector<Stay> stays, LoadStays(c, patient_id));
    for (auto it = stays.rbegin(); it != stays.rend(); ++it) {
      StayOverview o;
      CK_ASSIGN_OR_RETURN(o.trc, LoadTrc(c, *it, now));
      CK_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                          StayEncounterIds(c, patient_id, it->admitted_at, it->discharged_at));
      if (!ids.empty()) {
        db::Params p(ids.begin(), ids.end());
        CK_ASSIGN_OR_RETURN(auto plan, c.Query("SELECT id FROM discharge_plans WHERE "
                                               "encounter_id IN " +
                                                   InList(ids.size()) + " ORDER BY id DESC",
                                               p));
        if (!plan.empty()) {
          o.discharge_plan_id = plan.at(0).Int(0);
          std::vector<ChecklistItem> items;
          CK_RETURN_IF_ERROR(
              c.ForEachRow("SELECT item, status FROM discharge_plan_items WHERE "
                           "plan_id = ?",
                           {*o.discharge_plan_id}, [&](const db::Row& r) {
                             ChecklistItem i;
                             i.item = r.Text(0);
                             i.status = r.Text(1);
                             items.push_back(std::move(i));
                             return Status::Ok();
                           }));
          o.readiness = ReadinessOf(items);
        }
      }
      out.push_back(std::move(o));
    }
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(db_, audit::EventBy(actor, now, "stays.list", "patient",
                                                          std::to_string(patient_id), patient_id)));
  return out;
}

Result<ReadmissionCounts> Service::ReadmissionReport(const auth::Actor& actor, Date from, Date to) {
  Timestamp now = clock_.Now();
  ReadmissionCounts out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, CountReadmissions(c, from, to, tz_.LocalDate(now)));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_, audit::EventBy(actor, now, "report.readmissions", "report", "readmissions", std::nullopt,
                          FormatDate(from) + ".." + FormatDate(to))));
  return out;
}

}  // namespace ck::transitions
