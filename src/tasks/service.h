// Tasks: the work that carries out a case. A task is owned by a person or
// waits in a team's or a role's queue until someone claims it; it is due at a
// time (given, or a number of business days from an anchor such as a
// discharge), has a priority and a status with its history (open, in
// progress, paused with a reason, done with an outcome, cancelled), may recur
// every N days until a date or a number of times (never past the case's
// closure), and escalates to the supervisor once when overdue by the
// configured margin. Outreach attempts logged against a task are contacts of
// the case; consecutive failed outreach proposes the case for "unable to
// reach" closure. Time spent comes from the work: contact durations and the
// minutes recorded when a task is done.
//
//   tasks::Service tasks(db, clock, calendar, {});
//   Result<Task> t = tasks.Create(who, actor, {.case_id = 3, .title = "Post-discharge call",
//       .task_type = "call", .owner_user_id = 12, .due_in_business_days = 2,
//       .due_anchor = discharged_at});
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/business_calendar.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::tasks {

struct NewTask {
  int64_t case_id = 0;
  std::string title;
  std::string task_type = "other";  // call | visit | education | medication_reconciliation |
                                    // referral | authorization_follow_up | documentation |
                                    // crisis | appointment | other
  std::optional<std::string> description;
  // The owner: a person, or a queue (a team, or a role such as "supervisor").
  std::optional<int64_t> owner_user_id;
  std::optional<int64_t> queue_team_id;
  std::optional<std::string> queue_role;
  // When it is due: a time, or business days after an anchor (now if absent).
  std::optional<Timestamp> due_at;
  std::optional<int> due_in_business_days;
  std::optional<Timestamp> due_anchor;
  std::string priority = "normal";  // low | normal | high | urgent
  std::optional<int> recur_every_days;
  std::optional<std::string> recur_until;  // YYYY-MM-DD, inclusive
  std::optional<int> recur_times;          // occurrences in all
  std::string source = "manual";           // manual | program:<code> | event:<kind> | system
};

struct Task : NewTask {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::optional<std::string> due_rule;  // "2 business days after 2026-11-20"
  std::string status = "open";          // open | in_progress | paused | done | cancelled
  std::optional<std::string> pause_reason;
  std::optional<std::string> outcome;
  int minutes_spent = 0;
  int attempts = 0;
  std::optional<int64_t> series_id;
  int occurrence = 1;
  std::optional<Timestamp> escalated_at;
  std::optional<Timestamp> completed_at;
  std::optional<int64_t> completed_by;
  std::optional<int64_t> created_by;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  int version = 1;
};

struct TaskEvent {
  int64_t id = 0;
  std::string kind;  // created | claimed | started | paused | resumed | done | cancelled |
                     // reassigned | edited | escalated | attempt
  std::optional<std::string> from_status, to_status, detail;
  std::optional<int64_t> by_user_id;
  Timestamp at = 0;
};

// Changes a person makes to a task (absent: unchanged).
struct TaskEdit {
  std::optional<std::string> title, description, priority;
  std::optional<Timestamp> due_at;
  std::optional<int64_t> owner_user_id;  // reassign to a person
};

struct Attempt {
  std::string method = "phone";  // as case contacts: phone | video | in_person | sms | ...
  std::string outcome;           // reached | voicemail | no_answer | wrong_number | declined
  int minutes = 0;
  std::optional<std::string> summary;
  std::optional<Timestamp> at;  // default now
};

// Minutes of care management work on a patient in a calendar month, against
// the billing thresholds (docs/tasks.md).
struct TimeSummary {
  std::string month;  // YYYY-MM
  int contact_minutes = 0;
  int task_minutes = 0;
  int total_minutes = 0;
  bool chronic_care_management_met = false;  // >= 20 minutes in the month
  struct Discharge {
    int64_t encounter_id = 0;
    Timestamp discharged_at = 0;
    Timestamp contact_due = 0;  // 2 business days after discharge
    std::optional<Timestamp> first_contact_at;
    bool met = false;  // an interactive contact by the due time
  };
  std::vector<Discharge> transitional_care;
};

class Service {
 public:
  struct Options {
    int escalation_margin_hours = 24;        // overdue by this much: tell the supervisor
    int urgent_escalation_margin_hours = 2;  // for urgent and crisis tasks
    int unable_to_reach_attempts = 3;        // consecutive failed outreach before proposing closure
  };

  Service(db::Database& db, const Clock& clock, const BusinessCalendar& calendar, Options options)
      : db_(db), clock_(clock), calendar_(calendar), options_(options) {}

  // InvalidArgument naming the field; FailedPrecondition on a closed case.
  Result<Task> Create(const auth::Principal& who, const auth::Actor& actor, NewTask t);
  Result<Task> Get(const auth::Actor& actor, int64_t task_id);
  Result<std::vector<TaskEvent>> History(int64_t task_id);
  Result<std::vector<Task>> ForCase(const auth::Actor& actor, int64_t case_id, bool include_closed);
  // The caller's open tasks and those waiting in their queues (their team's,
  // their role's), by due time.
  Result<std::vector<Task>> Mine(const auth::Principal& who, const auth::Actor& actor,
                                 bool include_queues, int limit);

  // Takes a queued task: only from one's own team's or role's queue.
  Result<Task> Claim(const auth::Principal& who, const auth::Actor& actor, int64_t task_id,
                     int expected_version);
  // to: in_progress (start or resume), paused (reason required), done (outcome
  // required, minutes optional), cancelled (reason required). FailedPrecondition
  // for a move the status does not allow.
  Result<Task> Move(const auth::Principal& who, const auth::Actor& actor, int64_t task_id,
                    const std::string& to, const std::optional<std::string>& reason, int minutes,
                    int expected_version);
  Result<Task> Edit(const auth::Principal& who, const auth::Actor& actor, int64_t task_id,
                    const TaskEdit& edit, int expected_version);
  // Logs an outreach attempt as a contact of the case; a reached attempt also
  // ends the case's failed-outreach streak.
  Result<Task> LogAttempt(const auth::Principal& who, const auth::Actor& actor, int64_t task_id,
                          const Attempt& attempt);

  // Escalates every task overdue by its margin, once: the supervisors of the
  // owner's team (or the queue's team) are notified. Returns how many.
  Result<int> EscalateOverdue();

  Result<TimeSummary> TimeForMonth(const auth::Actor& actor, int64_t patient_id,
                                   const std::string& month);

 private:
  db::Database& db_;
  const Clock& clock_;
  const BusinessCalendar& calendar_;
  Options options_;
};

// Inserts `t` (validated by its maker: a program, the system) in the caller's
// transaction, with its "created" history event; a recurring task starts its series.
Result<Task> InsertTask(db::Connection& c, Task t, Timestamp now);

// Closes an open task whose work was done (or dropped) elsewhere, such as an
// education teach-back, in the caller's transaction: to "done" (with its next
// occurrence if it recurs) or "cancelled". False when it is no longer open.
Result<bool> CloseByWork(db::Connection& c, int64_t task_id, const std::string& to,
                         const std::string& outcome, int minutes, std::optional<int64_t> by,
                         Timestamp now);

// After a contact is logged on `case_id` (in the caller's transaction): counts
// the case's consecutive failed outbound contacts since the last reached one;
// at `threshold`, proposes the case for "unable to reach" closure once (a
// documentation task for its case manager, a domain event). A reached contact
// clears the proposal. Used by the contact log and by task attempts.
Status CheckOutreach(db::Connection& c, int64_t case_id, Timestamp now, int threshold);

}  // namespace ck::tasks
