#include "supervision/supervision.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <unordered_map>

#include "audit/trail.h"
#include "auth/authorizer.h"
#include "cases/store.h"
#include "patients/store.h"

namespace ck::supervision {
namespace {

constexpr const char* kCoverageColumns =
    "SELECT v.id, v.team_id, v.absent_user_id, a.display_name, v.covering_user_id, "
    "c.display_name, v.starts_at, v.ends_at, v.reason, v.created_by, v.created_at, v.ended_at, "
    "v.ended_by, v.end_reason FROM caseload_coverages v JOIN users a ON a.id = v.absent_user_id "
    "JOIN users c ON c.id = v.covering_user_id ";

Coverage CoverageFrom(const db::Row& r, Timestamp now) {
  Coverage v;
  v.id = r.Int(0);
  v.team_id = r.Int(1);
  v.absent_user_id = r.Int(2);
  v.absent_name = r.Text(3);
  v.covering_user_id = r.Int(4);
  v.covering_name = r.Text(5);
  v.starts_at = r.Int(6);
  v.ends_at = r.Int(7);
  v.reason = r.Text(8);
  v.created_by = r.Int(9);
  v.created_at = r.Int(10);
  v.ended_at = r.OptInt(11);
  v.ended_by = r.OptInt(12);
  v.end_reason = r.OptText(13);
  if (v.ended_at || now >= v.ends_at)
    v.state = "ended";
  else if (now < v.starts_at)
    v.state = "scheduled";
  else
    v.state = "in_force";
  return v;
}

Result<Coverage> LoadCoverage(db::Connection& c, int64_t id, Timestamp now) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kCoverageColumns) + "WHERE v.id = ?", {id}));
  if (rows.empty()) return NotFound("no coverage with id " + std::to_string(id));
  return CoverageFrom(rows.at(0), now);
}

Status RequireSupervisorWithTeam(const auth::Principal& who) {
  CK_RETURN_IF_ERROR(auth::Authorizer::Require(who, auth::Permission::kManageCareTeam));
  if (!who.team_id) return PermissionDenied("a supervisor manages their own team; join one first");
  return Status::Ok();
}

struct TeamMember {
  int64_t id = 0;
  std::string role, display_name;
  bool active = false;
  std::optional<int64_t> team_id;
};

Result<TeamMember> UserOf(db::Connection& c, int64_t id, const char* field) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT role, display_name, active, team_id FROM users WHERE id = ?", {id}));
  if (rows.empty()) return InvalidArgument("no such user", field);
  return TeamMember{id, rows.at(0).Text(0), rows.at(0).Text(1), rows.at(0).Int(2) != 0,
                    rows.at(0).OptInt(3)};
}

std::string Day(const TimeZone& tz, Timestamp t) { return FormatDate(tz.LocalDate(t)); }

// Users (by id) currently away with their caseload covered.
Result<std::map<int64_t, std::string>> AbsentNow(db::Connection& c, int64_t team_id,
                                                 Timestamp now) {
  std::map<int64_t, std::string> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(std::string(kCoverageColumns) +
                                      "WHERE v.team_id = ? AND v.ended_at IS NULL AND "
                                      "v.starts_at <= ? AND v.ends_at > ?",
                                  {team_id, now, now}, [&](const db::Row& r) {
                                    out[r.Int(2)] = r.Text(5);
                                    return Status::Ok();
                                  }));
  return out;
}

}  // namespace

Result<std::vector<std::pair<std::string, int>>> ParseAssessmentRules(std::string_view text,
                                                                      std::string_view field) {
  std::vector<std::pair<std::string, int>> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      size_t colon = item.find(':');
      int days = 0;
      std::string_view number = colon == std::string_view::npos ? "" : item.substr(colon + 1);
      auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), days);
      if (colon == 0 || colon == std::string_view::npos || ec != std::errc() ||
          end != number.data() + number.size() || days < 1 || days > 3660)
        return InvalidArgument("give instrument:days pairs, e.g. phq9:365,ahc-hrsn:365",
                               std::string(field));
      out.emplace_back(std::string(item.substr(0, colon)), days);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

const std::vector<std::pair<std::string, std::string>>& ComplianceRuleCatalog() {
  static const std::vector<std::pair<std::string, std::string>> kRules = {
      {"note_signed", "a note signed within the hours allowed after each reached contact"},
      {"care_plan_review", "active care plans reviewed by their review date"},
      {"consent_on_file", "a current consent to case management once past screening"},
      {"assessments_current", "the configured assessments completed within their interval"}};
  return kRules;
}

