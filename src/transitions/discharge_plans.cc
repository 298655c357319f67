// Discharge plans: the expected discharge date, the disposition aimed for and
// the checklist, with readiness at a glance and the history of every change.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "audit/trail.h"
#include "core/strings.h"
#include "transitions/checklist.h"
#include "transitions/internal.h"
#include "transitions/service.h"

namespace ck::transitions {
namespace {

using Json = nlohmann::json;
using namespace internal;

constexpr const char* kPlanColumns =
    "p.id, p.encounter_id, p.patient_id, p.case_id, p.expected_discharge_date, p.disposition, "
    "p.note, p.created_by, p.created_at, p.updated_at, p.version, e.facility, e.status, "
    "e.admitted_at, e.discharged_at";

Result<DischargePlan> LoadPlanWhere(db::Connection& c, const std::string& where, db::Value key,
                                    const std::string& missing) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kPlanColumns +
                                             " FROM discharge_plans p JOIN encounters e ON e.id = "
                                             "p.encounter_id WHERE " +
                                             where,
                                         {key}));
  if (rows.empty()) return NotFound(missing, "plan_id");
  const db::Row& r = rows.at(0);
  DischargePlan p;
  p.id = r.Int(0);
  p.encounter_id = r.Int(1);
  p.patient_id = r.Int(2);
  p.case_id = r.OptInt(3);
  p.expected_discharge_date = r.OptText(4);
  p.disposition = r.Text(5);
  p.note = r.OptText(6);
  p.created_by = r.OptInt(7);
  p.created_at = r.Int(8);
  p.updated_at = r.Int(9);
  p.version = static_cast<int>(r.Int(10));
  p.facility = r.Text(11);
  p.encounter_status = r.Text(12);
  p.admitted_at = r.Int(13);
  p.discharged_at = r.OptInt(14);
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT item, status, not_applicable_reason, defaulted, responsible_user_id, "
      "responsible_name, responsible_role, note, completed_at, completed_by, updated_at FROM "
      "discharge_plan_items WHERE plan_id = ?",
      {p.id}, [&](const db::Row& i) {
        ChecklistItem it;
        it.item = i.Text(0);
        it.status = i.Text(1);
        it.not_applicable_reason = i.OptText(2);
        it.defaulted = i.Int(3) != 0;
        it.responsible_user_id = i.OptInt(4);
        it.responsible_name = i.OptText(5);
        it.responsible_role = i.OptText(6);
        it.note = i.OptText(7);
        it.completed_at = i.OptInt(8);
        it.completed_by = i.OptInt(9);
        it.updated_at = i.Int(10);
        p.items.push_back(std::move(it));
        return Status::Ok();
      }));
  // Checklist order.
  const auto& order = ChecklistItems();
  auto rank = [&](const ChecklistItem& i) {
    return std::find(order.begin(), order.end(), i.item) - order.begin();
  };
  std::sort(p.items.begin(), p.items.end(),
            [&](const ChecklistItem& a, const ChecklistItem& b) { return rank(a) < rank(b); });
  p.readiness = ReadinessOf(p.items);
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT item, kind, detail, by_user_id, at FROM discharge_plan_events WHERE plan_id = ? "
      "ORDER BY id",
      {p.id}, [&](const db::Row& h) {
        p.history.push_back({h.OptText(0), h.Text(1), h.OptText(2), h.OptInt(3), h.Int(4)});
        return Status::Ok();
      }));
  return p;
}

Result<DischargePlan> LoadPlan(db::Connection& c, int64_t id) {
  return LoadPlanWhere(c, "p.id = ?", id, "no discharge plan " + std::to_string(id));
}

