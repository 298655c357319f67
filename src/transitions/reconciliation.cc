// Medication reconciliation for a stay, and adherence checks afterwards.
#include <algorithm>
#include <map>

#include "audit/trail.h"
#include "core/strings.h"
#include "patients/clinical.h"
#include "tasks/service.h"
#include "transitions/internal.h"
#include "transitions/medication_review.h"
#include "transitions/readmissions.h"
#include "transitions/service.h"

namespace ck::transitions {
namespace {

using namespace internal;

constexpr const char* kRecColumns =
    "id, encounter_id, patient_id, status, source, note, medication_list_updated, created_by, "
    "created_at, completed_at, completed_by, updated_at, version, cancelled_at, cancelled_by, "
    "cancel_reason";

Result<Reconciliation> LoadReconciliation(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kRecColumns +
                                             " FROM medication_reconciliations WHERE id = ?",
                                         {id}));
  if (rows.empty())
    return NotFound("no medication reconciliation " + std::to_string(id), "reconciliation_id");
  const db::Row& r = rows.at(0);
  Reconciliation m;
  m.id = r.Int(0);
  m.encounter_id = r.Int(1);
  m.patient_id = r.Int(2);
  m.status = r.Text(3);
  m.source = r.Text(4);
  m.note = r.OptText(5);
  m.medication_list_updated = r.Int(6) != 0;
  m.created_by = r.OptInt(7);
  m.created_at = r.Int(8);
  m.completed_at = r.OptInt(9);
  m.completed_by = r.OptInt(10);
  m.updated_at = r.Int(11);
  m.version = static_cast<int>(r.Int(12));
  m.cancelled_at = r.OptInt(13);
  m.cancelled_by = r.OptInt(14);
  m.cancel_reason = r.OptText(15);
  CK_RETURN_IF_ERROR(
      c.ForEachRow("SELECT list, position, medication_id, name, dose, route, frequency, code FROM "
                   "reconciliation_medications WHERE reconciliation_id = ? ORDER BY list, position",
                   {id}, [&](const db::Row& l) {
                     MedicationLine line{static_cast<int>(l.Int(1)),
                                         l.OptInt(2),
                                         l.Text(3),
                                         l.OptText(4),
                                         l.OptText(5),
                                         l.OptText(6),
                                         l.OptText(7)};
                     (l.Text(0) == "before" ? m.before : m.discharge).push_back(std::move(line));
                     return Status::Ok();
                   }));
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT id, kind, before_position, discharge_position, other_position, medication, detail, "
      "resolution, resolved_with, resolution_note, resolved_by, resolved_at FROM "
      "reconciliation_discrepancies WHERE reconciliation_id = ? ORDER BY id",
      {id}, [&](const db::Row& d) {
        Discrepancy x;
        x.id = d.Int(0);
        x.kind = d.Text(1);
        auto pos = [&](size_t i) {
          return d.IsNull(i) ? std::optional<int>()
                             : std::optional<int>(static_cast<int>(d.Int(i)));
        };
        x.before_position = pos(2);
        x.discharge_position = pos(3);
        x.other_position = pos(4);
        x.medication = d.Text(5);
        x.detail = d.Text(6);
        x.resolution = d.OptText(7);
        x.resolved_with = d.OptText(8);
        x.resolution_note = d.OptText(9);
        x.resolved_by = d.OptInt(10);
        x.resolved_at = d.OptInt(11);
        m.discrepancies.push_back(std::move(x));
        return Status::Ok();
      }));
  return m;
}

const std::vector<const char*>& Routes() {
  static const std::vector<const char*> routes = [] {
    for (const patients::FieldSpec& f : patients::FindRecordKind("medications")->fields)
      if (std::string_view(f.name) == "route") return f.allowed;
    return std::vector<const char*>{};
  }();
  return routes;
}

