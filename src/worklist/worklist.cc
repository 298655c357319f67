#include "worklist/worklist.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <unordered_map>

#include "audit/trail.h"
#include "db/sql.h"
#include "patients/store.h"

namespace ck::worklist {
namespace {

using db::InList;

std::string Hours(Timestamp ms) {
  int64_t h = ms / kMillisPerHour;
  if (h >= 48) return std::to_string(h / 24) + " days";
  if (h >= 1) return std::to_string(h) + " h";
  return std::to_string(std::max<int64_t>(ms / kMillisPerMinute, 0)) + " min";
}

}  // namespace

int64_t StateOf(std::initializer_list<std::string_view> parts, std::optional<int64_t> number) {
  // FNV-1a, 64 bits: no allocation for the thousands of items of a team.
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](unsigned char byte) { h = (h ^ byte) * 1099511628211ull; };
  for (std::string_view part : parts) {
    for (char ch : part) mix(static_cast<unsigned char>(ch));
    mix(0);
  }
  if (number)
    for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(*number >> (8 * i)));
  return static_cast<int64_t>(h);
}

int64_t TaskState(Timestamp due, std::string_view priority, std::optional<int64_t> owner) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, due).ptr;
  return StateOf({std::string_view(digits, static_cast<size_t>(end - digits)), priority},
                 owner.value_or(-1));
}

Result<Worklist::Scope> Worklist::UserScope(const auth::Principal& who, int64_t user_id) const {
  Scope scope;
  std::optional<int64_t>& team = scope.team_id;
  std::string& role = scope.role;
  if (user_id != who.user_id) {
    if (who.role != auth::Role::kSupervisor || !who.team_id)
      return PermissionDenied("only a supervisor sees another person's worklist");
    bool member = false;
    CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
      CK_ASSIGN_OR_RETURN(auto rows,
                          c.Query("SELECT team_id, role FROM users WHERE id = ?", {user_id}));
      member = !rows.empty() && rows.at(0).OptInt(0) == who.team_id;
      if (member) role = rows.at(0).Text(1);
      return Status::Ok();
    }));
    if (!member) return PermissionDenied("not a member of your team");
    team = who.team_id;
  } else {
    team = who.team_id;
    role = std::string(auth::RoleName(who.role));
  }
  // Covering colleagues on leave: their work is on this worklist too, each
  // item saying whose it is (the coverage's own patients only, while it lasts).
  std::vector<int64_t>& users = scope.users;
  users = {user_id};
  auto& covered_names = scope.covered;  // patient → absent colleague
  const Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    users.resize(1);
    covered_names.clear();
    std::unordered_map<int64_t, std::string> absent;
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT v.absent_user_id, u.display_name FROM caseload_coverages v JOIN users u ON u.id = "
        "v.absent_user_id WHERE v.covering_user_id = ? AND v.starts_at <= ? AND v.ends_at > ? AND "
        "v.ended_at IS NULL ORDER BY v.absent_user_id",
        {user_id, now, now}, [&](const db::Row& r) {
          if (absent.emplace(r.Int(0), r.Text(1)).second) users.push_back(r.Int(0));
          return Status::Ok();
        }));
    if (absent.empty()) return Status::Ok();
    db::Params p(users.begin() + 1, users.end());
    p.emplace_back(user_id);
    return c.ForEachRow(
        "SELECT m.patient_id, m.user_id FROM care_team_members m WHERE m.user_id "
        "IN " +
            InList(users.size() - 1) +
            " AND m.removed_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
            "care_team_members o WHERE o.patient_id = m.patient_id AND o.user_id "
            "= ? AND o.removed_at IS NULL)",
        p, [&](const db::Row& r) {
          covered_names.emplace(r.Int(0), absent[r.Int(1)]);
          return Status::Ok();
        });
  }));
  return scope;
}