int MemberCompliance::checked() const {
  int n = 0;
  for (const RuleTally& r : rules) n += r.checked;
  return n;
}

int MemberCompliance::met() const {
  int n = 0;
  for (const RuleTally& r : rules) n += r.met;
  return n;
}

Status Supervision::ComplianceOf(db::Connection& c, Timestamp as_of, MemberCompliance& m) {
  const ComplianceRules& R = rules_;
  const int64_t user = m.user_id;
  m.rules.clear();
  m.findings.clear();

  // Notes signed within N hours of each reached contact the case manager had.
  {
    RuleTally t{"note_signed", 0, 0};
    const Timestamp window = static_cast<Timestamp>(R.note_sign_hours) * kMillisPerHour;
    const Timestamp since = as_of - static_cast<Timestamp>(R.lookback_days) * kMillisPerDay;
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT x.case_id, x.patient_id, x.contact_at, CASE WHEN EXISTS (SELECT 1 FROM case_notes "
        "n WHERE n.case_id = x.case_id AND n.status = 'signed' AND n.signed_at >= x.contact_at AND "
        "n.signed_at <= x.contact_at + ?) THEN 1 ELSE 0 END FROM case_contacts x WHERE "
        "x.recorded_by = ? AND x.outcome = 'reached' AND x.contact_at >= ? AND x.contact_at <= ? "
        "ORDER BY x.contact_at",
        {window, user, since, as_of - window}, [&](const db::Row& r) {
          ++t.checked;
          if (r.Int(3)) {
            ++t.met;
          } else {
            m.findings.push_back({"note_signed", r.Int(0), r.Int(1), "",
                                  "contact on " + Day(tz_, r.Int(2)) + " without a note signed " +
                                      "within " + std::to_string(R.note_sign_hours) + " h",
                                  r.Int(2) + window});
          }
          return Status::Ok();
        }));
    m.rules.push_back(t);
  }

  // Active care plans reviewed on schedule.
  {
    RuleTally t{"care_plan_review", 0, 0};
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT p.case_id, p.patient_id, p.next_review_due FROM care_plans p JOIN cases k ON k.id "
        "= p.case_id WHERE k.assigned_user_id = ? AND k.status <> 'closed' AND p.status = "
        "'active' ORDER BY p.next_review_due",
        {user}, [&](const db::Row& r) {
          ++t.checked;
          if (r.Int(2) >= as_of) {
            ++t.met;
          } else {
            m.findings.push_back({"care_plan_review", r.Int(0), r.Int(1), "",
                                  "care plan review overdue since " + Day(tz_, r.Int(2)),
                                  r.Int(2)});
          }
          return Status::Ok();
        }));
    m.rules.push_back(t);
  }

  // A current consent to case management once the case is past screening.
  {
    RuleTally t{"consent_on_file", 0, 0};
    const std::string today = FormatDate(tz_.LocalDate(as_of));
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT k.id, k.patient_id, CASE WHEN EXISTS (SELECT 1 FROM consents s WHERE s.patient_id "
        "= k.patient_id AND s.kind = 'case_management' AND s.granted_on <= ? AND (s.revoked_at IS "
        "NULL OR s.revoked_at > ?) AND (s.expires_on IS NULL OR s.expires_on >= ?)) THEN 1 ELSE 0 "
        "END FROM cases k WHERE k.assigned_user_id = ? AND k.status IN ('assessment', "
        "'planning', 'active', 'transition') ORDER BY k.id",
        {today, as_of, today, user}, [&](const db::Row& r) {
          ++t.checked;
          if (r.Int(2)) {
            ++t.met;
          } else {
            m.findings.push_back({"consent_on_file", r.Int(0), r.Int(1), "",
                                  "no current consent to case management on file", std::nullopt});
          }
          return Status::Ok();
        }));
    m.rules.push_back(t);
  }

  // Assessments kept current on established cases.
  {
    RuleTally t{"assessments_current", 0, 0};
    const Timestamp established =
        as_of - static_cast<Timestamp>(R.assessment_grace_days) * kMillisPerDay;
    for (const auto& [instrument, days] : R.assessments) {
      const Timestamp interval = static_cast<Timestamp>(days) * kMillisPerDay;
      // The instrument's title as its definition gives it (its id if never loaded).
      CK_ASSIGN_OR_RETURN(auto titled, c.Query("SELECT title FROM instrument_definitions WHERE "
                                               "instrument_id = ? ORDER BY first_loaded_at DESC "
                                               "LIMIT 1",
                                               {instrument}));
      const std::string title = titled.empty() ? instrument : titled.at(0).Text(0);
      CK_RETURN_IF_ERROR(c.ForEachRow(
          "SELECT k.id, k.patient_id, k.referred_at, (SELECT MAX(a.completed_at) FROM assessments "
          "a WHERE a.patient_id = k.patient_id AND a.instrument_id = ? AND a.status = "
          "'completed' AND a.completed_at <= ?) FROM cases k WHERE k.assigned_user_id = ? AND "
          "k.status IN ('assessment', 'planning', 'active', 'transition') AND k.referred_at <= ? "
          "ORDER BY k.id",
          {instrument, as_of, user, established}, [&](const db::Row& r) {
            ++t.checked;
            std::optional<int64_t> last = r.OptInt(3);
            if (last && *last > as_of - interval) {
              ++t.met;
              return Status::Ok();
            }
            std::string detail =
                title + " due: " + (last ? "last completed " + Day(tz_, *last) : "never completed");
            Timestamp due =
                last ? *last + interval
                     : r.Int(2) + static_cast<Timestamp>(R.assessment_grace_days) * kMillisPerDay;
            m.findings.push_back({"assessments_current", r.Int(0), r.Int(1), "", detail, due});
            return Status::Ok();
          }));
    }
    m.rules.push_back(t);
  }
  std::stable_sort(m.findings.begin(), m.findings.end(), [](const Finding& a, const Finding& b) {
    return a.due_at.value_or(0) < b.due_at.value_or(0);
  });
  return Status::Ok();
}