// Validates and numbers a discharge list.
Result<std::vector<MedicationLine>> CheckDischargeList(std::vector<MedicationLine> lines) {
  if (lines.size() > 100)
    return InvalidArgument("at most 100 medications", "discharge_medications");
  int position = 0;
  for (MedicationLine& l : lines) {
    l.position = position++;
    l.medication_id.reset();
    const std::string field = "discharge_medications";
    auto bad = [&](const std::string& what) {
      return InvalidArgument("medication " + std::to_string(l.position + 1) + ": " + what, field);
    };
    if (l.name.empty() || l.name.size() > 200) return bad("name is required (at most 200 bytes)");
    if (l.dose && (l.dose->empty() || l.dose->size() > 100)) return bad("dose is 1 to 100 bytes");
    if (l.frequency && (l.frequency->empty() || l.frequency->size() > 100))
      return bad("frequency is 1 to 100 bytes");
    if (l.route && std::none_of(Routes().begin(), Routes().end(),
                                [&](const char* r) { return *l.route == r; }))
      return bad("route must be a medication route (oral, subcutaneous, ...)");
    if (l.code && (l.code->empty() || l.code->size() > 12 ||
                   l.code->find_first_not_of("0123456789") != std::string::npos))
      return bad("code must be an RxNorm concept id (digits)");
  }
  return lines;
}

Status SaveList(db::Connection& c, int64_t rec_id, const char* list,
                const std::vector<MedicationLine>& lines) {
  CK_RETURN_IF_ERROR(c.Exec("DELETE FROM reconciliation_medications WHERE reconciliation_id = ? "
                            "AND list = ?",
                            {rec_id, std::string(list)})
                         .status());
  for (const MedicationLine& l : lines)
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO reconciliation_medications (reconciliation_id, list, "
                              "position, medication_id, name, dose, route, frequency, code) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              {rec_id, std::string(list), static_cast<int64_t>(l.position),
                               l.medication_id, l.name, l.dose, l.route, l.frequency, l.code})
                           .status());
  return Status::Ok();
}

db::Value Pos(const std::optional<int>& p) {
  return p ? db::Value(static_cast<int64_t>(*p)) : db::Value();
}

// Finds the discrepancies again; a resolution is kept for one that is still there.
Status SaveDiscrepancies(db::Connection& c, const Reconciliation& m) {
  std::vector<Discrepancy> found = FindDiscrepancies(m.before, m.discharge);
  auto key = [](const Discrepancy& d) { return d.kind + "|" + d.medication + "|" + d.detail; };
  std::map<std::string, const Discrepancy*> old;
  for (const Discrepancy& d : m.discrepancies) old[key(d)] = &d;
  CK_RETURN_IF_ERROR(
      c.Exec("DELETE FROM reconciliation_discrepancies WHERE reconciliation_id = ?", {m.id})
          .status());
  for (Discrepancy& d : found) {
    if (auto it = old.find(key(d)); it != old.end()) {
      d.resolution = it->second->resolution;
      d.resolved_with = it->second->resolved_with;
      d.resolution_note = it->second->resolution_note;
      d.resolved_by = it->second->resolved_by;
      d.resolved_at = it->second->resolved_at;
    }
    CK_RETURN_IF_ERROR(
        c.Exec("INSERT INTO reconciliation_discrepancies (reconciliation_id, kind, "
               "before_position, discharge_position, other_position, medication, detail, "
               "resolution, resolved_with, resolution_note, resolved_by, resolved_at) VALUES (?, "
               "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {m.id, d.kind, Pos(d.before_position), Pos(d.discharge_position),
                Pos(d.other_position), d.medication, d.detail, d.resolution, d.resolved_with,
                d.resolution_note, d.resolved_by, d.resolved_at})
            .status());
  }
  return Status::Ok();
}

// The patient's medications active on `day`: active or on hold and started by
// then; or stopped or completed on or after it (and started by then).
Result<std::vector<MedicationLine>> ActiveOn(db::Connection& c, int64_t patient_id, Date day) {
  std::vector<MedicationLine> out;
  const std::string d = FormatDate(day);
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT id, name, dose, route, frequency, code, start_date, stop_date, status FROM "
      "medications WHERE patient_id = ? AND status <> 'entered_in_error' ORDER BY id",
      {patient_id}, [&](const db::Row& r) {
        std::optional<std::string> start = r.OptText(6), stop = r.OptText(7);
        const std::string status = r.Text(8);
        if (start && *start > d) return Status::Ok();
        bool running = (status == "active" || status == "on_hold") && (!stop || *stop >= d);
        bool ended_later = (status == "stopped" || status == "completed") && stop && *stop >= d;
        if (!running && !ended_later) return Status::Ok();
        out.push_back({static_cast<int>(out.size()), r.Int(0), r.Text(1), r.OptText(2),
                       r.OptText(3), r.OptText(4), r.OptText(5)});
        return Status::Ok();
      }));
  return out;
}

