// The worklist ("my day"): everything that needs action from a case manager
// (or a supervisor's whole team), ranked by explicit rules, each item with
// the reasons for its place. Sources: overdue and soon-due tasks (one's own and
// those waiting in one's queues), open crisis and high alerts, admissions and
// discharges of one's patients in the last 24 hours, new referrals awaiting
// triage, high-risk patients not reached lately, care plan reviews due, goals
// past their target date, payer decisions due, appeal deadlines near,
// approvals ending, community referrals unanswered, and discharge plans whose
// expected date is today or tomorrow with the checklist not ready
// (docs/worklist.md).
//
//   Worklist worklist(db, clock, {});
//   CK_ASSIGN_OR_RETURN(auto items, worklist.ForUser(who, actor, who.user_id, 100));
#pragma once

#include <map>
#include <optional>
#include <string>
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
};

class Worklist {
 public:
  // `time_zone` (the organisation's; UTC when absent) says which day is "today".
  Worklist(db::Database& db, const Clock& clock, RankingRules rules = {},
           const TimeZone* time_zone = nullptr)
      : db_(db), clock_(clock), rules_(std::move(rules)), tz_(time_zone) {}

  // One case manager's: the caller's own, or (supervisors) a member of their team's.
  Result<std::vector<Item>> ForUser(const auth::Principal& who, const auth::Actor& actor,
                                    int64_t user_id, int limit);
  // A supervisor's whole team, with unassigned referrals awaiting triage.
  Result<std::vector<Item>> ForTeam(const auth::Principal& who, const auth::Actor& actor,
                                    int limit);

  const RankingRules& rules() const { return rules_; }

 private:
  Result<std::vector<Item>> Build(const auth::Actor& actor, const std::vector<int64_t>& users,
                                  std::optional<int64_t> team_id, std::string_view role,
                                  bool unassigned_referrals, int limit);
  db::Database& db_;
  const Clock& clock_;
  RankingRules rules_;
  const TimeZone* tz_;
};

}  // namespace ck::worklist
