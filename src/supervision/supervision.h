// Supervision (docs/supervision.md): a supervisor's view of the team — each
// case manager's load, overdue work, contacts and documentation compliance —
// and the tools to rebalance it: a reassignment proposal that balances
// acuity-weighted loads, bulk reassignment in one transaction (cases::Service),
// and temporary coverage of a caseload during leave.
//
//   supervision::Supervision sup(db, clock, tz, rules);
//   CK_ASSIGN_OR_RETURN(auto team, sup.Team(who, actor, from, to));
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "core/time_zone.h"
#include "db/database.h"

namespace ck::supervision {

// The documentation audit checklist, as configured ([compliance]).
struct ComplianceRules {
  int note_sign_hours = 24;  // a reached contact needs a note signed within this many hours
  int lookback_days = 30;    // contacts of this many days before as-of are checked
  // Instruments each open case (past planning's start) keeps current: id and
  // the most days since the last completed one.
  std::vector<std::pair<std::string, int>> assessments = {{"phq9", 365}};
  int assessment_grace_days = 30;  // cases referred more recently are not yet due
};
// The checklist's rules in the order reports list them: key, description.
const std::vector<std::pair<std::string, std::string>>& ComplianceRuleCatalog();

// "phq9:365,ahc_hrsn:365" → the list (InvalidArgument naming `field`).
Result<std::vector<std::pair<std::string, int>>> ParseAssessmentRules(std::string_view text,
                                                                      std::string_view field);

struct Coverage {
  int64_t id = 0;
  int64_t team_id = 0;
  int64_t absent_user_id = 0;
  std::string absent_name;
  int64_t covering_user_id = 0;
  std::string covering_name;
  Timestamp starts_at = 0, ends_at = 0;
  std::string reason;
  int64_t created_by = 0;
  Timestamp created_at = 0;
  std::optional<Timestamp> ended_at;
  std::optional<int64_t> ended_by;
  std::optional<std::string> end_reason;
  std::string state;  // scheduled | in_force | ended
};

struct NewCoverage {
  int64_t absent_user_id = 0;
  int64_t covering_user_id = 0;
  Timestamp starts_at = 0;  // 0: now
  Timestamp ends_at = 0;
  std::string reason;
};

// One case manager's line on the team view.
struct MemberLine {
  int64_t user_id = 0;
  std::string username, display_name;
  int open_cases = 0;
  int weighted_load = 0;  // low 1, moderate 2, high 3, very high 4, not assessed 2
  int overdue_tasks = 0;
  int contacts = 0;                                // contacts on their cases in the period
  std::optional<double> contacts_per_case_month;   // contacts / open cases / months
  int compliance_checked = 0, compliance_met = 0;  // the checklist, as of the period's end
  std::optional<std::string> covered_by;           // on leave now: who covers
  std::vector<std::string> covering_for;           // whose caseloads they cover now
};

struct RuleTally {
  std::string rule;
  int checked = 0, met = 0;
};

struct Finding {
  std::string rule;
  int64_t case_id = 0;
  int64_t patient_id = 0;
  std::string patient_name;
  std::string detail;
  std::optional<Timestamp> due_at;  // when it became due
};

struct MemberCompliance {
  int64_t user_id = 0;
  std::string display_name;
  std::vector<RuleTally> rules;
  std::vector<Finding> findings;  // what is not met, oldest first
  int checked() const;
  int met() const;
};

struct ComplianceReport {
  Timestamp as_of = 0;
  std::vector<MemberCompliance> members;
};

struct ProposalRequest {
  std::optional<int64_t> from_user_id;  // all their open cases (someone leaving)
  std::vector<int64_t> case_ids;        // or these (unassigned referrals, a subset)
  std::vector<int64_t> exclude_user_ids;
  std::optional<int> max_weighted_load;  // nobody is proposed past this
};

struct ProposedMove {
  int64_t case_id = 0, patient_id = 0;
  std::optional<std::string> acuity;
  int weight = 0;
  std::optional<int64_t> from_user_id;
  int64_t to_user_id = 0;
  std::string to_name;
  std::string why;
};

struct LoadChange {
  int64_t user_id = 0;
  std::string display_name;
  int open_before = 0, open_after = 0;
  int load_before = 0, load_after = 0;
};

struct Proposal {
  std::vector<ProposedMove> moves;
  std::vector<ProposedMove> unplaced;  // to_user_id 0; `why` says why not
  std::vector<LoadChange> loads;
};

class Supervision {
 public:
  Supervision(db::Database& db, const Clock& clock, const TimeZone& tz, ComplianceRules rules = {})
      : db_(db), clock_(clock), tz_(tz), rules_(std::move(rules)) {}

  // The supervisor's team, one line per active case manager.
  Result<std::vector<MemberLine>> Team(const auth::Principal& who, const auth::Actor& actor,
                                       Date from, Date to);

  // The documentation checklist as of `as_of` for the supervisor's team, or a
  // case manager's own (`user_id` forced for case managers).
  Result<ComplianceReport> Compliance(const auth::Principal& who, const auth::Actor& actor,
                                      Timestamp as_of, std::optional<int64_t> user_id);

  // Balanced targets for cases to move; changes nothing.
  Result<Proposal> Propose(const auth::Principal& who, const auth::Actor& actor,
                           const ProposalRequest& request);

  // Coverage of a case manager's caseload by a colleague of the team.
  Result<Coverage> StartCoverage(const auth::Principal& who, const auth::Actor& actor,
                                 const NewCoverage& n);
  Result<Coverage> EndCoverage(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                               const std::optional<std::string>& reason);
  // The team's coverages (supervisors) or one's own (as absent or covering);
  // current ones (scheduled or in force) unless `include_ended`.
  Result<std::vector<Coverage>> Coverages(const auth::Principal& who, bool include_ended);

  const ComplianceRules& rules() const { return rules_; }

 private:
  Status ComplianceOf(db::Connection& c, Timestamp as_of, MemberCompliance& m);

  db::Database& db_;
  const Clock& clock_;
  const TimeZone& tz_;
  ComplianceRules rules_;
};

}  // namespace ck::supervision