Status CheckRecEncounter(const EncounterRow& e) {
  if (e.encounter_class == "outpatient")
    return WrongState("reconciliation follows an inpatient, observation or emergency stay",
                      "encounter_id");
  if (e.status == "cancelled" || e.status == "entered_in_error")
    return WrongState("the encounter is " + e.status, "encounter_id");
  return Status::Ok();
}

// Makes the patient's list the reconciled one (docs/transitions.md, "Updating
// the medication list").
Status UpdateMedicationList(db::Connection& c, const Reconciliation& m, Date on,
                            const auth::Actor& actor, Timestamp now) {
  const std::vector<int> match = MatchMedications(m.before, m.discharge);
  auto resolution = [&](const char* kind, std::optional<int> before_pos,
                        std::optional<int> discharge_pos) -> std::string {
    for (const Discrepancy& d : m.discrepancies)
      if (d.kind == kind && (!before_pos || d.before_position == before_pos) &&
          (!discharge_pos || d.discharge_position == discharge_pos))
        return d.resolution.value_or("");
    return "";
  };
  // Duplicates resolved "stopped": the second of the pair is not taken.
  std::vector<bool> dropped(m.discharge.size(), false);
  for (const Discrepancy& d : m.discrepancies)
    if (d.kind == "duplicate_therapy" && d.resolution == "stopped" && d.other_position)
      dropped[static_cast<size_t>(*d.other_position)] = true;
  const std::string day = FormatDate(on);
  const std::string why = "from medication reconciliation " + std::to_string(m.id);
  audit::Batch audit;
  std::vector<bool> before_kept(m.before.size(), false);
  for (size_t i = 0; i < m.discharge.size(); ++i) {
    const MedicationLine& d = m.discharge[i];
    int b = match[i];
    if (b < 0) {
      if (dropped[i] || resolution("new", std::nullopt, d.position) == "stopped") continue;
      std::map<std::string, db::Value> fields = {
          {"name", d.name}, {"status", std::string("active")}, {"start_date", day}};
      if (d.dose) fields["dose"] = *d.dose;
      if (d.route) fields["route"] = *d.route;
      if (d.frequency) fields["frequency"] = *d.frequency;
      if (d.code) fields["code"] = *d.code;
      CK_ASSIGN_OR_RETURN(int64_t id, patients::InsertRecord(
                                          c, m.patient_id, *patients::FindRecordKind("medications"),
                                          std::move(fields), now));
      CK_RETURN_IF_ERROR(audit.Add(audit::EventBy(actor, now, "medication.create", "medication",
                                                  std::to_string(id), m.patient_id, why)));
      continue;
    }
    const MedicationLine& y = m.before[static_cast<size_t>(b)];
    if (dropped[i]) continue;  // stopped below as not kept
    before_kept[static_cast<size_t>(b)] = true;
    if (!y.medication_id) continue;
    std::string sets;
    db::Params params;
    auto take = [&](const char* kind, const char* column, const std::optional<std::string>& v) {
      if (resolution(kind, y.position, d.position).empty()) return;  // no such change
      if (resolution(kind, y.position, d.position) == "kept") return;
      sets += std::string(sets.empty() ? "" : ", ") + column + " = ?";
      params.push_back(v ? db::Value(*v) : db::Value());
    };
    take("dose_changed", "dose", d.dose);
    take("frequency_changed", "frequency", d.frequency);
    take("route_changed", "route", d.route);
    if (!resolution("product_changed", y.position, d.position).empty() &&
        resolution("product_changed", y.position, d.position) != "kept") {
      sets += std::string(sets.empty() ? "" : ", ") + "name = ?, code = ?";
      params.push_back(d.name);
      params.push_back(d.code ? db::Value(*d.code) : db::Value());
    }
    if (sets.empty()) continue;
    params.push_back(now);
    params.push_back(*y.medication_id);
    CK_RETURN_IF_ERROR(c.Exec("UPDATE medications SET " + sets +
                                  ", updated_at = ?, version = version + 1 WHERE id = ?",
                              params)
                           .status());
    CK_RETURN_IF_ERROR(
        audit.Add(audit::EventBy(actor, now, "medication.update", "medication",
                                 std::to_string(*y.medication_id), m.patient_id, why)));
  }
  for (size_t b = 0; b < m.before.size(); ++b) {
    const MedicationLine& y = m.before[b];
    if (before_kept[b] || !y.medication_id) continue;
    if (resolution("stopped", y.position, std::nullopt) == "kept") continue;
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE medications SET status = 'stopped', stop_date = ?, updated_at = ?, "
               "version = version + 1 WHERE id = ? AND status IN ('active', 'on_hold')",
               {day, now, *y.medication_id})
            .status());
    CK_RETURN_IF_ERROR(audit.Add(audit::EventBy(actor, now, "medication.update", "medication",
                                                std::to_string(*y.medication_id), m.patient_id,
                                                "stopped " + why)));
  }
  return audit.Flush(c);
}

}  // namespace

