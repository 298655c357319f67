// The worklist ("my day"): everything that needs action from a case manager
// (or a supervisor's whole team), ranked by explicit rules, each item with
// the reasons for its place. Sources: overdue and soon-due tasks (one's own and
// those waiting in one's queues), open crisis and high alerts, admissions and
// discharges of one's patients in the last 24 hours, new referrals awaiting
// triage, high-risk patients not reached lately, care plan reviews due, goals
// past their target date, payer decisions due, appeal deadlines near,
// approvals ending, community referrals unanswered, and discharge plans whose
// expected date is today or tomorrow with the checklist not ready
// (docs/worklist.md). Any item but a crisis alert can be snoozed: hidden from
// every worklist until a time, with a reason.
//
//   Worklist worklist(db, clock, {});
//   CK_ASSIGN_OR_RETURN(auto list, worklist.ForUser(who, actor, who.user_id, 100));
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "core/time_zone.h"
#include "db/database.h"

namespace ck::worklist {

// The ranking, as data: a base weight per kind, then bonuses. Ties: due time.
struct RankingRules {
  std::map<std::string, int> weight = {
      {"crisis_alert", 1000},
      {"high_alert", 600},
      {"task_overdue", 500},
      {"discharged", 450},
      {"admitted", 400},
      {"new_referral", 350},
      {"task_due_soon", 300},
      {"no_recent_contact", 250},
      {"care_plan_review_due", 200},
      {"goal_past_target", 100},
      {"authorization_decision_due", 420},  // a payer decision overdue or due soon
      {"appeal_deadline", 380},             // a filing deadline near, or the payer late
      {"authorization_expiring", 220},      // an approval ending: renew in time
      {"referral_unanswered", 240},         // a community organisation has not answered
      {"discharge_plan_due", 430}};         // discharge today/tomorrow, checklist not ready
  int readmission_bonus = 100;              // an admission that is a 30-day readmission
  int overdue_decision_bonus = 100;         // the payer's (or our filing) deadline has passed
  Timestamp decision_horizon = 48 * kMillisPerHour;
  int appeal_horizon_days = 10;    // denials and draft appeals with a filing deadline this close
  int expiring_horizon_days = 14;  // approvals ending this soon
  int queued_task_penalty = 100;   // a task still waiting in a queue ranks below one's own
  int overdue_per_hour = 2;        // per hour a task is overdue ...
  int overdue_cap_hours = 72;      // ... up to three days
  int triage_overdue_bonus = 100;
  std::map<std::string, int> priority_bonus = {{"urgent", 150}, {"high", 75}, {"low", -50}};
  std::map<int, int> tier_bonus = {{1, 100}, {2, 50}};
  // A patient of these tiers without a reached contact for this many days.
  std::map<int, int> no_contact_days = {{1, 14}, {2, 30}};
  Timestamp horizon = 24 * kMillisPerHour;  // "due soon", "overnight": the next / last 24 hours
  int snooze_max_days = 30;                 // a snooze ends at most this far ahead
  int snooze_recall_days = 7;  // an item back from a snooze this recent says why it was snoozed
};

// A snooze: the item `item_key` hidden from every worklist until `until`.
struct Snooze {
  int64_t id = 0;
  std::string item_key;
  int64_t patient_id = 0;
  std::string reason;
  Timestamp until = 0;
  int64_t snoozed_by = 0;
  std::string snoozed_by_name;
  Timestamp snoozed_at = 0;
  std::optional<Timestamp> woken_at;
  std::optional<int64_t> woken_by;
  std::optional<int64_t> replaced_by;
  bool active = false;   // hiding its item now: not woken or replaced, until ahead, item unchanged
  bool changed = false;  // its item changed since (a worse state): the snooze no longer hides it
};

struct Item {
  std::string kind;
  int score = 0;
  std::vector<std::string> reasons;  // why it ranks where it does, most important first
  int64_t patient_id = 0;
  std::string patient_name;  // as the screen shows it: preferred or given name, family name
  std::optional<int64_t> case_id, task_id, alert_id, encounter_id, care_plan_id, goal_id;
  std::optional<int64_t> authorization_id, appeal_id, discharge_plan_id;
  std::optional<int64_t> referral_id;    // a community resource referral
  std::optional<int64_t> owner_user_id;  // whose it is (team worklists)
  std::string title;
  std::optional<Timestamp> due_at;  // or when it happened
  // "<kind>:<subject>:<id>" ("task_overdue:task:12"): what a snooze names;
  // none for a crisis alert, which cannot be snoozed.
  std::optional<std::string> key;
  // What a snooze must not hide a change of: a task's due time, priority and
  // owner, a triage or payer deadline passing, a draft appeal filed.
  int64_t state = 0;  // a hash of those (StateOf)
  // Its snooze: active (listed only when asked for), or run out lately.
  std::optional<Snooze> snooze;
};

struct List {
  std::vector<Item> items;
  int snoozed = 0;  // items an active snooze hides (listed or not)
};

// An item's state (Item::state): a hash of its parts and an optional number.
int64_t StateOf(std::initializer_list<std::string_view> parts,
                std::optional<int64_t> number = std::nullopt);
// A task's: its due time, priority and owner (none: the queue).
int64_t TaskState(Timestamp due, std::string_view priority, std::optional<int64_t> owner);

// The key of an item of `kind` about the item's subject; none when the kind
// cannot be snoozed or the subject is unknown.
std::optional<std::string> KeyOf(const Item& item);

// The patient of the item named by `key`: InvalidArgument("item") for a
// malformed key, an unknown kind or a crisis alert; NotFound for no subject.
Result<int64_t> PatientOfItem(db::Connection& conn, std::string_view key);

class Worklist {
 public:
  // `time_zone` (the organisation's; UTC when absent) says which day is "today".
  Worklist(db::Database& db, const Clock& clock, RankingRules rules = {},
           const TimeZone* time_zone = nullptr)
      : db_(db), clock_(clock), rules_(std::move(rules)), tz_(time_zone) {}

