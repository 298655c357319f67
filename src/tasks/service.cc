#include "tasks/service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/trail.h"
#include "core/strings.h"
#include "events/outbox.h"
#include "patients/store.h"

namespace ck::tasks {
namespace {

using Json = nlohmann::json;

constexpr const char* kColumns =
    "id, case_id, patient_id, title, task_type, description, owner_user_id, queue_team_id, "
    "queue_role, due_at, due_rule, priority, status, pause_reason, outcome, minutes_spent, "
    "attempts, recur_every_days, recur_until, recur_times, series_id, occurrence, source, "
    "escalated_at, completed_at, completed_by, created_by, created_at, updated_at, version";

Task FromRow(const db::Row& r) {
  Task t;
  t.id = r.Int(0);
  t.case_id = r.Int(1);
  t.patient_id = r.Int(2);
  t.title = r.Text(3);
  t.task_type = r.Text(4);
  t.description = r.OptText(5);
  t.owner_user_id = r.OptInt(6);
  t.queue_team_id = r.OptInt(7);
  t.queue_role = r.OptText(8);
  t.due_at = r.OptInt(9);
  t.due_rule = r.OptText(10);
  t.priority = r.Text(11);
  t.status = r.Text(12);
  t.pause_reason = r.OptText(13);
  t.outcome = r.OptText(14);
  t.minutes_spent = static_cast<int>(r.Int(15));
  t.attempts = static_cast<int>(r.Int(16));
  if (!r.IsNull(17)) t.recur_every_days = static_cast<int>(r.Int(17));
  t.recur_until = r.OptText(18);
  if (!r.IsNull(19)) t.recur_times = static_cast<int>(r.Int(19));
  t.series_id = r.OptInt(20);
  t.occurrence = static_cast<int>(r.Int(21));
  t.source = r.Text(22);
  t.escalated_at = r.OptInt(23);
  t.completed_at = r.OptInt(24);
  t.completed_by = r.OptInt(25);
  t.created_by = r.OptInt(26);
  t.created_at = r.Int(27);
  t.updated_at = r.Int(28);
  t.version = static_cast<int>(r.Int(29));
  return t;
}

bool Open(const std::string& status) {
  return status == "open" || status == "in_progress" || status == "paused";
}

Result<Task> Load(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows, c.Query(std::string("SELECT ") + kColumns + " FROM tasks WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("no task " + std::to_string(id));
  return FromRow(rows.at(0));
}

struct CaseInfo {
  int64_t patient_id = 0;
  std::string status;
  std::optional<int64_t> assigned_user_id;
};

Result<CaseInfo> LoadCase(db::Connection& c, int64_t case_id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT patient_id, status, assigned_user_id FROM cases WHERE id = ?", {case_id}));
  if (rows.empty()) return NotFound("no case " + std::to_string(case_id), "case_id");
  return CaseInfo{rows.at(0).Int(0), rows.at(0).Text(1), rows.at(0).OptInt(2)};
}

Status AddEvent(db::Connection& c, const Task& t, const std::string& kind,
                const std::optional<std::string>& from, const std::optional<std::string>& to,
                const std::optional<std::string>& detail, std::optional<int64_t> by,
                Timestamp now) {
  return c
      .Exec(
          "INSERT INTO task_events (task_id, patient_id, kind, from_status, to_status, detail, "
          "by_user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {t.id, t.patient_id, kind, from, to, detail, by, now})
      .status();
}

Status DomainEvent(db::Connection& c, const std::string& kind, int64_t patient_id,
                   const std::string& entity_type, int64_t entity_id, const Json& payload,
                   Timestamp now) {
  return events::Raise(c, {kind, patient_id, entity_type, entity_id, payload.dump()}, now);
}

// Inserts a validated task and its "created" event; returns it with its id.
Result<Task> Insert(db::Connection& c, Task t, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("INSERT INTO tasks (case_id, patient_id, title, task_type, description, "
              "owner_user_id, queue_team_id, queue_role, due_at, due_rule, priority, status, "
              "recur_every_days, recur_until, recur_times, series_id, occurrence, source, "
              "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
              "'open', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {t.case_id,
               t.patient_id,
               t.title,
               t.task_type,
               t.description,
               t.owner_user_id,
               t.queue_team_id,
               t.queue_role,
               t.due_at,
               t.due_rule,
               t.priority,
               t.recur_every_days ? db::Value(*t.recur_every_days) : db::Value(),
               t.recur_until,
               t.recur_times ? db::Value(*t.recur_times) : db::Value(),
               t.series_id,
               t.occurrence,
               t.source,
               t.created_by,
               now,
               now}));
  t.id = rows.at(0).Int(0);
  t.status = "open";
  t.created_at = t.updated_at = now;
  if (t.recur_every_days && !t.series_id) {
    t.series_id = t.id;
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE tasks SET series_id = ? WHERE id = ?", {t.id, t.id}).status());
  }
  CK_RETURN_IF_ERROR(AddEvent(c, t, "created", std::nullopt, "open",
                              t.source == "manual" ? std::nullopt : std::optional(t.source),
                              t.created_by, now));
  return t;
}

// The version check and the write of fields that changed.
Status Save(db::Connection& c, const Task& t, int expected_version, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      int64_t n,
      c.Exec("UPDATE tasks SET title = ?, description = ?, owner_user_id = ?, due_at = ?, "
             "priority = ?, status = ?, pause_reason = ?, outcome = ?, minutes_spent = ?, "
             "attempts = ?, escalated_at = ?, completed_at = ?, completed_by = ?, updated_at = ?, "
             "version = version + 1 WHERE id = ? AND version = ?",
             {t.title, t.description, t.owner_user_id, t.due_at, t.priority, t.status,
              t.pause_reason, t.outcome, t.minutes_spent, t.attempts, t.escalated_at,
              t.completed_at, t.completed_by, now, t.id, expected_version}));
  if (n == 0)
    return Status(ErrorCode::kConflict,
                  "the task changed since version " + std::to_string(expected_version) +
                      "; reload and apply again",
                  "version");
  return Status::Ok();
}

// The next occurrence of a recurring task just done, unless its condition
// holds (past recur_until or recur_times, or the case closed).
Result<std::optional<Task>> ScheduleNext(db::Connection& c, const Task& t,
                                         std::optional<int64_t> by, Timestamp now) {
  if (!t.recur_every_days) return std::optional<Task>();
  CK_ASSIGN_OR_RETURN(CaseInfo k, LoadCase(c, t.case_id));
  Task next = t;
  next.occurrence = t.occurrence + 1;
  Timestamp base = t.due_at.value_or(now);
  next.due_at = base + static_cast<Timestamp>(*t.recur_every_days) * kMillisPerDay;
  next.due_rule = "every " + std::to_string(*t.recur_every_days) + " days";
  bool past_until = t.recur_until && FormatDate(DateOf(*next.due_at)) > *t.recur_until;
  bool past_times = t.recur_times && next.occurrence > *t.recur_times;
  if (k.status == "closed" || past_until || past_times) return std::optional<Task>();
  next.created_by = by;
  next.escalated_at.reset();
  CK_ASSIGN_OR_RETURN(Task made, Insert(c, next, now));
  return std::optional<Task>(std::move(made));
}

Status CheckText(const std::optional<std::string>& v, const char* field, size_t max,
                 bool required) {
  if (!v || v->empty()) return required ? InvalidArgument("is required", field) : Status::Ok();
  if (v->size() > max)
    return InvalidArgument("must be at most " + std::to_string(max) + " bytes", field);
  return Status::Ok();
}

// Whether `who` may work on `t` (its owner, or a supervisor), claiming first
// when it waits in a queue.
Status MayWork(const auth::Principal& who, const Task& t) {
  if (t.owner_user_id == who.user_id || who.role == auth::Role::kSupervisor) return Status::Ok();
  if (!t.owner_user_id) return FailedPrecondition("the task waits in a queue: claim it first");
  return PermissionDenied("the task belongs to someone else; ask them or a supervisor");
}

}  // namespace