Result<Worklist::Scope> Worklist::TeamScope(const auth::Principal& who) const {
  if (who.role != auth::Role::kSupervisor || !who.team_id)
    return PermissionDenied("the team worklist is a supervisor's");
  Scope scope{.team_id = who.team_id, .role = "case_manager", .unassigned_referrals = true};
  std::vector<int64_t>& users = scope.users;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    users.clear();
    return c.ForEachRow("SELECT id FROM users WHERE team_id = ? AND active = 1 ORDER BY id",
                        {*who.team_id}, [&](const db::Row& r) {
                          users.push_back(r.Int(0));
                          return Status::Ok();
                        });
  }));
  return scope;
}

Result<List> Worklist::ForUser(const auth::Principal& who, const auth::Actor& actor,
                               int64_t user_id, int limit, bool include_snoozed) {
  CK_ASSIGN_OR_RETURN(Scope scope, UserScope(who, user_id));
  CK_ASSIGN_OR_RETURN(auto list, Build(actor, scope, limit, include_snoozed));
  for (Item& it : list.items) {
    auto covered = scope.covered.find(it.patient_id);
    if (covered != scope.covered.end()) it.reasons.push_back("covering for " + covered->second);
  }
  return list;
}

Result<List> Worklist::ForTeam(const auth::Principal& who, const auth::Actor& actor, int limit,
                               bool include_snoozed) {
  CK_ASSIGN_OR_RETURN(Scope scope, TeamScope(who));
  return Build(actor, scope, limit, include_snoozed);
}

