#include "scheduling/service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/trail.h"
#include "core/strings.h"
#include "events/outbox.h"
#include "tasks/service.h"

namespace ck::scheduling {
namespace {

constexpr const char* kColumns =
    "id, case_id, patient_id, kind, reason, provider, directory_entry_id, location, "
    "telehealth_url, starts_at, ends_at, status, transport_needed, transport_arranged, "
    "cancellation_reason, created_by, created_at, updated_at, version, authorization_id";

Appointment FromRow(const db::Row& r) {
  Appointment a;
  a.id = r.Int(0);
  a.case_id = r.Int(1);
  a.patient_id = r.Int(2);
  a.kind = r.Text(3);
  a.reason = r.Text(4);
  a.provider = r.OptText(5);
  a.directory_entry_id = r.OptInt(6);
  a.location = r.OptText(7);
  a.telehealth_url = r.OptText(8);
  a.starts_at = r.Int(9);
  a.ends_at = r.Int(10);
  a.status = r.Text(11);
  a.transport_needed = r.Int(12) != 0;
  a.transport_arranged = r.Int(13) != 0;
  a.cancellation_reason = r.OptText(14);
  a.created_by = r.OptInt(15);
  a.created_at = r.Int(16);
  a.updated_at = r.Int(17);
  a.version = static_cast<int>(r.Int(18));
  a.authorization_id = r.OptInt(19);
  return a;
}

Result<Appointment> Load(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(std::string("SELECT ") + kColumns + " FROM appointments WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("no appointment " + std::to_string(id));
  return FromRow(rows.at(0));
}

// Another live appointment of the patient overlapping [start, end).
Status CheckOverlap(db::Connection& c, int64_t patient_id, Timestamp start, Timestamp end,
                    std::optional<int64_t> except) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT id, reason, starts_at FROM appointments WHERE patient_id = ? AND status IN "
              "('proposed', 'booked', 'confirmed', 'arrived') AND starts_at < ? AND ends_at > ? "
              "AND id <> ? ORDER BY starts_at LIMIT 1",
              {patient_id, end, start, except.value_or(0)}));
  if (rows.empty()) return Status::Ok();
  return Conflict("overlaps appointment " + std::to_string(rows.at(0).Int(0)) + " (" +
                      rows.at(0).Text(1) + " at " + FormatTimestamp(rows.at(0).Int(2)) + ")",
                  "starts_at");
}

// The owner of tasks about the case: its case manager, else the role's queue.
Result<tasks::Task> CaseTask(db::Connection& c, const Appointment& a, std::string title,
                             std::string type, std::string priority, Timestamp due,
                             std::string rule, Timestamp now) {
  CK_ASSIGN_OR_RETURN(auto k,
                      c.Query("SELECT assigned_user_id FROM cases WHERE id = ?", {a.case_id}));
  tasks::Task t;
  t.case_id = a.case_id;
  t.patient_id = a.patient_id;
  t.title = std::move(title);
  t.task_type = std::move(type);
  t.priority = std::move(priority);
  t.due_at = due;
  t.due_rule = std::move(rule);
  t.source = "appointment:" + std::to_string(a.id);
  if (!k.empty() && !k.at(0).IsNull(0))
    t.owner_user_id = k.at(0).Int(0);
  else
    t.queue_role = "case_manager";
  CK_ASSIGN_OR_RETURN(tasks::Task made, tasks::InsertTask(c, t, now));
  CK_RETURN_IF_ERROR(
      c.Exec("UPDATE tasks SET appointment_id = ? WHERE id = ?", {a.id, made.id}).status());
  return made;
}

// Reminder and transport tasks for an appointment just booked (or moved).
Status PrepareTasks(db::Connection& c, const BusinessCalendar& cal, const Appointment& a,
                    Timestamp now) {
  std::string when = FormatTimestamp(a.starts_at);
  Timestamp remind = cal.AddBusinessDays(a.starts_at, -1);
  if (remind > now)
    CK_RETURN_IF_ERROR(CaseTask(c, a, "Remind the patient: " + a.reason + " on " + when,
                                "appointment", "normal", remind,
                                "1 business day before the appointment", now)
                           .status());
  if (a.transport_needed && !a.transport_arranged) {
    Timestamp by = std::max(now, cal.AddBusinessDays(a.starts_at, -2));
    CK_RETURN_IF_ERROR(CaseTask(c, a, "Arrange transport: " + a.reason + " on " + when, "referral",
                                "high", by, "2 business days before the appointment", now)
                           .status());
  }
  return Status::Ok();
}

}  // namespace