Result<Task> Service::Create(const auth::Principal& who, const auth::Actor& actor, NewTask n) {
  CK_RETURN_IF_ERROR(CheckText(n.title, "title", 200, true));
  CK_RETURN_IF_ERROR(CheckText(n.description, "description", 4000, false));
  if (!OneOf(n.task_type,
             {"call", "visit", "education", "medication_reconciliation", "referral",
              "authorization_follow_up", "documentation", "crisis", "appointment", "other"}))
    return InvalidArgument(
        "must be one of call, visit, education, medication_reconciliation, referral, "
        "authorization_follow_up, documentation, crisis, appointment, other",
        "task_type");
  if (!OneOf(n.priority, {"low", "normal", "high", "urgent"}))
    return InvalidArgument("must be one of low, normal, high, urgent", "priority");
  int owners = (n.owner_user_id ? 1 : 0) + (n.queue_team_id ? 1 : 0) + (n.queue_role ? 1 : 0);
  if (owners != 1)
    return InvalidArgument("name exactly one of owner_user_id, queue_team_id, queue_role",
                           "owner_user_id");
  if (n.queue_role && !OneOf(*n.queue_role, {"case_manager", "supervisor"}))
    return InvalidArgument("must be case_manager or supervisor", "queue_role");
  if (n.due_at && n.due_in_business_days)
    return InvalidArgument("give due_at or due_in_business_days, not both", "due_in_business_days");
  if (n.due_in_business_days && (*n.due_in_business_days < 0 || *n.due_in_business_days > 60))
    return InvalidArgument("must be 0 to 60", "due_in_business_days");
  if (n.recur_every_days && (*n.recur_every_days < 1 || *n.recur_every_days > 365))
    return InvalidArgument("must be 1 to 365", "recur_every_days");
  if ((n.recur_until || n.recur_times) && !n.recur_every_days)
    return InvalidArgument("is required to recur", "recur_every_days");
  if (n.recur_until) CK_RETURN_IF_ERROR(ParseDate(*n.recur_until, "recur_until").status());
  if (n.recur_times && (*n.recur_times < 1 || *n.recur_times > 1000))
    return InvalidArgument("must be 1 to 1000", "recur_times");
  if (n.recur_every_days && !n.recur_until && !n.recur_times)
    return InvalidArgument("a recurring task needs recur_until or recur_times", "recur_until");
  Timestamp now = clock_.Now();
  Task t;
  static_cast<NewTask&>(t) = n;
  t.created_by = who.user_id;
  if (n.due_in_business_days) {
    Timestamp anchor = n.due_anchor.value_or(now);
    t.due_at = calendar_.AddBusinessDays(anchor, *n.due_in_business_days);
    t.due_rule = std::to_string(*n.due_in_business_days) + " business day" +
                 (*n.due_in_business_days == 1 ? "" : "s") + " after " + FormatDate(DateOf(anchor));
  }
  Task out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(CaseInfo k, LoadCase(c, n.case_id));
    if (k.status == "closed") return FailedPrecondition("the case is closed");
    t.patient_id = k.patient_id;
    if (n.owner_user_id) {
      CK_ASSIGN_OR_RETURN(
          auto u, c.Query("SELECT 1 FROM users WHERE id = ? AND active = 1", {*n.owner_user_id}));
      if (u.empty()) return InvalidArgument("is not an active user", "owner_user_id");
    }
    if (n.queue_team_id) {
      CK_ASSIGN_OR_RETURN(auto tm, c.Query("SELECT 1 FROM teams WHERE id = ?", {*n.queue_team_id}));
      if (tm.empty()) return InvalidArgument("is not a team", "queue_team_id");
    }
    CK_ASSIGN_OR_RETURN(out, Insert(c, t, now));
    return audit::Append(c, audit::EventBy(actor, now, "task.create", "task",
                                           std::to_string(out.id), out.patient_id, out.task_type));
  }));
  return out;
}