Result<Reconciliation> Service::StartReconciliation(const auth::Principal& who,
                                                    const auth::Actor& actor, int64_t encounter_id,
                                                    const NewReconciliation& n) {
  if (!OneOf(n.source, {"discharge_summary", "discharge_instructions", "patient_report", "pharmacy",
                        "other"}))
    return InvalidArgument(
        "must be discharge_summary, discharge_instructions, patient_report, pharmacy or other",
        "source");
  CK_RETURN_IF_ERROR(CheckText(n.note, "note", 2000));
  CK_ASSIGN_OR_RETURN(std::vector<MedicationLine> discharge, CheckDischargeList(n.discharge));
  Timestamp now = clock_.Now();
  Reconciliation out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(EncounterRow e, LoadEncounter(c, encounter_id));
    CK_RETURN_IF_ERROR(CheckRecEncounter(e));
    CK_ASSIGN_OR_RETURN(auto open, c.Query("SELECT id FROM medication_reconciliations WHERE "
                                           "encounter_id = ? AND status = 'in_progress'",
                                           {encounter_id}));
    if (!open.empty())
      return AlreadyExists("reconciliation " + std::to_string(open.at(0).Int(0)) +
                               " of this encounter is in progress",
                           "encounter_id");
    CK_ASSIGN_OR_RETURN(std::vector<MedicationLine> before,
                        ActiveOn(c, e.patient_id, tz_.LocalDate(e.admitted_at)));
    CK_ASSIGN_OR_RETURN(
        auto made,
        c.Query("INSERT INTO medication_reconciliations (encounter_id, patient_id, status, "
                "source, note, created_by, created_at, updated_at) VALUES (?, ?, 'in_progress', "
                "?, ?, ?, ?, ?) RETURNING id",
                {encounter_id, e.patient_id, n.source, n.note, who.user_id, now, now}));
    int64_t id = made.at(0).Int(0);
    CK_RETURN_IF_ERROR(SaveList(c, id, "before", before));
    CK_RETURN_IF_ERROR(SaveList(c, id, "discharge", discharge));
    CK_ASSIGN_OR_RETURN(Reconciliation m, LoadReconciliation(c, id));
    CK_RETURN_IF_ERROR(SaveDiscrepancies(c, m));
    CK_ASSIGN_OR_RETURN(out, LoadReconciliation(c, id));
    return audit::Append(
        c, audit::EventBy(actor, now, "medication_reconciliation.start",
                          "medication_reconciliation", std::to_string(id), e.patient_id,
                          std::to_string(out.discrepancies.size()) + " discrepancies"));
  }));
  return out;
}

Result<std::vector<Reconciliation>> Service::ReconciliationsFor(const auth::Actor& actor,
                                                                int64_t encounter_id) {
  std::vector<Reconciliation> out;
  int64_t patient = 0;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    CK_ASSIGN_OR_RETURN(EncounterRow e, LoadEncounter(c, encounter_id));
    patient = e.patient_id;
    CK_ASSIGN_OR_RETURN(auto ids, c.Query("SELECT id FROM medication_reconciliations WHERE "
                                          "encounter_id = ? ORDER BY id DESC",
                                          {encounter_id}));
    for (const db::Row& r : ids) {
      CK_ASSIGN_OR_RETURN(Reconciliation m, LoadReconciliation(c, r.Int(0)));
      out.push_back(std::move(m));
    }
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "medication_reconciliation.list",
                                           "encounter", std::to_string(encounter_id), patient)));
  return out;
}