Status Worklist::Collect(db::Connection& c, const Scope& scope, std::vector<Item>& items) const {
  const Timestamp now = clock_.Now();
  const RankingRules& R = rules_;
  const std::vector<int64_t>& users = scope.users;
  const std::optional<int64_t>& team_id = scope.team_id;
  const std::string& role = scope.role;
  const bool unassigned_referrals = scope.unassigned_referrals;
  items.clear();
  if (users.empty()) return Status::Ok();
  db::Params u(users.begin(), users.end());
  const std::string in = InList(users.size());
  // The patients whose care team the users are on: what the patient-based sources read.
  const std::string patients = "(SELECT m.patient_id FROM care_team_members m WHERE m.user_id IN " +
                               in + " AND m.removed_at IS NULL)";
  // A leading parameter, then the users.
  auto After = [&](db::Value first) {
    db::Params p{std::move(first)};
    p.insert(p.end(), u.begin(), u.end());
    return p;
  };

  // Tasks: one's own overdue or due soon, and those waiting in one's queues
  // (three index lookups rather than one OR that would scan).
  const Timestamp soon = now + R.horizon;
  constexpr const char* kTaskColumns =
      "SELECT id, case_id, patient_id, title, priority, due_at, owner_user_id FROM tasks WHERE "
      "status IN ('open', 'in_progress') AND due_at < ? AND ";
  CK_ASSIGN_OR_RETURN(auto tasks,
                      c.Query(std::string(kTaskColumns) + "owner_user_id IN " + in, After(soon)));
  {
    // Claimed tasks keep their queue: only unowned ones wait there (filtered
    // here, so that the queue indexes drive the lookups).
    CK_ASSIGN_OR_RETURN(auto by_role, c.Query(std::string(kTaskColumns) + "queue_role = ?",
                                              {soon, std::string(role)}));
    std::vector<db::Row> all(tasks.begin(), tasks.end());
    for (const db::Row& r : by_role)
      if (r.IsNull(6)) all.push_back(r);
    if (team_id) {
      CK_ASSIGN_OR_RETURN(
          auto by_team, c.Query(std::string(kTaskColumns) + "queue_team_id = ? AND (queue_role IS "
                                                            "NULL OR queue_role <> ?)",
                                {soon, *team_id, std::string(role)}));
      for (const db::Row& r : by_team)
        if (r.IsNull(6)) all.push_back(r);
    }
    tasks = db::Rows(tasks.columns(), std::move(all));
  }
  for (const db::Row& r : tasks) {
    Item it;
    Timestamp due = r.Int(5);
    bool overdue = due < now;
    it.kind = overdue ? "task_overdue" : "task_due_soon";
    it.task_id = r.Int(0);
    it.case_id = r.Int(1);
    it.patient_id = r.Int(2);
    it.title = r.Text(3);
    it.due_at = due;
    it.owner_user_id = r.OptInt(6);
    it.state = TaskState(due, r.Text(4), it.owner_user_id);
    it.score = R.weight.at(it.kind);
    if (overdue) {
      int hours =
          static_cast<int>(std::min<Timestamp>((now - due) / kMillisPerHour, R.overdue_cap_hours));
      it.score += hours * R.overdue_per_hour;
      it.reasons.push_back("overdue by " + Hours(now - due));
    } else {
      it.reasons.push_back("due in " + Hours(due - now));
    }
    const std::string& priority = r.Text(4);
    if (auto b = R.priority_bonus.find(priority); b != R.priority_bonus.end()) {
      it.score += b->second;
      it.reasons.push_back("priority " + priority);
    }
    if (!it.owner_user_id) {
      it.score -= R.queued_task_penalty;
      it.reasons.push_back("waiting in the queue: claim it");
    }
    items.push_back(std::move(it));
  }

  // Open crisis and high alerts of the users' patients.
  CK_ASSIGN_OR_RETURN(
      auto alerts,
      c.Query("SELECT id, patient_id, case_id, severity, reason, raised_at FROM alerts WHERE "
              "status = 'open' AND severity IN ('crisis', 'high') AND patient_id IN " +
                  patients,
              u));
  for (const db::Row& r : alerts) {
    Item it;
    it.kind = r.Text(3) == "crisis" ? "crisis_alert" : "high_alert";
    it.alert_id = r.Int(0);
    it.patient_id = r.Int(1);
    it.case_id = r.OptInt(2);
    it.title = r.Text(4);
    it.due_at = r.Int(5);
    it.score = R.weight.at(it.kind);
    it.reasons.push_back(r.Text(3) + " alert raised " + Hours(now - r.Int(5)) + " ago");
    items.push_back(std::move(it));
  }

  // Admissions and discharges in the last day (ADT or entered by hand), unless
  // cancelled since (A11, A13, or by hand); an admission that is a 30-day
  // readmission ranks higher.
  CK_ASSIGN_OR_RETURN(
      auto events,
      c.Query("SELECT e.kind, e.patient_id, e.entity_id, e.occurred_at, n.facility, "
              "n.encounter_class, n.status, n.discharged_at, s.days_after_discharge, s.counted "
              "FROM domain_events e LEFT JOIN encounters n ON n.id = e.entity_id LEFT JOIN "
              "acute_stays s ON s.first_encounter_id = e.entity_id AND s.readmission_of IS NOT "
              "NULL WHERE e.kind IN ('encounter.admitted', 'encounter.discharged') AND "
              "e.occurred_at >= ? AND e.patient_id IN " +
                  patients,
              After(now - R.horizon)));
  for (const db::Row& r : events) {
    bool admitted = r.Text(0) == "encounter.admitted";
    if (!r.IsNull(6) && (r.Text(6) == "cancelled" || r.Text(6) == "entered_in_error")) continue;
    if (!admitted && !r.IsNull(2) && !r.IsNull(6) && r.IsNull(7)) continue;  // discharge undone
    Item it;
    it.kind = admitted ? "admitted" : "discharged";
    it.patient_id = r.Int(1);
    it.encounter_id = r.OptInt(2);
    it.due_at = r.Int(3);
    std::string where = r.IsNull(4) ? "" : " " + r.Text(4);
    std::string klass = r.IsNull(5) ? "" : r.Text(5);
    if (klass == "emergency")
      it.title = admitted ? "ED visit at" + where : "Discharged from the ED at" + where;
    else if (klass == "observation")
      it.title =
          admitted ? "Observation stay at" + where : "Discharged from observation at" + where;
    else
      it.title = admitted ? "Admitted to" + where : "Discharged from" + where;
    if (where.empty()) it.title = admitted ? "Admitted" : "Discharged";
    it.score = R.weight.at(it.kind);
    it.reasons.push_back((admitted ? "admitted " : "discharged ") + Hours(now - r.Int(3)) + " ago");
    if (admitted && !r.IsNull(8)) {
      bool counted = r.Int(9) != 0;
      if (counted) it.score += R.readmission_bonus;
      it.reasons.push_back(std::string(counted ? "readmission" : "planned readmission") + " " +
                           std::to_string(r.Int(8)) + " days after the last discharge");
    }
    items.push_back(std::move(it));
  }

  // Discharge plans due today or tomorrow (or past, the patient still in)
  // whose checklist is not ready.
  {
    const Date local_today = tz_ ? tz_->LocalDate(now) : DateOf(now);
    const std::string tomorrow =
        FormatDate(Date(std::chrono::sys_days{local_today} + std::chrono::days{1}));
    CK_ASSIGN_OR_RETURN(
        auto plans,
        c.Query("SELECT p.id, p.patient_id, p.case_id, p.encounter_id, p.expected_discharge_date, "
                "n.facility, (SELECT COUNT(*) FROM discharge_plan_items i WHERE i.plan_id = "
                "p.id AND i.status IN ('pending', 'in_progress')), (SELECT COUNT(*) FROM "
                "discharge_plan_items i WHERE i.plan_id = p.id) FROM discharge_plans p JOIN "
                "encounters n ON n.id = p.encounter_id WHERE p.expected_discharge_date <= ? AND "
                "n.status = 'in_progress' AND n.discharged_at IS NULL AND p.patient_id IN " +
                    patients,
                After(tomorrow)));
    const std::string today = FormatDate(local_today);
    for (const db::Row& r : plans) {
      int64_t missing = r.Int(6), total = r.Int(7);
      if (missing == 0) continue;
      Item it;
      it.kind = "discharge_plan_due";
      it.discharge_plan_id = r.Int(0);
      it.patient_id = r.Int(1);
      it.case_id = r.OptInt(2);
      it.encounter_id = r.Int(3);
      it.title = "Discharge plan not ready: " + r.Text(5);
      it.score = R.weight.at(it.kind);
      const std::string& expected = r.Text(4);
      it.state = StateOf({expected == today ? "today" : expected < today ? "late" : "tomorrow"});
      it.reasons.push_back(expected == today  ? "discharge expected today"
                           : expected < today ? "discharge was expected " + expected
                                              : "discharge expected tomorrow");
      it.reasons.push_back(std::to_string(missing) + " of " + std::to_string(total) +
                           " checklist items open");
      items.push_back(std::move(it));
    }
  }

  // New referrals awaiting triage: assigned to the users, and (team view) unassigned.
  std::string referral_sql =
      "SELECT id, patient_id, referral_reason, triage_due_at, urgency, assigned_user_id FROM "
      "cases WHERE status = 'referred' AND (assigned_user_id IN " +
      in + (unassigned_referrals ? " OR assigned_user_id IS NULL" : "") + ")";
  CK_ASSIGN_OR_RETURN(auto referrals, c.Query(referral_sql, u));
  for (const db::Row& r : referrals) {
    Item it;
    it.kind = "new_referral";
    it.case_id = r.Int(0);
    it.patient_id = r.Int(1);
    it.title = r.Text(2);
    it.due_at = r.Int(3);
    it.owner_user_id = r.OptInt(5);
    it.state = StateOf({r.Int(3) < now ? "overdue" : "due", r.Text(4)}, it.owner_user_id);
    it.score = R.weight.at(it.kind);
    if (r.Int(3) < now) {
      it.score += R.triage_overdue_bonus;
      it.reasons.push_back("triage overdue by " + Hours(now - r.Int(3)));
    } else {
      it.reasons.push_back("triage due in " + Hours(r.Int(3) - now));
    }
    if (r.Text(4) != "routine") it.reasons.push_back(r.Text(4) + " referral");
    if (!it.owner_user_id) it.reasons.push_back("not assigned yet");
    items.push_back(std::move(it));
  }

  // High-risk patients not reached lately.
  CK_ASSIGN_OR_RETURN(
      auto quiet,
      c.Query("SELECT r.patient_id, r.tier, (SELECT MAX(x.contact_at) FROM case_contacts x "
              "WHERE x.patient_id = r.patient_id AND x.outcome = 'reached'), (SELECT MAX(k.id) "
              "FROM cases k WHERE k.patient_id = r.patient_id AND k.status <> 'closed') FROM "
              "patient_risk r WHERE r.tier <= 2 AND r.patient_id IN " +
                  patients,
              u));
  for (const db::Row& r : quiet) {
    // Outreach is the work of an open case; a closed one's patient is not on it.
    if (r.IsNull(3)) continue;
    int tier = static_cast<int>(r.Int(1));
    auto days = R.no_contact_days.find(tier);
    if (days == R.no_contact_days.end()) continue;
    Timestamp limit_ms = static_cast<Timestamp>(days->second) * kMillisPerDay;
    std::optional<Timestamp> last = r.OptInt(2);
    if (last && now - *last < limit_ms) continue;
    Item it;
    it.kind = "no_recent_contact";
    it.patient_id = r.Int(0);
    it.case_id = r.OptInt(3);
    it.title = "High-risk patient not reached lately";
    it.due_at = last;
    it.score = R.weight.at(it.kind);
    it.reasons.push_back(last ? "no contact reached in " + Hours(now - *last) : "never reached");
    items.push_back(std::move(it));
  }

  // Care plan reviews due, and goals past their target date.
  CK_ASSIGN_OR_RETURN(
      auto reviews,
      c.Query("SELECT id, case_id, patient_id, title, next_review_due FROM care_plans WHERE "
              "status = 'active' AND next_review_due < ? AND patient_id IN " +
                  patients,
              After(now + R.horizon)));
  for (const db::Row& r : reviews) {
    Item it;
    it.kind = "care_plan_review_due";
    it.care_plan_id = r.Int(0);
    it.case_id = r.Int(1);
    it.patient_id = r.Int(2);
    it.title = "Review the care plan: " + r.Text(3);
    it.due_at = r.Int(4);
    it.state = StateOf({r.Int(4) < now ? "overdue" : "due"});
    it.score = R.weight.at(it.kind);
    it.reasons.push_back(r.Int(4) < now ? "review overdue by " + Hours(now - r.Int(4))
                                        : "review due in " + Hours(r.Int(4) - now));
    items.push_back(std::move(it));
  }
  std::string today = FormatDate(DateOf(now));
  CK_ASSIGN_OR_RETURN(
      auto goals,
      c.Query("SELECT g.id, g.care_plan_id, g.patient_id, g.description, g.target_date, "
              "p.case_id FROM care_plan_goals g JOIN care_plans p ON p.id = g.care_plan_id "
              "WHERE g.status IN ('proposed', 'active') AND g.target_date < ? AND p.status IN "
              "('draft', 'active') AND g.patient_id IN " +
                  patients,
              After(today)));
  for (const db::Row& r : goals) {
    Item it;
    it.kind = "goal_past_target";
    it.goal_id = r.Int(0);
    it.care_plan_id = r.Int(1);
    it.patient_id = r.Int(2);
    it.case_id = r.Int(5);
    it.title = "Goal past its target date: " + r.Text(3);
    it.score = R.weight.at(it.kind);
    it.reasons.push_back("target date " + r.Text(4) + " passed");
    items.push_back(std::move(it));
  }

  // Insurance: payer decisions due, denials and appeals near their deadlines,
  // approvals ending.
  // One pass over the patients' live authorizations (an index lookup per
  // patient), classified here: decisions due, denials near their appeal
  // deadline with no appeal, approvals ending.
  const Timestamp appeal_soon = now + R.appeal_horizon_days * kMillisPerDay;
  const std::string ending_by = FormatDate(DateOf(now + R.expiring_horizon_days * kMillisPerDay));
  CK_ASSIGN_OR_RETURN(
      auto auths,
      c.Query("SELECT a.id, a.case_id, a.patient_id, a.payer, a.status, a.urgency, "
              "a.decision_due_at, a.appeal_deadline, a.approved_to, CASE WHEN a.status IN "
              "('denied', 'partially_approved') AND a.appeal_deadline < ? AND "
              "a.appeal_deadline > ? AND NOT EXISTS (SELECT 1 FROM appeals p WHERE "
              "p.authorization_id = a.id) THEN 1 ELSE 0 END FROM prior_authorizations a WHERE "
              "a.status IN ('submitted', 'pended', 'denied', 'partially_approved', 'approved') "
              "AND a.patient_id IN " +
                  patients,
              [&] {
                db::Params p{appeal_soon, now};
                p.insert(p.end(), u.begin(), u.end());
                return p;
              }()));
  for (const db::Row& r : auths) {
    const std::string& status = r.Text(4);
    Item it;
    it.authorization_id = r.Int(0);
    it.case_id = r.OptInt(1);
    it.patient_id = r.Int(2);
    std::string which = "authorization " + std::to_string(r.Int(0)) + " (" + r.Text(3) + ")";
    bool waiting = status == "submitted" || status == "pended";
    if (waiting && !r.IsNull(6) && r.Int(6) < now + R.decision_horizon) {
      it.kind = "authorization_decision_due";
      it.due_at = r.Int(6);
      it.title = "Payer decision on " + which;
      it.state = StateOf({r.Int(6) < now ? "overdue" : "due"});
      it.score = R.weight.at(it.kind);
      if (r.Int(6) < now) {
        it.score += R.overdue_decision_bonus;
        it.reasons.push_back("payer decision overdue by " + Hours(now - r.Int(6)));
      } else {
        it.reasons.push_back("payer decision due in " + Hours(r.Int(6) - now));
      }
      if (r.Text(5) == "expedited") it.reasons.push_back("expedited request");
      items.push_back(std::move(it));
    } else if (r.Int(9) != 0) {
      it.kind = "appeal_deadline";
      it.due_at = r.Int(7);
      it.title = "Appeal the denial of " + which;
      it.score = R.weight.at(it.kind);
      it.reasons.push_back("denied, no appeal yet; filing deadline in " + Hours(r.Int(7) - now));
      items.push_back(std::move(it));
    } else if ((status == "approved" || status == "partially_approved") && !r.IsNull(8) &&
               r.Text(8) <= ending_by) {
      it.kind = "authorization_expiring";
      it.title = "Approval ending: " + which;
      it.score = R.weight.at(it.kind);
      it.reasons.push_back("approved through " + r.Text(8));
      items.push_back(std::move(it));
    }
  }
  CK_ASSIGN_OR_RETURN(
      auto appeals,
      c.Query("SELECT p.id, a.case_id, p.patient_id, p.level_name, p.status, "
              "p.filing_deadline, p.decision_due_at FROM appeals p LEFT JOIN "
              "prior_authorizations a ON a.id = p.authorization_id WHERE ((p.status = 'draft' "
              "AND p.filing_deadline < ?) OR (p.status = 'filed' AND p.decision_due_at < ?)) "
              "AND p.patient_id IN " +
                  patients,
              [&] {
                db::Params p{appeal_soon, now};
                p.insert(p.end(), u.begin(), u.end());
                return p;
              }()));
  for (const db::Row& r : appeals) {
    Item it;
    it.kind = "appeal_deadline";
    it.appeal_id = r.Int(0);
    it.case_id = r.OptInt(1);
    it.patient_id = r.Int(2);
    it.score = R.weight.at(it.kind);
    if (r.Text(4) == "draft") {
      it.due_at = r.Int(5);
      it.state = StateOf({r.Int(5) < now ? "draft_late" : "draft"});
      it.title = "File the appeal: " + r.Text(3);
      if (r.Int(5) < now) {
        it.score += R.overdue_decision_bonus;
        it.reasons.push_back("filing deadline passed " + Hours(now - r.Int(5)) +
                             " ago: file with good cause");
      } else {
        it.reasons.push_back("filing deadline in " + Hours(r.Int(5) - now));
      }
    } else {
      it.due_at = r.Int(6);
      it.state = StateOf({"filed"});
      it.title = "Chase the payer: " + r.Text(3) + " decision";
      it.score += R.overdue_decision_bonus;
      it.reasons.push_back("payer's appeal decision overdue by " + Hours(now - r.Int(6)));
    }
    items.push_back(std::move(it));
  }
  // Community referrals the organisation has not answered in time.
  CK_ASSIGN_OR_RETURN(
      auto unanswered,
      c.Query("SELECT f.id, f.case_id, f.patient_id, r.organization, r.service, "
              "f.answer_due_at FROM resource_referrals f JOIN community_resources r ON r.id = "
              "f.resource_id WHERE f.status = 'sent' AND f.answer_due_at < ? AND f.patient_id "
              "IN " +
                  patients,
              After(now)));
  for (const db::Row& r : unanswered) {
    Item it;
    it.kind = "referral_unanswered";
    it.referral_id = r.Int(0);
    it.case_id = r.Int(1);
    it.patient_id = r.Int(2);
    it.due_at = r.Int(5);
    it.title = "No answer from " + r.Text(3) + " (" + r.Text(4) + ")";
    it.score = R.weight.at(it.kind);
    it.reasons.push_back("referral unanswered; the answer was due " + Hours(now - r.Int(5)) +
                         " ago");
    items.push_back(std::move(it));
  }
  return Status::Ok();
}