Result<Task> Service::Get(const auth::Actor& actor, int64_t task_id) {
  Task t;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(t, Load(c, task_id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "task.read", "task",
                                                          std::to_string(task_id), t.patient_id)));
  return t;
}

Result<std::vector<TaskEvent>> Service::History(int64_t task_id) {
  std::vector<TaskEvent> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    return c.ForEachRow(
        "SELECT id, kind, from_status, to_status, detail, by_user_id, at FROM task_events WHERE "
        "task_id = ? ORDER BY id",
        {task_id}, [&](const db::Row& r) {
          out.push_back({r.Int(0), r.Text(1), r.OptText(2), r.OptText(3), r.OptText(4), r.OptInt(5),
                         r.Int(6)});
          return Status::Ok();
        });
  }));
  return out;
}

Result<std::vector<Task>> Service::ForCase(const auth::Actor& actor, int64_t case_id,
                                           bool include_closed) {
  std::vector<Task> out;
  std::optional<int64_t> patient;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    CK_ASSIGN_OR_RETURN(CaseInfo k, LoadCase(c, case_id));
    patient = k.patient_id;
    std::string sql = std::string("SELECT ") + kColumns + " FROM tasks WHERE case_id = ?";
    if (!include_closed) sql += " AND status IN ('open', 'in_progress', 'paused')";
    sql += " ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, id";
    return c.ForEachRow(sql, {case_id}, [&](const db::Row& r) {
      out.push_back(FromRow(r));
      return Status::Ok();
    });
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "task.list", "case",
                                                          std::to_string(case_id), patient)));
  return out;
}