Result<ComplianceReport> Supervision::Compliance(const auth::Principal& who,
                                                 const auth::Actor& actor, Timestamp as_of,
                                                 std::optional<int64_t> user_id) {
  const Timestamp now = clock_.Now();
  std::vector<MemberCompliance> members;
  if (who.role == auth::Role::kCaseManager) {
    if (user_id && *user_id != who.user_id)
      return PermissionDenied("a case manager sees their own documentation compliance");
    user_id = who.user_id;
  } else {
    CK_RETURN_IF_ERROR(RequireSupervisorWithTeam(who));
  }
  ComplianceReport report;
  report.as_of = as_of;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    members.clear();
    if (who.role == auth::Role::kCaseManager) {
      CK_ASSIGN_OR_RETURN(TeamMember me, UserOf(c, who.user_id, "user_id"));
      members.push_back({who.user_id, me.display_name, {}, {}});
    } else {
      CK_RETURN_IF_ERROR(c.ForEachRow(
          "SELECT id, display_name FROM users WHERE team_id = ? AND role = 'case_manager' AND "
          "active = 1 ORDER BY display_name, id",
          {*who.team_id}, [&](const db::Row& r) {
            if (!user_id || *user_id == r.Int(0)) members.push_back({r.Int(0), r.Text(1), {}, {}});
            return Status::Ok();
          }));
      if (user_id && members.empty())
        return PermissionDenied("supervisors see their own team's case managers only");
    }
    for (MemberCompliance& m : members) CK_RETURN_IF_ERROR(ComplianceOf(c, as_of, m));
    return Status::Ok();
  }));
  // Names for the screen, read with the audit records of their disclosure.
  std::set<int64_t> shown;
  for (const MemberCompliance& m : members)
    for (const Finding& f : m.findings) shown.insert(f.patient_id);
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    std::vector<int64_t> ids(shown.begin(), shown.end());
    CK_ASSIGN_OR_RETURN(auto names, patients::ScreenNames(c, ids));
    for (MemberCompliance& m : members)
      for (Finding& f : m.findings) f.patient_name = names[f.patient_id];
    audit::Batch batch;
    CK_RETURN_IF_ERROR(batch.Add(audit::EventBy(
        actor, now, "supervision.compliance", "team", std::to_string(who.team_id.value_or(0)),
        std::nullopt,
        "as of " + FormatTimestamp(as_of) + ", " + std::to_string(members.size()) + " members")));
    for (int64_t p : ids)
      CK_RETURN_IF_ERROR(batch.Add(
          audit::EventBy(actor, now, "supervision.compliance", "patient", std::to_string(p), p)));
    return batch.Flush(c);
  }));
  report.members = std::move(members);
  return report;
}