Result<Appointment> Service::Create(const auth::Principal& who, const auth::Actor& actor,
                                    NewAppointment n) {
  if (!OneOf(n.kind, {"appointment", "diagnostic_test", "therapy_session"}))
    return InvalidArgument("must be appointment, diagnostic_test or therapy_session", "kind");
  if (n.reason.empty() || n.reason.size() > 300)
    return InvalidArgument("is required (at most 300 bytes)", "reason");
  if (!OneOf(n.status, {"proposed", "booked"}))
    return InvalidArgument("a new appointment is proposed or booked", "status");
  if (n.ends_at <= n.starts_at) return InvalidArgument("must be after starts_at", "ends_at");
  if (n.ends_at - n.starts_at > 12 * kMillisPerHour)
    return InvalidArgument("must be within 12 hours of starts_at", "ends_at");
  if (n.telehealth_url && n.telehealth_url->rfind("https://", 0) != 0)
    return InvalidArgument("must be an https:// link", "telehealth_url");
  if (!n.location && !n.telehealth_url)
    return InvalidArgument("give a location or a telehealth_url", "location");
  if (n.provider && n.provider->size() > 200)
    return InvalidArgument("must be at most 200 bytes", "provider");
  if (n.location && n.location->size() > 300)
    return InvalidArgument("must be at most 300 bytes", "location");
  Timestamp now = clock_.Now();
  Appointment out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto k,
                        c.Query("SELECT patient_id, status FROM cases WHERE id = ?", {n.case_id}));
    if (k.empty()) return NotFound("no case " + std::to_string(n.case_id), "case_id");
    if (k.at(0).Text(1) == "closed") return FailedPrecondition("the case is closed");
    int64_t patient = k.at(0).Int(0);
    if (n.directory_entry_id) {
      CK_ASSIGN_OR_RETURN(auto d, c.Query("SELECT name FROM directory_entries WHERE id = ?",
                                          {*n.directory_entry_id}));
      if (d.empty()) return InvalidArgument("is not in the directory", "directory_entry_id");
      if (!n.provider) n.provider = d.at(0).Text(0);
    }
    if (n.authorization_id) {
      CK_ASSIGN_OR_RETURN(auto pa, c.Query("SELECT patient_id, status FROM prior_authorizations "
                                           "WHERE id = ?",
                                           {*n.authorization_id}));
      if (pa.empty() || pa.at(0).Int(0) != patient)
        return InvalidArgument("is not an authorization of this patient", "authorization_id");
    }
    CK_RETURN_IF_ERROR(CheckOverlap(c, patient, n.starts_at, n.ends_at, std::nullopt));
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO appointments (case_id, patient_id, kind, reason, provider, "
                "directory_entry_id, location, telehealth_url, starts_at, ends_at, status, "
                "transport_needed, transport_arranged, created_by, created_at, updated_at, "
                "authorization_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                {n.case_id, patient, n.kind, n.reason, n.provider, n.directory_entry_id, n.location,
                 n.telehealth_url, n.starts_at, n.ends_at, n.status, n.transport_needed,
                 n.transport_arranged, who.user_id, now, now, n.authorization_id}));
    CK_ASSIGN_OR_RETURN(out, Load(c, rows.at(0).Int(0)));
    if (out.status == "booked") CK_RETURN_IF_ERROR(PrepareTasks(c, calendar_, out, now));
    return audit::Append(c, audit::EventBy(actor, now, "appointment.create", "appointment",
                                           std::to_string(out.id), patient, out.kind));
  }));
  return out;
}

Result<std::vector<Appointment>> Service::ForPatient(const auth::Actor& actor, int64_t patient_id) {
  std::vector<Appointment> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    return c.ForEachRow(std::string("SELECT ") + kColumns +
                            " FROM appointments WHERE patient_id = ? ORDER BY starts_at, id",
                        {patient_id}, [&](const db::Row& r) {
                          out.push_back(FromRow(r));
                          return Status::Ok();
                        });
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "appointment.list", "patient",
                                           std::to_string(patient_id), patient_id)));
  return out;
}