Result<std::vector<Task>> Service::Mine(const auth::Principal& who, const auth::Actor& actor,
                                        bool include_queues, int limit) {
  std::vector<Task> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    std::string sql = std::string("SELECT ") + kColumns +
                      " FROM tasks WHERE status IN ('open', 'in_progress', 'paused') AND "
                      "(owner_user_id = ?";
    db::Params params{who.user_id};
    if (include_queues) {
      sql += " OR (owner_user_id IS NULL AND (queue_role = ?";
      params.push_back(std::string(auth::RoleName(who.role)));
      if (who.team_id) {
        sql += " OR queue_team_id = ?";
        params.push_back(*who.team_id);
      }
      sql += "))";
    }
    sql += ") ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, id LIMIT ?";
    params.push_back(limit);
    return c.ForEachRow(sql, params, [&](const db::Row& r) {
      out.push_back(FromRow(r));
      return Status::Ok();
    });
  }));
  // One record per patient disclosed, as for caseload lists.
  Timestamp now = clock_.Now();
  std::vector<int64_t> patients;
  for (const Task& t : out) patients.push_back(t.patient_id);
  std::sort(patients.begin(), patients.end());
  patients.erase(std::unique(patients.begin(), patients.end()), patients.end());
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    audit::Batch batch;
    for (int64_t p : patients)
      CK_RETURN_IF_ERROR(batch.Add(
          audit::EventBy(actor, now, "task.list", "patient", std::to_string(p), p, "my tasks")));
    return batch.Flush(c);
  }));
  return out;
}

Result<Task> Service::Claim(const auth::Principal& who, const auth::Actor& actor, int64_t task_id,
                            int expected_version) {
  Timestamp now = clock_.Now();
  Task out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Task t, Load(c, task_id));
    if (!Open(t.status)) return FailedPrecondition("the task is " + t.status);
    if (t.owner_user_id) return FailedPrecondition("the task already has an owner");
    bool eligible = (t.queue_team_id && who.team_id == t.queue_team_id) ||
                    (t.queue_role && *t.queue_role == auth::RoleName(who.role));
    if (!eligible) return PermissionDenied("the task waits in another team's or role's queue");
    t.owner_user_id = who.user_id;
    CK_RETURN_IF_ERROR(Save(c, t, expected_version, now));
    // Working the task needs the patient's record: the claimer joins the care team.
    auto joined = patients::InsertCareTeamMember(c, t.patient_id, who.user_id, "covering", now);
    if (!joined.ok() && joined.status().code() != ErrorCode::kAlreadyExists) return joined.status();
    CK_RETURN_IF_ERROR(
        AddEvent(c, t, "claimed", t.status, t.status, std::nullopt, who.user_id, now));
    if (joined.ok())
      CK_RETURN_IF_ERROR(audit::Append(
          c, audit::EventBy(actor, now, "care_team.add", "patient", std::to_string(t.patient_id),
                            t.patient_id, "covering: claimed task " + std::to_string(t.id))));
    CK_RETURN_IF_ERROR(audit::Append(
        c, audit::EventBy(actor, now, "task.claim", "task", std::to_string(t.id), t.patient_id)));
    CK_ASSIGN_OR_RETURN(out, Load(c, task_id));
    return Status::Ok();
  }));
  return out;
}