Result<std::vector<MemberLine>> Supervision::Team(const auth::Principal& who,
                                                  const auth::Actor& actor, Date from, Date to) {
  CK_RETURN_IF_ERROR(RequireSupervisorWithTeam(who));
  if (to < from) return InvalidArgument("must not be before from", "to");
  const Timestamp now = clock_.Now();
  const Timestamp start = tz_.FromLocal(from, 0);
  const Timestamp end = std::min(now, tz_.EndOfLocalDay(to));
  const double months =
      static_cast<double>((std::chrono::sys_days(to) - std::chrono::sys_days(from)).count() + 1) /
      30.4375;
  const int64_t team = *who.team_id;
  std::vector<MemberLine> lines;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    lines.clear();
    CK_ASSIGN_OR_RETURN(auto loads, cases::Caseloads(c, team));
    std::unordered_map<int64_t, size_t> at;
    for (const cases::CaseloadLine& l : loads) {
      at[l.user_id] = lines.size();
      MemberLine m;
      m.user_id = l.user_id;
      m.username = l.username;
      m.display_name = l.display_name;
      m.open_cases = l.open_cases;
      m.weighted_load = l.weighted_load;
      lines.push_back(std::move(m));
    }
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT t.owner_user_id, COUNT(*) FROM tasks t JOIN users u ON u.id = t.owner_user_id "
        "WHERE u.team_id = ? AND t.status IN ('open', 'in_progress') AND t.due_at < ? GROUP BY "
        "t.owner_user_id",
        {team, now}, [&](const db::Row& r) {
          auto it = at.find(r.Int(0));
          if (it != at.end()) lines[it->second].overdue_tasks = static_cast<int>(r.Int(1));
          return Status::Ok();
        }));
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT k.assigned_user_id, COUNT(*) FROM case_contacts x JOIN cases k ON k.id = "
        "x.case_id JOIN users u ON u.id = k.assigned_user_id WHERE u.team_id = ? AND "
        "x.contact_at >= ? AND x.contact_at <= ? GROUP BY k.assigned_user_id",
        {team, start, end}, [&](const db::Row& r) {
          auto it = at.find(r.Int(0));
          if (it != at.end()) lines[it->second].contacts = static_cast<int>(r.Int(1));
          return Status::Ok();
        }));
    CK_RETURN_IF_ERROR(c.ForEachRow(std::string(kCoverageColumns) +
                                        "WHERE v.team_id = ? AND v.ended_at IS NULL AND "
                                        "v.starts_at <= ? AND v.ends_at > ? ORDER BY v.id",
                                    {team, now, now}, [&](const db::Row& r) {
                                      Coverage v = CoverageFrom(r, now);
                                      auto a = at.find(v.absent_user_id);
                                      if (a != at.end())
                                        lines[a->second].covered_by = v.covering_name;
                                      auto b = at.find(v.covering_user_id);
                                      if (b != at.end())
                                        lines[b->second].covering_for.push_back(v.absent_name);
                                      return Status::Ok();
                                    }));
    for (MemberLine& m : lines) {
      if (m.open_cases > 0 && months > 0)
        m.contacts_per_case_month = m.contacts / static_cast<double>(m.open_cases) / months;
      MemberCompliance mc{m.user_id, m.display_name, {}, {}};
      CK_RETURN_IF_ERROR(ComplianceOf(c, end, mc));
      m.compliance_checked = mc.checked();
      m.compliance_met = mc.met();
    }
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_, audit::EventBy(actor, now, "supervision.team", "team", std::to_string(team),
                          std::nullopt, FormatDate(from) + " to " + FormatDate(to))));
  return lines;
}