Result<Reconciliation> Service::GetReconciliation(const auth::Actor& actor, int64_t id) {
  Reconciliation out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, LoadReconciliation(c, id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_, audit::EventBy(actor, clock_.Now(), "medication_reconciliation.read",
                          "medication_reconciliation", std::to_string(id), out.patient_id)));
  return out;
}

Result<Reconciliation> Service::UpdateReconciliation(const auth::Principal& who,
                                                     const auth::Actor& actor, int64_t id,
                                                     const ReconciliationChange& ch,
                                                     int expected_version) {
  if (ch.source && !OneOf(*ch.source, {"discharge_summary", "discharge_instructions",
                                       "patient_report", "pharmacy", "other"}))
    return InvalidArgument(
        "must be discharge_summary, discharge_instructions, patient_report, pharmacy or other",
        "source");
  (void)who;  // the audit record names the actor
  if (ch.set_note) CK_RETURN_IF_ERROR(CheckText(ch.note, "note", 2000));
  std::optional<std::vector<MedicationLine>> discharge;
  if (ch.discharge) {
    CK_ASSIGN_OR_RETURN(discharge, CheckDischargeList(*ch.discharge));
  }
  Timestamp now = clock_.Now();
  Reconciliation out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Reconciliation m, LoadReconciliation(c, id));
    CK_RETURN_IF_ERROR(CheckVersion(m.version, expected_version, "reconciliation"));
    if (m.status != "in_progress") return WrongState("the reconciliation is " + m.status, "status");
    if (discharge) {
      CK_RETURN_IF_ERROR(SaveList(c, id, "discharge", *discharge));
      m.discharge = *discharge;
      CK_RETURN_IF_ERROR(SaveDiscrepancies(c, m));
    }
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE medication_reconciliations SET source = ?, note = ?, "
               "updated_at = ?, version = version + 1 WHERE id = ?",
               {ch.source.value_or(m.source), ch.set_note ? ch.note : m.note, now, id})
            .status());
    CK_ASSIGN_OR_RETURN(out, LoadReconciliation(c, id));
    return audit::Append(
        c, audit::EventBy(actor, now, "medication_reconciliation.update",
                          "medication_reconciliation", std::to_string(id), m.patient_id));
  }));
  return out;
}

Result<Reconciliation> Service::Resolve(const auth::Principal& who, const auth::Actor& actor,
                                        int64_t id, int64_t discrepancy_id, const Resolution& r,
                                        int expected_version) {
  if (!OneOf(r.resolution,
             {"kept", "changed", "stopped", "clarified_with_prescriber", "not_a_discrepancy"}))
    return InvalidArgument(
        "must be kept, changed, stopped, clarified_with_prescriber or not_a_discrepancy",
        "resolution");
  if (r.resolved_with.empty() || r.resolved_with.size() > 200)
    return InvalidArgument("say with whom (1 to 200 bytes): the prescriber, the patient, ...",
                           "resolved_with");
  CK_RETURN_IF_ERROR(CheckText(r.note, "note", 2000));
  Timestamp now = clock_.Now();
  Reconciliation out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Reconciliation m, LoadReconciliation(c, id));
    CK_RETURN_IF_ERROR(CheckVersion(m.version, expected_version, "reconciliation"));
    if (m.status != "in_progress") return WrongState("the reconciliation is " + m.status, "status");
    auto d = std::find_if(m.discrepancies.begin(), m.discrepancies.end(),
                          [&](const Discrepancy& x) { return x.id == discrepancy_id; });
    if (d == m.discrepancies.end())
      return NotFound(
          "no discrepancy " + std::to_string(discrepancy_id) + " in this reconciliation",
          "discrepancy_id");
    CK_RETURN_IF_ERROR(c.Exec("UPDATE reconciliation_discrepancies SET resolution = ?, "
                              "resolved_with = ?, resolution_note = ?, resolved_by = ?, "
                              "resolved_at = ? WHERE id = ?",
                              {r.resolution, r.resolved_with, r.note, who.user_id, now, d->id})
                           .status());
    CK_RETURN_IF_ERROR(c.Exec("UPDATE medication_reconciliations SET updated_at = ?, version = "
                              "version + 1 WHERE id = ?",
                              {now, id})
                           .status());
    CK_ASSIGN_OR_RETURN(out, LoadReconciliation(c, id));
    return audit::Append(c, audit::EventBy(actor, now, "medication_reconciliation.resolve",
                                           "medication_reconciliation", std::to_string(id),
                                           m.patient_id, d->kind + " " + r.resolution));
  }));
  return out;
}