Result<Task> Service::Move(const auth::Principal& who, const auth::Actor& actor, int64_t task_id,
                           const std::string& to, const std::optional<std::string>& reason,
                           int minutes, int expected_version) {
  if (!OneOf(to, {"in_progress", "paused", "done", "cancelled"}))
    return InvalidArgument("must be one of in_progress, paused, done, cancelled", "to");
  if ((to == "paused" || to == "cancelled" || to == "done") && (!reason || reason->empty()))
    return InvalidArgument(to == "done" ? "the outcome is required" : "a reason is required",
                           "reason");
  CK_RETURN_IF_ERROR(CheckText(reason, "reason", 2000, false));
  if (minutes < 0 || minutes > 600) return InvalidArgument("must be 0 to 600", "minutes");
  Timestamp now = clock_.Now();
  Task out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Task t, Load(c, task_id));
    CK_RETURN_IF_ERROR(MayWork(who, t));
    const std::string from = t.status;
    bool allowed = (from == "open" && to != "open") ||
                   (from == "in_progress" && to != "in_progress") ||
                   (from == "paused" && to != "paused");
    if (!allowed) return FailedPrecondition("a task that is " + from + " cannot become " + to);
    t.status = to;
    std::string kind = to == "in_progress" ? (from == "paused" ? "resumed" : "started") : to;
    if (to == "paused") t.pause_reason = reason;
    if (to == "in_progress") t.pause_reason.reset();
    if (to == "done") {
      t.outcome = reason;
      t.minutes_spent += minutes;
      t.completed_at = now;
      t.completed_by = who.user_id;
    }
    if (to == "cancelled") t.outcome = reason;
    CK_RETURN_IF_ERROR(Save(c, t, expected_version, now));
    CK_RETURN_IF_ERROR(AddEvent(c, t, kind, from, to, reason, who.user_id, now));
    CK_RETURN_IF_ERROR(audit::Append(
        c, audit::EventBy(actor, now, "task." + kind, "task", std::to_string(t.id), t.patient_id)));
    if (to == "done") {
      CK_ASSIGN_OR_RETURN(auto next, ScheduleNext(c, t, who.user_id, now));
      if (next)
        CK_RETURN_IF_ERROR(audit::Append(
            c, audit::EventBy(actor, now, "task.create", "task", std::to_string(next->id),
                              next->patient_id, "recurrence " + std::to_string(next->occurrence))));
    }
    CK_ASSIGN_OR_RETURN(out, Load(c, task_id));
    return Status::Ok();
  }));
  return out;
}

Result<Task> Service::Edit(const auth::Principal& who, const auth::Actor& actor, int64_t task_id,
                           const TaskEdit& e, int expected_version) {
  if (e.title) CK_RETURN_IF_ERROR(CheckText(e.title, "title", 200, true));
  CK_RETURN_IF_ERROR(CheckText(e.description, "description", 4000, false));
  if (e.priority && !OneOf(*e.priority, {"low", "normal", "high", "urgent"}))
    return InvalidArgument("must be one of low, normal, high, urgent", "priority");
  Timestamp now = clock_.Now();
  Task out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Task t, Load(c, task_id));
    if (!Open(t.status)) return FailedPrecondition("the task is " + t.status);
    CK_RETURN_IF_ERROR(MayWork(who, t));
    std::string changed;
    if (e.title) t.title = *e.title, changed += " title";
    if (e.description) t.description = e.description, changed += " description";
    if (e.priority) t.priority = *e.priority, changed += " priority";
    if (e.due_at) {
      t.due_at = e.due_at;
      t.escalated_at.reset();  // a new due time may escalate again
      changed += " due_at";
    }
    bool reassigned = e.owner_user_id && e.owner_user_id != t.owner_user_id;
    if (reassigned) {
      CK_ASSIGN_OR_RETURN(
          auto u, c.Query("SELECT 1 FROM users WHERE id = ? AND active = 1", {*e.owner_user_id}));
      if (u.empty()) return InvalidArgument("is not an active user", "owner_user_id");
      t.owner_user_id = e.owner_user_id;
    }
    CK_RETURN_IF_ERROR(Save(c, t, expected_version, now));
    if (!changed.empty())
      CK_RETURN_IF_ERROR(
          AddEvent(c, t, "edited", t.status, t.status, changed.substr(1), who.user_id, now));
    if (reassigned)
      CK_RETURN_IF_ERROR(AddEvent(c, t, "reassigned", t.status, t.status,
                                  "to user " + std::to_string(*e.owner_user_id), who.user_id, now));
    CK_RETURN_IF_ERROR(audit::Append(
        c, audit::EventBy(actor, now, "task.update", "task", std::to_string(t.id), t.patient_id)));
    CK_ASSIGN_OR_RETURN(out, Load(c, task_id));
    return Status::Ok();
  }));
  return out;
}