Result<Proposal> Supervision::Propose(const auth::Principal& who, const auth::Actor& actor,
                                      const ProposalRequest& request) {
  CK_RETURN_IF_ERROR(RequireSupervisorWithTeam(who));
  if (!request.from_user_id && request.case_ids.empty())
    return InvalidArgument("name the case manager whose cases move, or the cases", "from_user_id");
  if (request.case_ids.size() > 2000) return InvalidArgument("at most 2000 cases", "case_ids");
  if (request.max_weighted_load && *request.max_weighted_load < 1)
    return InvalidArgument("must be at least 1", "max_weighted_load");
  const Timestamp now = clock_.Now();
  const int64_t team = *who.team_id;
  struct Movable {
    int64_t case_id, patient_id;
    std::optional<std::string> acuity;
    std::optional<int64_t> from;
    int weight;
  };
  auto WeightOf = [](const std::optional<std::string>& acuity) {
    if (!acuity) return 2;
    if (*acuity == "low") return 1;
    if (*acuity == "high") return 3;
    if (*acuity == "very_high") return 4;
    return 2;
  };
  Proposal out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out = Proposal{};
    std::vector<Movable> cases;
    std::set<int64_t> seen;
    auto Add = [&](const db::Row& r) {
      if (seen.insert(r.Int(0)).second)
        cases.push_back({r.Int(0), r.Int(1), r.OptText(2), r.OptInt(3), WeightOf(r.OptText(2))});
    };
    if (request.from_user_id) {
      CK_ASSIGN_OR_RETURN(TeamMember from, UserOf(c, *request.from_user_id, "from_user_id"));
      if (from.team_id != team)
        return PermissionDenied("supervisors reassign their own team's caseloads only");
      CK_RETURN_IF_ERROR(c.ForEachRow(
          "SELECT id, patient_id, acuity, assigned_user_id FROM cases WHERE assigned_user_id = ? "
          "AND status <> 'closed' ORDER BY id",
          {*request.from_user_id}, [&](const db::Row& r) {
            Add(r);
            return Status::Ok();
          }));
    }
    for (size_t i = 0; i < request.case_ids.size(); ++i) {
      const std::string field = "case_ids[" + std::to_string(i) + "]";
      CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT k.id, k.patient_id, k.acuity, "
                                             "k.assigned_user_id, k.status, u.team_id FROM cases "
                                             "k LEFT JOIN users u ON u.id = k.assigned_user_id "
                                             "WHERE k.id = ?",
                                             {request.case_ids[i]}));
      if (rows.empty()) return InvalidArgument("no such case", field);
      const db::Row& r = rows.at(0);
      if (r.Text(4) == "closed") return InvalidArgument("the case is closed", field);
      if (r.IsNull(3) ? r.Text(4) != "referred" : r.OptInt(5) != team)
        return InvalidArgument("not on your team's caseload nor an unassigned referral", field);
      Add(r);
    }
    // Candidates: the team's active case managers, not leaving, not excluded, not away.
    CK_ASSIGN_OR_RETURN(auto loads, cases::Caseloads(c, team));
    CK_ASSIGN_OR_RETURN(auto away, AbsentNow(c, team, now));
    std::set<int64_t> excluded(request.exclude_user_ids.begin(), request.exclude_user_ids.end());
    if (request.from_user_id) excluded.insert(*request.from_user_id);
    std::map<int64_t, LoadChange> change;
    std::vector<int64_t> candidates;
    for (const cases::CaseloadLine& l : loads) {
      change[l.user_id] = {l.user_id,    l.display_name,  l.open_cases,
                           l.open_cases, l.weighted_load, l.weighted_load};
      if (!excluded.count(l.user_id) && !away.count(l.user_id)) candidates.push_back(l.user_id);
    }
    for (const Movable& m : cases) {
      if (!m.from) continue;
      auto it = change.find(*m.from);
      if (it == change.end()) continue;
      it->second.open_after -= 1;
      it->second.load_after -= m.weight;
    }
    // A patient's cases stay together; the heaviest go first (longest
    // processing time first balances best among the simple rules).
    std::map<int64_t, std::vector<const Movable*>> by_patient;
    for (const Movable& m : cases) by_patient[m.patient_id].push_back(&m);
    std::vector<std::pair<int, int64_t>> order;
    for (const auto& [patient, list] : by_patient) {
      int w = 0;
      for (const Movable* m : list) w += m->weight;
      order.emplace_back(-w, patient);
    }
    std::sort(order.begin(), order.end());
    for (const auto& [negative_weight, patient] : order) {
      const int w = -negative_weight;
      const auto& list = by_patient[patient];
      // Never the person who holds one of these cases now (that is no move).
      const auto holds = [&](int64_t u) {
        return std::any_of(list.begin(), list.end(),
                           [&](const Movable* m) { return m->from == u; });
      };
      const auto fits = [&](int64_t u) {
        return !holds(u) && (!request.max_weighted_load ||
                             change[u].load_after + w <= *request.max_weighted_load);
      };
      std::optional<int64_t> best;
      for (int64_t u : candidates) {
        if (!fits(u)) continue;
        if (!best) {
          best = u;
          continue;
        }
        const LoadChange &a = change[u], &b = change[*best];
        if (std::tie(a.load_after, a.open_after, u) < std::tie(b.load_after, b.open_after, *best))
          best = u;
      }
      if (!best) {
        for (const Movable* m : list)
          out.unplaced.push_back(
              {m->case_id, m->patient_id, m->acuity, m->weight, m->from, 0, "",
               !request.max_weighted_load
                   ? "no other case manager of the team is available"
                   : "every available case manager would pass the maximum load of " +
                         std::to_string(*request.max_weighted_load)});
        continue;
      }
      std::string why = "lowest acuity-weighted load";
      // Someone already on the patient's care team, if the load stays close.
      CK_ASSIGN_OR_RETURN(auto members, c.Query("SELECT user_id FROM care_team_members WHERE "
                                                "patient_id = ? AND removed_at IS NULL ORDER BY "
                                                "user_id",
                                                {patient}));
      for (const db::Row& r : members) {
        int64_t u = r.Int(0);
        if (u == *best || !fits(u) ||
            std::find(candidates.begin(), candidates.end(), u) == candidates.end())
          continue;
        if (change[u].load_after <= change[*best].load_after + 4) {
          best = u;
          why = "already on the patient's care team";
          break;
        }
      }
      LoadChange& target = change[*best];
      why += " (load " + std::to_string(target.load_after) + " → " +
             std::to_string(target.load_after + w) + ")";
      for (const Movable* m : list) {
        out.moves.push_back({m->case_id, m->patient_id, m->acuity, m->weight, m->from, *best,
                             target.display_name, why});
        target.open_after += 1;
      }
      target.load_after += w;
    }
    std::sort(out.moves.begin(), out.moves.end(),
              [](const ProposedMove& a, const ProposedMove& b) { return a.case_id < b.case_id; });
    for (auto& [id, l] : change) out.loads.push_back(l);
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_,
      audit::EventBy(actor, now, "supervision.propose", "team", std::to_string(team), std::nullopt,
                     std::to_string(out.moves.size()) + " moves proposed, " +
                         std::to_string(out.unplaced.size()) + " unplaced")));
  return out;
}