Status AddEvent(db::Connection& c, const DischargePlan& p, std::optional<std::string> item,
                const std::string& kind, const Json& detail, std::optional<int64_t> by,
                Timestamp now) {
  return c
      .Exec(
          "INSERT INTO discharge_plan_events (plan_id, patient_id, item, kind, detail, "
          "by_user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          {p.id, p.patient_id, item, kind, detail.dump(), by, now})
      .status();
}

Status ValidateItemChange(db::Connection& c, const ItemChange& ch) {
  if (!IsChecklistItem(ch.item)) {
    std::string list;
    for (const auto& i : ChecklistItems()) list += (list.empty() ? "" : ", ") + i;
    return InvalidArgument("must be one of " + list, "item");
  }
  if (ch.status && !OneOf(*ch.status, {"pending", "in_progress", "done", "not_applicable"}))
    return InvalidArgument("must be pending, in_progress, done or not_applicable", "status");
  if (ch.status == "not_applicable" && !ch.not_applicable_reason)
    return InvalidArgument("say why the item does not apply", "not_applicable_reason");
  CK_RETURN_IF_ERROR(CheckText(ch.not_applicable_reason, "not_applicable_reason", 500));
  CK_RETURN_IF_ERROR(CheckText(ch.note, "note", 2000));
  CK_RETURN_IF_ERROR(CheckText(ch.responsible_name, "responsible_name", 200));
  CK_RETURN_IF_ERROR(CheckText(ch.responsible_role, "responsible_role", 100));
  if (ch.set_responsible && ch.responsible_user_id && ch.responsible_name)
    return InvalidArgument("name a user or an outside person, not both", "responsible_name");
  if (ch.responsible_user_id) {
    CK_ASSIGN_OR_RETURN(
        auto u, c.Query("SELECT active FROM users WHERE id = ?", {*ch.responsible_user_id}));
    if (u.empty() || u.at(0).Int(0) == 0)
      return InvalidArgument("is not an active user", "responsible_user_id");
  }
  return Status::Ok();
}

// Applies `ch` to the stored item; returns what changed (for the history).
Result<Json> ApplyItemChange(db::Connection& c, int64_t plan_id, const ChecklistItem& current,
                             const ItemChange& ch, std::optional<int64_t> by, Timestamp now) {
  ChecklistItem it = current;
  Json detail = Json::object();
  if (ch.status && *ch.status != it.status) {
    detail["status"] = {it.status, *ch.status};
    it.status = *ch.status;
    if (it.status == "done") {
      it.completed_at = now;
      it.completed_by = by;
    } else {
      it.completed_at.reset();
      it.completed_by.reset();
    }
    if (it.status != "not_applicable") it.not_applicable_reason.reset();
  }
  if (ch.not_applicable_reason && it.status == "not_applicable") {
    it.not_applicable_reason = ch.not_applicable_reason;
    detail["not_applicable_reason"] = *ch.not_applicable_reason;
  }
  if (ch.note) {
    it.note = ch.note;
    detail["note"] = *ch.note;
  }
  if (ch.set_responsible) {
    it.responsible_user_id = ch.responsible_user_id;
    it.responsible_name = ch.responsible_name;
    it.responsible_role = ch.responsible_role;
    detail["responsible"] = {
        {"user_id", ch.responsible_user_id ? Json(*ch.responsible_user_id) : Json(nullptr)},
        {"name", ch.responsible_name ? Json(*ch.responsible_name) : Json(nullptr)},
        {"role", ch.responsible_role ? Json(*ch.responsible_role) : Json(nullptr)}};
  }
  it.defaulted = false;  // a person has decided
  CK_RETURN_IF_ERROR(
      c.Exec(
           "UPDATE discharge_plan_items SET status = ?, not_applicable_reason = ?, defaulted = "
           "0, responsible_user_id = ?, responsible_name = ?, responsible_role = ?, note = ?, "
           "completed_at = ?, completed_by = ?, updated_at = ? WHERE plan_id = ? AND item = ?",
           {it.status, it.not_applicable_reason, it.responsible_user_id, it.responsible_name,
            it.responsible_role, it.note, it.completed_at, it.completed_by, now, plan_id, it.item})
          .status());
  return detail;
}

Status CheckPlanEncounter(const EncounterRow& e) {
  if (e.encounter_class != "inpatient" && e.encounter_class != "observation")
    return WrongState(
        "a discharge plan is for an inpatient or observation stay; this "
        "encounter is " +
            e.encounter_class,
        "encounter_id");
  if (e.status == "cancelled" || e.status == "entered_in_error")
    return WrongState("the encounter is " + e.status, "encounter_id");
  return Status::Ok();
}

Status CheckExpectedDate(const std::optional<std::string>& d, const EncounterRow& e,
                         const TimeZone& tz) {
  if (!d) return Status::Ok();
  CK_ASSIGN_OR_RETURN(Date date, ParseDate(*d, "expected_discharge_date"));
  if (std::chrono::sys_days{date} < std::chrono::sys_days{tz.LocalDate(e.admitted_at)})
    return InvalidArgument("must not be before the admission", "expected_discharge_date");
  return Status::Ok();
}

Status CheckCase(db::Connection& c, std::optional<int64_t> case_id, int64_t patient_id) {
  if (!case_id) return Status::Ok();
  CK_ASSIGN_OR_RETURN(auto k, c.Query("SELECT patient_id FROM cases WHERE id = ?", {*case_id}));
  if (k.empty() || k.at(0).Int(0) != patient_id)
    return InvalidArgument("is not a case of this patient", "case_id");
  return Status::Ok();
}

}  // namespace