Result<Task> Service::LogAttempt(const auth::Principal& who, const auth::Actor& actor,
                                 int64_t task_id, const Attempt& a) {
  if (!OneOf(a.outcome, {"reached", "voicemail", "no_answer", "wrong_number", "declined"}))
    return InvalidArgument("must be one of reached, voicemail, no_answer, wrong_number, declined",
                           "outcome");
  if (!OneOf(a.method, {"phone", "video", "in_person", "portal_message", "sms", "email"}))
    return InvalidArgument("must be one of phone, video, in_person, portal_message, sms, email",
                           "method");
  if (a.minutes < 0 || a.minutes > 600) return InvalidArgument("must be 0 to 600", "minutes");
  CK_RETURN_IF_ERROR(CheckText(a.summary, "summary", 10000, false));
  Timestamp now = clock_.Now();
  Timestamp at = a.at.value_or(now);
  if (at > now + 5 * kMillisPerMinute) return InvalidArgument("must not be in the future", "at");
  Task out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Task t, Load(c, task_id));
    if (!Open(t.status)) return FailedPrecondition("the task is " + t.status);
    CK_RETURN_IF_ERROR(MayWork(who, t));
    CK_ASSIGN_OR_RETURN(
        auto contact,
        c.Query("INSERT INTO case_contacts (case_id, patient_id, contact_at, method, direction, "
                "party, outcome, duration_minutes, summary, recorded_by, created_at, task_id) "
                "VALUES (?, ?, ?, ?, 'outbound', 'patient', ?, ?, ?, ?, ?, ?) RETURNING id",
                {t.case_id, t.patient_id, at, a.method, a.outcome, a.minutes, a.summary,
                 who.user_id, now, t.id}));
    int version = t.version;
    t.attempts += 1;
    CK_RETURN_IF_ERROR(Save(c, t, version, now));
    CK_RETURN_IF_ERROR(AddEvent(c, t, "attempt", t.status, t.status, a.method + " " + a.outcome,
                                who.user_id, now));
    CK_RETURN_IF_ERROR(audit::Append(
        c, audit::EventBy(actor, now, "contact.log", "contact",
                          std::to_string(contact.at(0).Int(0)), t.patient_id,
                          a.method + " " + a.outcome + " (task " + std::to_string(t.id) + ")")));
    CK_RETURN_IF_ERROR(CheckOutreach(c, t.case_id, now, options_.unable_to_reach_attempts));
    CK_ASSIGN_OR_RETURN(out, Load(c, task_id));
    return Status::Ok();
  }));
  return out;
}

Result<Task> InsertTask(db::Connection& c, Task t, Timestamp now) {
  return Insert(c, std::move(t), now);
}

Result<bool> CloseByWork(db::Connection& c, int64_t task_id, const std::string& to,
                         const std::string& outcome, int minutes, std::optional<int64_t> by,
                         Timestamp now) {
  if (to != "done" && to != "cancelled") return InvalidArgument("must be done or cancelled", "to");
  CK_ASSIGN_OR_RETURN(Task t, Load(c, task_id));
  if (!Open(t.status)) return false;
  const std::string from = t.status;
  t.status = to;
  t.outcome = outcome;
  if (to == "done") {
    t.minutes_spent += minutes;
    t.completed_at = now;
    t.completed_by = by;
  }
  CK_RETURN_IF_ERROR(Save(c, t, t.version, now));
  CK_RETURN_IF_ERROR(AddEvent(c, t, to, from, to, outcome, by, now));
  if (to == "done") CK_RETURN_IF_ERROR(ScheduleNext(c, t, by, now).status());
  return true;
}