Result<List> Worklist::Build(const auth::Actor& actor, const Scope& scope, int limit,
                             bool include_snoozed) {
  const Timestamp now = clock_.Now();
  const RankingRules& R = rules_;
  List list;
  std::vector<Item>& items = list.items;
  if (scope.users.empty()) return list;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    list.snoozed = 0;
    CK_RETURN_IF_ERROR(Collect(c, scope, items));
    CK_RETURN_IF_ERROR(ApplySnoozes(c, items, include_snoozed, list.snoozed));
    // The patients' tiers: the same work ranks higher for a higher-risk patient.
    std::vector<int64_t> ids;
    for (const Item& it : items) ids.push_back(it.patient_id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::unordered_map<int64_t, int> tiers;
    for (size_t start = 0; start < ids.size(); start += 500) {
      size_t n = std::min<size_t>(500, ids.size() - start);
      db::Params p(ids.begin() + static_cast<long>(start),
                   ids.begin() + static_cast<long>(start + n));
      CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT patient_id, tier FROM patient_risk WHERE "
                                             "patient_id IN " +
                                                 InList(n),
                                             p));
      for (const db::Row& r : rows) tiers[r.Int(0)] = static_cast<int>(r.Int(1));
    }
    for (Item& it : items) {
      auto t = tiers.find(it.patient_id);
      if (t == tiers.end()) continue;
      auto bonus = R.tier_bonus.find(t->second);
      if (bonus == R.tier_bonus.end()) continue;
      it.score += bonus->second;
      it.reasons.push_back("risk tier " + std::to_string(t->second));
    }
    return Status::Ok();
  }));
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.score != b.score) return a.score > b.score;
    Timestamp ad = a.due_at.value_or(INT64_MAX), bd = b.due_at.value_or(INT64_MAX);
    if (ad != bd) return ad < bd;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.patient_id < b.patient_id;
  });
  if (static_cast<int>(items.size()) > limit) items.resize(static_cast<size_t>(limit));
  // Each patient disclosed is audited once.
  std::vector<int64_t> shown;
  for (const Item& it : items) shown.push_back(it.patient_id);
  std::sort(shown.begin(), shown.end());
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    // Names for the screen, read with the audit records of their disclosure.
    CK_ASSIGN_OR_RETURN(auto names, patients::ScreenNames(c, shown));
    for (Item& it : items) it.patient_name = names[it.patient_id];
    audit::Batch batch;
    for (int64_t p : shown)
      CK_RETURN_IF_ERROR(
          batch.Add(audit::EventBy(actor, now, "worklist.read", "patient", std::to_string(p), p)));
    return batch.Flush(c);
  }));
  return list;
}

}  // namespace ck::worklist