namespace internal {

Status MarkChecklistItemDone(db::Connection& c, const std::vector<int64_t>& encounter_ids,
                             const std::string& item, const std::string& why,
                             std::optional<int64_t> by, Timestamp now) {
  if (encounter_ids.empty()) return Status::Ok();
  db::Params params(encounter_ids.begin(), encounter_ids.end());
  CK_ASSIGN_OR_RETURN(auto plans, c.Query("SELECT id FROM discharge_plans WHERE encounter_id IN " +
                                              InList(encounter_ids.size()),
                                          params));
  for (const db::Row& r : plans) {
    CK_ASSIGN_OR_RETURN(DischargePlan p, LoadPlan(c, r.Int(0)));
    auto it = std::find_if(p.items.begin(), p.items.end(),
                           [&](const ChecklistItem& i) { return i.item == item; });
    if (it == p.items.end() || it->status == "done" ||
        (it->status == "not_applicable" && !it->defaulted))
      continue;
    ItemChange ch;
    ch.item = item;
    ch.status = "done";
    ch.note = why;
    CK_ASSIGN_OR_RETURN(Json detail, ApplyItemChange(c, p.id, *it, ch, by, now));
    detail["by"] = why;
    CK_RETURN_IF_ERROR(AddEvent(c, p, item, "item", detail, by, now));
    CK_RETURN_IF_ERROR(c.Exec("UPDATE discharge_plans SET updated_at = ?, version = version + 1 "
                              "WHERE id = ?",
                              {now, p.id})
                           .status());
  }
  return Status::Ok();
}

}  // namespace internal