Status CheckOutreach(db::Connection& c, int64_t case_id, Timestamp now, int threshold) {
  // As the case's consecutive_unreached_attempts: failed outbound attempts
  // since the patient was last reached.
  CK_ASSIGN_OR_RETURN(
      auto counted,
      c.Query("SELECT COUNT(*), (SELECT outcome FROM case_contacts z WHERE z.case_id = ? ORDER BY "
              "z.contact_at DESC, z.id DESC LIMIT 1) FROM case_contacts x WHERE x.case_id = ? AND "
              "x.direction = 'outbound' AND x.outcome IN ('voicemail', 'no_answer', "
              "'wrong_number') AND x.contact_at > COALESCE((SELECT MAX(y.contact_at) FROM "
              "case_contacts y WHERE y.case_id = ? AND y.outcome = 'reached'), -1)",
              {case_id, case_id, case_id}));
  int failed = static_cast<int>(counted.at(0).Int(0));
  bool reached = !counted.at(0).IsNull(1) && counted.at(0).Text(1) == "reached";
  CK_ASSIGN_OR_RETURN(auto k, c.Query("SELECT patient_id, assigned_user_id, status, "
                                      "unable_to_reach_proposed_at FROM cases WHERE id = ?",
                                      {case_id}));
  if (k.empty()) return NotFound("no case " + std::to_string(case_id), "case_id");
  int64_t patient = k.at(0).Int(0);
  bool proposed = !k.at(0).IsNull(3);
  if (reached && proposed)
    return c.Exec("UPDATE cases SET unable_to_reach_proposed_at = NULL WHERE id = ?", {case_id})
        .status();
  if (failed < threshold || proposed || k.at(0).Text(2) == "closed") return Status::Ok();
  CK_RETURN_IF_ERROR(
      c.Exec("UPDATE cases SET unable_to_reach_proposed_at = ? WHERE id = ?", {now, case_id})
          .status());
  Task t;
  t.case_id = case_id;
  t.patient_id = patient;
  t.title = "Review for closure: unable to reach after " + std::to_string(failed) + " attempts";
  t.task_type = "documentation";
  t.owner_user_id = k.at(0).OptInt(1);
  if (!t.owner_user_id) t.queue_role = "supervisor";
  t.due_at = now + kMillisPerDay;
  t.due_rule = "1 day after the proposal";
  t.source = "system";
  CK_ASSIGN_OR_RETURN(Task made, Insert(c, t, now));
  CK_RETURN_IF_ERROR(DomainEvent(c, "case.unable_to_reach_proposed", patient, "case", case_id,
                                 {{"failed_attempts", failed}, {"task_id", made.id}}, now));
  return audit::Append(c, audit::EventBy(auth::Actor{}, now, "task.create", "task",
                                         std::to_string(made.id), patient, "unable to reach"));
}

Result<int> Service::EscalateOverdue() {
  Timestamp now = clock_.Now();
  int escalated = 0;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    escalated = 0;
    Timestamp urgent_cutoff = now - options_.urgent_escalation_margin_hours * kMillisPerHour;
    Timestamp cutoff = now - options_.escalation_margin_hours * kMillisPerHour;
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query(std::string("SELECT ") + kColumns +
                    " FROM tasks WHERE status IN ('open', 'in_progress') AND escalated_at IS NULL "
                    "AND due_at IS NOT NULL AND due_at < ? ORDER BY due_at, id",
                {std::max(urgent_cutoff, cutoff)}));
    audit::Batch audit;
    for (const db::Row& r : rows) {
      Task t = FromRow(r);
      bool urgent = t.priority == "urgent" || t.task_type == "crisis";
      if (*t.due_at >= (urgent ? urgent_cutoff : cutoff)) continue;
      // The supervisors of the owner's team, else of the queue's team.
      db::Rows to;
      if (t.owner_user_id) {
        CK_ASSIGN_OR_RETURN(to, c.Query("SELECT s.id FROM users s JOIN users o ON o.team_id = "
                                        "s.team_id WHERE o.id = ? AND s.role = 'supervisor' AND "
                                        "s.active = 1 AND s.id <> o.id ORDER BY s.id",
                                        {*t.owner_user_id}));
      } else if (t.queue_team_id) {
        CK_ASSIGN_OR_RETURN(to, c.Query("SELECT id FROM users WHERE team_id = ? AND role = "
                                        "'supervisor' AND active = 1 ORDER BY id",
                                        {*t.queue_team_id}));
      }
      std::string message = "Overdue " + t.priority + " task \"" + t.title + "\" (task " +
                            std::to_string(t.id) + ", due " + FormatTimestamp(*t.due_at) + ")";
      for (const db::Row& s : to)
        CK_RETURN_IF_ERROR(c.Exec("INSERT INTO notifications (user_id, kind, message, "
                                  "patient_id, created_at) VALUES (?, 'task_overdue', ?, ?, ?)",
                                  {s.Int(0), message, t.patient_id, now})
                               .status());
      if (to.empty())
        spdlog::warn("task {} escalated with no supervisor to notify; check team assignments",
                     t.id);
      CK_ASSIGN_OR_RETURN(int64_t n, c.Exec("UPDATE tasks SET escalated_at = ? WHERE id = ? AND "
                                            "escalated_at IS NULL",
                                            {now, t.id}));
      if (n == 0) continue;
      CK_RETURN_IF_ERROR(AddEvent(c, t, "escalated", t.status, t.status,
                                  std::to_string(to.size()) + " supervisor(s) told", std::nullopt,
                                  now));
      CK_RETURN_IF_ERROR(DomainEvent(c, "task.escalated", t.patient_id, "task", t.id,
                                     {{"due_at", *t.due_at}, {"priority", t.priority}}, now));
      CK_RETURN_IF_ERROR(audit.Add(audit::EventBy(auth::Actor{}, now, "task.escalate", "task",
                                                  std::to_string(t.id), t.patient_id)));
      ++escalated;
    }
    return audit.Flush(c);
  }));
  return escalated;
}