Result<Coverage> Supervision::StartCoverage(const auth::Principal& who, const auth::Actor& actor,
                                            const NewCoverage& n) {
  CK_RETURN_IF_ERROR(RequireSupervisorWithTeam(who));
  const Timestamp now = clock_.Now();
  const Timestamp starts = n.starts_at ? n.starts_at : now;
  if (n.reason.size() < 3) return InvalidArgument("say why (leave, training, ...)", "reason");
  if (n.reason.size() > 500) return InvalidArgument("must be at most 500 bytes", "reason");
  if (n.ends_at <= starts) return InvalidArgument("must be after starts_at", "ends_at");
  if (n.ends_at <= now) return InvalidArgument("must be in the future", "ends_at");
  if (n.ends_at - starts > 366 * kMillisPerDay)
    return InvalidArgument("a coverage lasts at most a year; reassign the caseload instead",
                           "ends_at");
  if (n.absent_user_id == n.covering_user_id)
    return InvalidArgument("someone else covers an absent colleague", "covering_user_id");
  Coverage out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(TeamMember absent, UserOf(c, n.absent_user_id, "absent_user_id"));
    CK_ASSIGN_OR_RETURN(TeamMember covering, UserOf(c, n.covering_user_id, "covering_user_id"));
    if (absent.team_id != who.team_id || covering.team_id != who.team_id)
      return PermissionDenied("coverage is arranged within the supervisor's own team");
    if (absent.role != "case_manager")
      return InvalidArgument("only a case manager's caseload is covered", "absent_user_id");
    if ((covering.role != "case_manager" && covering.role != "supervisor") || !covering.active)
      return InvalidArgument("an active case manager or supervisor covers", "covering_user_id");
    // One coverage at a time for an absence; nobody covers while away themselves.
    const char* kOverlap =
        "SELECT id FROM caseload_coverages WHERE ended_at IS NULL AND starts_at < ? AND ends_at > "
        "? AND ";
    CK_ASSIGN_OR_RETURN(auto same, c.Query(std::string(kOverlap) + "absent_user_id = ?",
                                           {n.ends_at, starts, n.absent_user_id}));
    if (!same.empty())
      return FailedPrecondition("coverage " + std::to_string(same.at(0).Int(0)) +
                                    " already covers this person then; end it first",
                                "starts_at");
    CK_ASSIGN_OR_RETURN(auto away, c.Query(std::string(kOverlap) + "absent_user_id = ?",
                                           {n.ends_at, starts, n.covering_user_id}));
    if (!away.empty())
      return FailedPrecondition("the colleague is away themselves then", "covering_user_id");
    CK_ASSIGN_OR_RETURN(auto covered, c.Query(std::string(kOverlap) + "covering_user_id = ?",
                                              {n.ends_at, starts, n.absent_user_id}));
    if (!covered.empty())
      return FailedPrecondition("this person covers a colleague then; arrange that coverage first",
                                "absent_user_id");
    CK_ASSIGN_OR_RETURN(auto inserted,
                        c.Query("INSERT INTO caseload_coverages (team_id, absent_user_id, "
                                "covering_user_id, starts_at, ends_at, reason, created_by, "
                                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                {*who.team_id, n.absent_user_id, n.covering_user_id, starts,
                                 n.ends_at, n.reason, who.user_id, now}));
    const int64_t id = inserted.at(0).Int(0);
    CK_ASSIGN_OR_RETURN(out, LoadCoverage(c, id, now));
    return audit::Append(
        c,
        audit::EventBy(actor, now, "coverage.start", "coverage", std::to_string(id), std::nullopt,
                       "user " + std::to_string(n.covering_user_id) + " covers user " +
                           std::to_string(n.absent_user_id) + " from " + FormatTimestamp(starts) +
                           " to " + FormatTimestamp(n.ends_at)));
  }));
  return out;
}