Result<DischargePlan> Service::CreatePlan(const auth::Principal& who, const auth::Actor& actor,
                                          int64_t encounter_id, const NewPlan& n) {
  if (!IsPlanDisposition(n.disposition))
    return InvalidArgument(
        "must be home, home_health, skilled_nursing, inpatient_rehab, hospice, "
        "long_term_care_hospital or other",
        "disposition");
  CK_RETURN_IF_ERROR(CheckText(n.note, "note", 2000));
  Timestamp now = clock_.Now();
  DischargePlan out;
  Status st = db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(EncounterRow e, LoadEncounter(c, encounter_id));
    CK_RETURN_IF_ERROR(CheckPlanEncounter(e));
    CK_RETURN_IF_ERROR(CheckExpectedDate(n.expected_discharge_date, e, tz_));
    CK_RETURN_IF_ERROR(CheckCase(c, n.case_id, e.patient_id));
    for (const ItemChange& ch : n.items) CK_RETURN_IF_ERROR(ValidateItemChange(c, ch));
    CK_ASSIGN_OR_RETURN(
        auto made,
        c.Query("INSERT INTO discharge_plans (encounter_id, patient_id, case_id, "
                "expected_discharge_date, disposition, note, created_by, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {encounter_id, e.patient_id, n.case_id, n.expected_discharge_date, n.disposition,
                 n.note, who.user_id, now, now}));
    int64_t id = made.at(0).Int(0);
    for (const ChecklistItem& it : DefaultChecklist(n.disposition)) {
      CK_RETURN_IF_ERROR(
          c.Exec("INSERT INTO discharge_plan_items (plan_id, item, status, "
                 "not_applicable_reason, defaulted, updated_at) VALUES (?, ?, ?, "
                 "?, ?, ?)",
                 {id, it.item, it.status, it.not_applicable_reason, it.defaulted, now})
              .status());
    }
    CK_ASSIGN_OR_RETURN(DischargePlan p, LoadPlan(c, id));
    Json detail = {{"disposition", n.disposition}};
    if (n.expected_discharge_date) detail["expected_discharge_date"] = *n.expected_discharge_date;
    CK_RETURN_IF_ERROR(AddEvent(c, p, std::nullopt, "created", detail, who.user_id, now));
    for (const ItemChange& ch : n.items) {
      auto it = std::find_if(p.items.begin(), p.items.end(),
                             [&](const ChecklistItem& i) { return i.item == ch.item; });
      CK_ASSIGN_OR_RETURN(Json d, ApplyItemChange(c, id, *it, ch, who.user_id, now));
      CK_RETURN_IF_ERROR(AddEvent(c, p, ch.item, "item", d, who.user_id, now));
    }
    CK_ASSIGN_OR_RETURN(out, LoadPlan(c, id));
    return audit::Append(c, audit::EventBy(actor, now, "discharge_plan.create", "discharge_plan",
                                           std::to_string(id), e.patient_id, n.disposition));
  });
  if (st.code() == ErrorCode::kAlreadyExists)
    return AlreadyExists("the encounter has a discharge plan already", "encounter_id");
  CK_RETURN_IF_ERROR(st);
  return out;
}

Result<DischargePlan> Service::PlanForEncounter(const auth::Actor& actor, int64_t encounter_id) {
  DischargePlan out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, LoadPlanWhere(c, "p.encounter_id = ?", encounter_id,
                                           "the encounter has no discharge plan"));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_, audit::EventBy(actor, clock_.Now(), "discharge_plan.read", "discharge_plan",
                          std::to_string(out.id), out.patient_id)));
  return out;
}

Result<DischargePlan> Service::GetPlan(const auth::Actor& actor, int64_t plan_id) {
  DischargePlan out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, LoadPlan(c, plan_id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_, audit::EventBy(actor, clock_.Now(), "discharge_plan.read", "discharge_plan",
                          std::to_string(out.id), out.patient_id)));
  return out;
}