Result<TimeSummary> Service::TimeForMonth(const auth::Actor& actor, int64_t patient_id,
                                          const std::string& month) {
  CK_ASSIGN_OR_RETURN(Date first, ParseDate(month + "-01", "month"));
  if (month.size() != 7) return InvalidArgument("must be YYYY-MM", "month");
  Date next =
      std::chrono::year_month_day{first.year() / first.month() / 1} + std::chrono::months{1};
  Timestamp from = StartOfDay(first), to = StartOfDay(next);
  TimeSummary out;
  out.month = month;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.transitional_care.clear();
    CK_ASSIGN_OR_RETURN(auto contacts,
                        c.Query("SELECT COALESCE(SUM(duration_minutes), 0) FROM case_contacts "
                                "WHERE patient_id = ? AND contact_at >= ? AND contact_at < ?",
                                {patient_id, from, to}));
    CK_ASSIGN_OR_RETURN(auto tasks, c.Query("SELECT COALESCE(SUM(minutes_spent), 0) FROM tasks "
                                            "WHERE patient_id = ? AND completed_at >= ? AND "
                                            "completed_at < ?",
                                            {patient_id, from, to}));
    out.contact_minutes = static_cast<int>(contacts.at(0).Int(0));
    out.task_minutes = static_cast<int>(tasks.at(0).Int(0));
    out.total_minutes = out.contact_minutes + out.task_minutes;
    out.chronic_care_management_met = out.total_minutes >= 20;
    CK_ASSIGN_OR_RETURN(auto stays,
                        c.Query("SELECT id, discharged_at FROM encounters WHERE patient_id = ? "
                                "AND encounter_class = 'inpatient' AND status = 'finished' AND "
                                "discharged_at >= ? AND discharged_at < ? ORDER BY discharged_at",
                                {patient_id, from, to}));
    for (const db::Row& s : stays) {
      TimeSummary::Discharge d;
      d.encounter_id = s.Int(0);
      d.discharged_at = s.Int(1);
      d.contact_due = calendar_.AddBusinessDays(d.discharged_at, 2);
      // An interactive contact: by telephone, video, in person or electronically, reached.
      CK_ASSIGN_OR_RETURN(
          auto first_contact,
          c.Query("SELECT MIN(contact_at) FROM case_contacts WHERE patient_id = ? AND "
                  "contact_at >= ? AND outcome = 'reached' AND method IN ('phone', 'video', "
                  "'in_person', 'portal_message', 'sms', 'email')",
                  {patient_id, d.discharged_at}));
      d.first_contact_at = first_contact.at(0).OptInt(0);
      d.met = d.first_contact_at && *d.first_contact_at <= d.contact_due;
      out.transitional_care.push_back(d);
    }
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "patient.time", "patient",
                                           std::to_string(patient_id), patient_id, month)));
  return out;
}

}  // namespace ck::tasks