Result<Reconciliation> Service::CompleteReconciliation(const auth::Principal& who,
                                                       const auth::Actor& actor, int64_t id,
                                                       bool update_medication_list,
                                                       int expected_version) {
  Timestamp now = clock_.Now();
  Reconciliation out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Reconciliation m, LoadReconciliation(c, id));
    CK_RETURN_IF_ERROR(CheckVersion(m.version, expected_version, "reconciliation"));
    if (m.status != "in_progress") return WrongState("the reconciliation is " + m.status, "status");
    int open = static_cast<int>(std::count_if(m.discrepancies.begin(), m.discrepancies.end(),
                                              [](const Discrepancy& d) { return !d.resolution; }));
    if (open > 0)
      return WrongState(
          std::to_string(open) + " discrepanc" + (open == 1 ? "y is" : "ies are") + " not resolved",
          "discrepancies");
    CK_ASSIGN_OR_RETURN(EncounterRow e, LoadEncounter(c, m.encounter_id));
    Date on = tz_.LocalDate(e.discharged_at.value_or(now));
    if (update_medication_list) CK_RETURN_IF_ERROR(UpdateMedicationList(c, m, on, actor, now));
    CK_RETURN_IF_ERROR(c.Exec("UPDATE medication_reconciliations SET status = 'completed', "
                              "completed_at = ?, completed_by = ?, medication_list_updated = ?, "
                              "updated_at = ?, version = version + 1 WHERE id = ?",
                              {now, who.user_id, update_medication_list, now, id})
                           .status());
    // The checklist item of the stay's plan, and the reconciliation tasks programs made.
    std::vector<int64_t> encounters{e.id};
    auto stay = StayOfEncounter(c, e.id);
    Timestamp since = e.admitted_at;
    if (stay.ok()) {
      CK_ASSIGN_OR_RETURN(
          encounters, StayEncounterIds(c, e.patient_id, stay->admitted_at, stay->discharged_at));
      since = stay->admitted_at;
    }
    CK_RETURN_IF_ERROR(MarkChecklistItemDone(c, encounters, "medication_reconciliation",
                                             "medication reconciliation " + std::to_string(id),
                                             who.user_id, now));
    CK_ASSIGN_OR_RETURN(auto tasks,
                        c.Query("SELECT id FROM tasks WHERE patient_id = ? AND task_type = "
                                "'medication_reconciliation' AND status IN ('open', "
                                "'in_progress', 'paused') AND created_at >= ? ORDER BY id",
                                {m.patient_id, since}));
    for (const db::Row& t : tasks)
      CK_RETURN_IF_ERROR(
          tasks::CloseByWork(c, t.Int(0), "done",
                             "Medication reconciliation " + std::to_string(id) + " completed", 0,
                             who.user_id, now)
              .status());
    CK_ASSIGN_OR_RETURN(out, LoadReconciliation(c, id));
    return audit::Append(
        c, audit::EventBy(actor, now, "medication_reconciliation.complete",
                          "medication_reconciliation", std::to_string(id), m.patient_id,
                          update_medication_list ? "medication list updated" : ""));
  }));
  return out;
}