Result<DischargePlan> Service::UpdatePlan(const auth::Principal& who, const auth::Actor& actor,
                                          int64_t plan_id, const PlanChange& ch,
                                          int expected_version) {
  if (ch.disposition && !IsPlanDisposition(*ch.disposition))
    return InvalidArgument(
        "must be home, home_health, skilled_nursing, inpatient_rehab, hospice, "
        "long_term_care_hospital or other",
        "disposition");
  if (ch.set_note) CK_RETURN_IF_ERROR(CheckText(ch.note, "note", 2000));
  Timestamp now = clock_.Now();
  DischargePlan out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(DischargePlan p, LoadPlan(c, plan_id));
    CK_RETURN_IF_ERROR(CheckVersion(p.version, expected_version, "discharge plan"));
    CK_ASSIGN_OR_RETURN(EncounterRow e, LoadEncounter(c, p.encounter_id));
    Json detail = Json::object();
    if (ch.set_expected_discharge_date) {
      CK_RETURN_IF_ERROR(CheckExpectedDate(ch.expected_discharge_date, e, tz_));
      detail["expected_discharge_date"] = {p.expected_discharge_date.value_or(""),
                                           ch.expected_discharge_date.value_or("")};
      p.expected_discharge_date = ch.expected_discharge_date;
    }
    if (ch.set_case) {
      CK_RETURN_IF_ERROR(CheckCase(c, ch.case_id, p.patient_id));
      p.case_id = ch.case_id;
      detail["case_id"] = ch.case_id ? Json(*ch.case_id) : Json(nullptr);
    }
    if (ch.set_note) {
      p.note = ch.note;
      detail["note"] = ch.note ? Json(*ch.note) : Json(nullptr);
    }
    if (ch.disposition && *ch.disposition != p.disposition) {
      detail["disposition"] = {p.disposition, *ch.disposition};
      // Defaults follow the disposition, where casekeeper set them or nobody touched the item.
      for (const ChecklistItem& it : p.items) {
        bool untouched =
            it.status == "pending" && !it.responsible_user_id && !it.responsible_name && !it.note;
        if (!it.defaulted && !untouched) continue;
        auto why = DefaultNotApplicable(*ch.disposition, it.item);
        std::string status = why ? "not_applicable" : "pending";
        if (status == it.status && why == it.not_applicable_reason) continue;
        CK_RETURN_IF_ERROR(c.Exec("UPDATE discharge_plan_items SET status = ?, "
                                  "not_applicable_reason = ?, defaulted = ?, updated_at = ? "
                                  "WHERE plan_id = ? AND item = ?",
                                  {status, why ? db::Value(*why) : db::Value(), why.has_value(),
                                   now, p.id, it.item})
                               .status());
        CK_RETURN_IF_ERROR(AddEvent(
            c, p, it.item, "item",
            {{"status", {it.status, status}}, {"by", "default for disposition " + *ch.disposition}},
            who.user_id, now));
      }
      p.disposition = *ch.disposition;
    }
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE discharge_plans SET expected_discharge_date = ?, disposition = ?, note = "
               "?, case_id = ?, updated_at = ?, version = version + 1 WHERE id = ?",
               {p.expected_discharge_date, p.disposition, p.note, p.case_id, now, p.id})
            .status());
    CK_RETURN_IF_ERROR(AddEvent(c, p, std::nullopt, "updated", detail, who.user_id, now));
    CK_ASSIGN_OR_RETURN(out, LoadPlan(c, p.id));
    return audit::Append(c, audit::EventBy(actor, now, "discharge_plan.update", "discharge_plan",
                                           std::to_string(p.id), p.patient_id));
  }));
  return out;
}

Result<DischargePlan> Service::UpdateItem(const auth::Principal& who, const auth::Actor& actor,
                                          int64_t plan_id, const ItemChange& ch,
                                          int expected_version) {
  Timestamp now = clock_.Now();
  DischargePlan out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_RETURN_IF_ERROR(ValidateItemChange(c, ch));
    CK_ASSIGN_OR_RETURN(DischargePlan p, LoadPlan(c, plan_id));
    CK_RETURN_IF_ERROR(CheckVersion(p.version, expected_version, "discharge plan"));
    auto it = std::find_if(p.items.begin(), p.items.end(),
                           [&](const ChecklistItem& i) { return i.item == ch.item; });
    if (it == p.items.end()) return NotFound("the plan has no item " + ch.item, "item");
    CK_ASSIGN_OR_RETURN(Json detail, ApplyItemChange(c, p.id, *it, ch, who.user_id, now));
    CK_RETURN_IF_ERROR(AddEvent(c, p, ch.item, "item", detail, who.user_id, now));
    CK_RETURN_IF_ERROR(c.Exec("UPDATE discharge_plans SET updated_at = ?, version = version + 1 "
                              "WHERE id = ?",
                              {now, p.id})
                           .status());
    CK_ASSIGN_OR_RETURN(out, LoadPlan(c, p.id));
    return audit::Append(
        c, audit::EventBy(actor, now, "discharge_plan.item", "discharge_plan", std::to_string(p.id),
                          p.patient_id, ch.item + (ch.status ? " " + *ch.status : std::string())));
  }));
  return out;
}

}  // namespace ck::transitions