Result<Coverage> Supervision::EndCoverage(const auth::Principal& who, const auth::Actor& actor,
                                          int64_t id, const std::optional<std::string>& reason) {
  CK_RETURN_IF_ERROR(RequireSupervisorWithTeam(who));
  if (reason && reason->size() > 500) return InvalidArgument("must be at most 500 bytes", "reason");
  const Timestamp now = clock_.Now();
  Coverage out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Coverage v, LoadCoverage(c, id, now));
    if (v.team_id != *who.team_id) return NotFound("no coverage with id " + std::to_string(id));
    if (v.state == "ended") return FailedPrecondition("the coverage has already ended");
    CK_RETURN_IF_ERROR(c.Exec("UPDATE caseload_coverages SET ended_at = ?, ended_by = ?, "
                              "end_reason = ? WHERE id = ?",
                              {now, who.user_id, reason, id})
                           .status());
    CK_ASSIGN_OR_RETURN(out, LoadCoverage(c, id, now));
    return audit::Append(
        c, audit::EventBy(actor, now, "coverage.end", "coverage", std::to_string(id), std::nullopt,
                          "ended early by user " + std::to_string(who.user_id)));
  }));
  return out;
}

Result<std::vector<Coverage>> Supervision::Coverages(const auth::Principal& who,
                                                     bool include_ended) {
  const Timestamp now = clock_.Now();
  std::string sql = kCoverageColumns;
  db::Params params;
  if (who.role == auth::Role::kSupervisor) {
    CK_RETURN_IF_ERROR(RequireSupervisorWithTeam(who));
    sql += "WHERE v.team_id = ?";
    params = {*who.team_id};
  } else if (who.role == auth::Role::kCaseManager) {
    sql += "WHERE (v.absent_user_id = ? OR v.covering_user_id = ?)";
    params = {who.user_id, who.user_id};
  } else {
    return PermissionDenied("coverage is arranged between case managers and their supervisor");
  }
  if (!include_ended) {
    sql += " AND v.ended_at IS NULL AND v.ends_at > ?";
    params.emplace_back(now);
  }
  sql += " ORDER BY v.starts_at DESC, v.id DESC LIMIT 500";
  std::vector<Coverage> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    return c.ForEachRow(sql, params, [&](const db::Row& r) {
      out.push_back(CoverageFrom(r, now));
      return Status::Ok();
    });
  }));
  return out;
}

}  // namespace ck::supervision