Result<Appointment> Service::Change(const auth::Principal& who, const auth::Actor& actor,
                                    int64_t id, const AppointmentChange& ch, int expected_version) {
  if (ch.status &&
      !OneOf(*ch.status, {"booked", "confirmed", "arrived", "completed", "no_show", "cancelled"}))
    return InvalidArgument("must be booked, confirmed, arrived, completed, no_show or cancelled",
                           "status");
  if (ch.status == "cancelled" && (!ch.reason || ch.reason->empty()))
    return InvalidArgument("a reason is required to cancel", "reason");
  Timestamp now = clock_.Now();
  Appointment out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Appointment a, Load(c, id));
    if (a.version != expected_version)
      return Status(
          ErrorCode::kConflict,
          "the appointment changed since version " + std::to_string(expected_version) + "; reload",
          "version");
    bool final = OneOf(a.status, {"completed", "no_show", "cancelled"});
    if (final) return FailedPrecondition("the appointment is " + a.status);
    Appointment next = a;
    bool moved = false;
    if (ch.starts_at || ch.ends_at) {
      next.starts_at = ch.starts_at.value_or(a.starts_at);
      next.ends_at = ch.ends_at.value_or(a.ends_at + (next.starts_at - a.starts_at));
      if (next.ends_at <= next.starts_at)
        return InvalidArgument("must be after starts_at", "ends_at");
      CK_RETURN_IF_ERROR(CheckOverlap(c, a.patient_id, next.starts_at, next.ends_at, a.id));
      moved = next.starts_at != a.starts_at;
    }
    if (ch.transport_arranged) next.transport_arranged = *ch.transport_arranged;
    if (ch.status) {
      const std::string& to = *ch.status;
      static const std::vector<std::pair<const char*, std::vector<const char*>>> kMoves = {
          {"proposed", {"booked", "cancelled"}},
          {"booked", {"confirmed", "arrived", "completed", "no_show", "cancelled"}},
          {"confirmed", {"arrived", "completed", "no_show", "cancelled"}},
          {"arrived", {"completed", "cancelled"}}};
      bool allowed = false;
      for (const auto& [from, tos] : kMoves)
        if (a.status == from)
          allowed = std::any_of(tos.begin(), tos.end(), [&](const char* t) { return to == t; });
      if (!allowed)
        return FailedPrecondition("an appointment that is " + a.status + " cannot become " + to);
      next.status = to;
      if (to == "cancelled") next.cancellation_reason = ch.reason;
    }
    CK_ASSIGN_OR_RETURN(
        int64_t n,
        c.Exec("UPDATE appointments SET starts_at = ?, ends_at = ?, status = ?, "
               "transport_arranged = ?, cancellation_reason = ?, updated_at = ?, version = "
               "version + 1 WHERE id = ? AND version = ?",
               {next.starts_at, next.ends_at, next.status, next.transport_arranged,
                next.cancellation_reason, now, id, expected_version}));
    if (n == 0) return Status(ErrorCode::kConflict, "changed meanwhile; reload", "version");
    // Reminders follow the appointment: moved or cancelled ones are cancelled,
    // booked ones (again) made.
    if (moved || next.status == "cancelled" || (ch.transport_arranged && *ch.transport_arranged)) {
      std::string which = next.status == "cancelled" || moved
                              ? "task_type IN ('appointment', 'referral')"
                              : "task_type = 'referral'";
      CK_RETURN_IF_ERROR(c.Exec("UPDATE tasks SET status = 'cancelled', outcome = ?, updated_at = "
                                "?, version = version + 1 WHERE appointment_id = ? AND status IN "
                                "('open', 'in_progress', 'paused') AND " +
                                    which,
                                {std::string(moved                        ? "appointment moved"
                                             : next.status == "cancelled" ? "appointment cancelled"
                                                                          : "transport arranged"),
                                 now, id})
                             .status());
    }
    CK_ASSIGN_OR_RETURN(out, Load(c, id));
    if ((moved && OneOf(out.status, {"booked", "confirmed"})) ||
        (a.status == "proposed" && out.status == "booked"))
      CK_RETURN_IF_ERROR(PrepareTasks(c, calendar_, out, now));
    if (out.status == "no_show") {
      CK_RETURN_IF_ERROR(CaseTask(c, out, "Follow up on the missed " + out.reason, "call", "high",
                                  calendar_.AddBusinessDays(now, 1),
                                  "1 business day after the no-show", now)
                             .status());
      CK_RETURN_IF_ERROR(events::Raise(
          c,
          {"appointment.no_show", out.patient_id, "appointment", out.id,
           nlohmann::json{{"reason", out.reason}}.dump(), "casekeeper", out.starts_at},
          now));
    }
    return audit::Append(c, audit::EventBy(actor, now, "appointment.update", "appointment",
                                           std::to_string(id), out.patient_id, out.status));
  }));
  (void)who;
  return out;
}

}  // namespace ck::scheduling