Result<Reconciliation> Service::CancelReconciliation(const auth::Principal& who,
                                                     const auth::Actor& actor, int64_t id,
                                                     const std::string& reason,
                                                     int expected_version) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    return InvalidArgument("say why the reconciliation is cancelled", "reason");
  CK_RETURN_IF_ERROR(CheckText(reason, "reason", 1000));
  Timestamp now = clock_.Now();
  Reconciliation out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Reconciliation m, LoadReconciliation(c, id));
    CK_RETURN_IF_ERROR(CheckVersion(m.version, expected_version, "reconciliation"));
    if (m.status != "in_progress") return WrongState("the reconciliation is " + m.status, "status");
    CK_RETURN_IF_ERROR(c.Exec("UPDATE medication_reconciliations SET status = 'cancelled', "
                              "cancelled_at = ?, cancelled_by = ?, cancel_reason = ?, updated_at "
                              "= ?, version = version + 1 WHERE id = ?",
                              {now, who.user_id, reason, now, id})
                           .status());
    CK_ASSIGN_OR_RETURN(out, LoadReconciliation(c, id));
    return audit::Append(
        c, audit::EventBy(actor, now, "medication_reconciliation.cancel",
                          "medication_reconciliation", std::to_string(id), m.patient_id));
  }));
  return out;
}

Result<AdherenceCheck> Service::RecordAdherence(const auth::Principal& who,
                                                const auth::Actor& actor, int64_t patient_id,
                                                AdherenceCheck a) {
  if (!OneOf(a.method, {"patient_reported", "missed_refills", "pill_count"}))
    return InvalidArgument("must be patient_reported, missed_refills or pill_count", "method");
  if (!OneOf(a.result, {"adherent", "partially_adherent", "non_adherent"}))
    return InvalidArgument("must be adherent, partially_adherent or non_adherent", "result");
  CK_ASSIGN_OR_RETURN(Date on, ParseDate(a.checked_on, "checked_on"));
  Timestamp now = clock_.Now();
  if (std::chrono::sys_days{on} > std::chrono::sys_days{tz_.LocalDate(now)})
    return InvalidArgument("must not be in the future", "checked_on");
  CK_RETURN_IF_ERROR(CheckText(a.medication, "medication", 200));
  CK_RETURN_IF_ERROR(CheckText(a.note, "note", 2000));
  if (a.result != "adherent" && !a.note)
    return InvalidArgument("say what was missed or why", "note");
  AdherenceCheck out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    if (a.reconciliation_id) {
      CK_ASSIGN_OR_RETURN(auto r, c.Query("SELECT patient_id FROM medication_reconciliations "
                                          "WHERE id = ?",
                                          {*a.reconciliation_id}));
      if (r.empty() || r.at(0).Int(0) != patient_id)
        return InvalidArgument("is not a reconciliation of this patient", "reconciliation_id");
    }
    CK_ASSIGN_OR_RETURN(
        auto made,
        c.Query("INSERT INTO adherence_checks (patient_id, reconciliation_id, method, "
                "checked_on, result, medication, note, recorded_by, recorded_at) VALUES (?, ?, "
                "?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {patient_id, a.reconciliation_id, a.method, a.checked_on, a.result, a.medication,
                 a.note, who.user_id, now}));
    out = a;
    out.id = made.at(0).Int(0);
    out.patient_id = patient_id;
    out.recorded_by = who.user_id;
    out.recorded_at = now;
    return audit::Append(
        c, audit::EventBy(actor, now, "adherence_check.create", "adherence_check",
                          std::to_string(out.id), patient_id, a.method + " " + a.result));
  }));
  return out;
}

Result<std::vector<AdherenceCheck>> Service::AdherenceFor(const auth::Actor& actor,
                                                          int64_t patient_id) {
  std::vector<AdherenceCheck> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    return c.ForEachRow(
        "SELECT id, patient_id, reconciliation_id, method, checked_on, result, medication, note, "
        "recorded_by, recorded_at FROM adherence_checks WHERE patient_id = ? ORDER BY "
        "checked_on DESC, id DESC",
        {patient_id}, [&](const db::Row& r) {
          out.push_back({r.Int(0), r.Int(1), r.OptInt(2), r.Text(3), r.Text(4), r.Text(5),
                         r.OptText(6), r.OptText(7), r.OptInt(8), r.Int(9)});
          return Status::Ok();
        });
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "adherence_check.list", "patient",
                                           std::to_string(patient_id), patient_id)));
  return out;
}

}  // namespace ck::transitions