  // One case manager's: the caller's own, or (supervisors) a member of their team's.
  // Snoozed items are left out unless `include_snoozed`.
  Result<List> ForUser(const auth::Principal& who, const auth::Actor& actor, int64_t user_id,
                       int limit, bool include_snoozed = false);
  // A supervisor's whole team, with unassigned referrals awaiting triage.
  Result<List> ForTeam(const auth::Principal& who, const auth::Actor& actor, int limit,
                       bool include_snoozed = false);

  // Hides the item `key` of the caller's worklist (a supervisor's: the
  // team's) until `until` (ahead, by the end of the organisation's day
  // snooze_max_days on), for a reason. Case managers and supervisors only; a
  // task by its owner or a supervisor; not a task waiting in a queue or a
  // referral nobody has. An item snoozed now is snoozed again only by naming
  // that snooze (`replaces`; Conflict otherwise).
  Result<Snooze> SnoozeItem(const auth::Principal& who, const auth::Actor& actor,
                            const std::string& key, Timestamp until, const std::string& reason,
                            std::optional<int64_t> replaces = std::nullopt);
  // Ends a snooze now: FailedPrecondition when it was woken or ran out.
  Result<Snooze> Wake(const auth::Principal& who, const auth::Actor& actor, int64_t snooze_id);

  const RankingRules& rules() const { return rules_; }

 private:
  // Whose work a list gathers.
  struct Scope {
    std::vector<int64_t> users;
    std::optional<int64_t> team_id;
    std::string role;  // whose role queue
    bool unassigned_referrals = false;
    std::unordered_map<int64_t, std::string> covered;  // patient → the absent colleague
  };
  Result<Scope> UserScope(const auth::Principal& who, int64_t user_id) const;
  Result<Scope> TeamScope(const auth::Principal& who) const;
  // Every item of the scope, unranked, without tiers or snoozes.
  Status Collect(db::Connection& c, const Scope& scope, std::vector<Item>& items) const;
  Result<List> Build(const auth::Actor& actor, const Scope& scope, int limit, bool include_snoozed);
  // Sets each item's key and snooze; drops (or with `include_snoozed` keeps)
  // the snoozed ones, counting them.
  Status ApplySnoozes(db::Connection& c, std::vector<Item>& items, bool include_snoozed,
                      int& snoozed) const;
  db::Database& db_;
  const Clock& clock_;
  RankingRules rules_;
  const TimeZone* tz_;
};

}  // namespace ck::worklist
