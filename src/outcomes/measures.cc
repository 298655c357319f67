#include "outcomes/measures.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "audit/trail.h"
#include "core/strings.h"
#include "outcomes/stats.h"

namespace ck::outcomes {
namespace {

constexpr double kDaysPerMonth = 30.4375;

Date AddYears(Date d, int n) {
  auto y = std::chrono::year_month_day(d);
  std::chrono::year_month_day out{y.year() + std::chrono::years{n}, y.month(), y.day()};
  if (!out.ok()) out = {out.year(), out.month(), std::chrono::day{28}};
  return Date(out);
}

// What each measure accumulates per group.
struct Acc {
  int64_t num = 0, den = 0;
  double sum = 0;              // of values (means)
  int64_t n = 0;               // values summed
  std::vector<double> values;  // for medians
  double exposure = 0;         // person-days
};
using Groups = std::map<std::string, Acc>;

// The patient population and the grouping, as SQL on the patients alias `p`.
struct Cohort {
  std::string where;  // " AND ..." conditions on p
  db::Params params;
  std::string group;  // the group expression on p
  db::Params group_params;
};

}  // namespace

const std::vector<MeasureInfo>& Catalog() {
  static const std::vector<MeasureInfo> kCatalog = {
      {"readmission_30d", "30-day all-cause readmission rate", "rate",
       "Index discharges (acute inpatient stays discharged alive in the period, transfers merged) "
       "followed by an unplanned acute admission within 30 days (docs/transitions.md)"},
      {"ed_visits", "ED visits per 1,000 patient-months", "per_1000_patient_months",
       "Emergency department visits begun in the period per 1,000 months of the patients' time "
       "in the population during the period"},
      {"follow_up_2_business_days", "Post-discharge follow-up within 2 business days", "rate",
       "Index discharges with a reached contact or a completed appointment after the discharge "
       "and by the end of the second business day after the discharge day"},
      {"follow_up_7_days", "Post-discharge follow-up within 7 days", "rate",
       "Index discharges with a reached contact or a completed appointment within 7 days after "
       "the discharge day"},
      {"ed_follow_up_7_days", "Follow-up within 7 days after an ED visit", "rate",
       "ED visits in the period with a reached contact or completed appointment after the visit "
       "and within 7 days after its day"},
      {"medication_reconciliation_30d", "Medication reconciliation within 30 days", "rate",
       "Index discharges with a completed medication reconciliation from the discharge day "
       "through 30 days after"},
      {"goal_attainment", "Goal attainment", "rate",
       "Care-plan goals whose target date falls in the period (proposed and cancelled goals "
       "left out) that were achieved"},
      {"barriers_resolved", "Barriers resolved", "rate",
       "Barriers identified in the period that are resolved"},
      {"referrals_closed_loop", "Community referrals with their loop closed", "rate",
       "Community referrals sent in the period whose organisation answered (accepted or "
       "declined) and whose outcome is recorded (delivered, no-show, declined)"},
      {"phq9_change", "PHQ-9 change, first to latest", "mean_change",
       "Patients with two or more completed PHQ-9s, the latest in the period: mean change from "
       "the first to the latest score; the rate is the share improved by 5 points or more"},
      {"hba1c_change", "HbA1c change, first to latest", "mean_change",
       "Patients with two or more HbA1c results (LOINC 4548-4), the latest in the period: mean "
       "change from the first to the latest; the rate is the share whose latest is below 8 %"},
      {"authorization_timeliness", "Prior authorization decisions on time", "rate",
       "Prior authorizations decided in the period with a regulatory clock, decided within it"},
      {"appeal_filing_timeliness", "Appeals filed on time", "rate",
       "Appeals filed in the period, filed by their filing deadline"},
      {"referral_to_first_contact", "Referral to first contact", "median_hours",
       "Cases referred in the period: the median hours to the first reached contact; the rate "
       "is the share reached within 2 business days"},
  };
  return kCatalog;
}

Result<std::vector<Measure>> Outcomes::Compute(const auth::Principal& who, const auth::Actor& actor,
                                               Filter f, const std::string& by,
                                               const std::vector<std::string>& keys) {
  // Who sees what.
  switch (who.role) {
    case auth::Role::kCaseManager:
      if (f.user_id && *f.user_id != who.user_id)
        return PermissionDenied("a case manager sees their own caseload's figures");
      if (f.population != "case_managed" || f.team_id)
        return PermissionDenied("a case manager sees their own caseload's figures");
      f.user_id = who.user_id;
      break;
    case auth::Role::kSupervisor:
      if (!who.team_id) return PermissionDenied("a supervisor without a team sees no figures");
      if (f.team_id && *f.team_id != *who.team_id)
        return PermissionDenied("a supervisor sees their own team's figures");
      if (f.population == "case_managed") f.team_id = who.team_id;
      break;
    case auth::Role::kAuditor:
      break;
    default:
      return PermissionDenied("outcome reports are for case managers, supervisors and auditors");
  }
  if (f.to < f.from) return InvalidArgument("must not be before from", "to");
  if (std::chrono::sys_days{f.to} - std::chrono::sys_days{f.from} > std::chrono::days{3660})
    return InvalidArgument("a period of at most ten years", "to");
  if (!OneOf(f.population, {"case_managed", "all"}))
    return InvalidArgument("must be case_managed or all", "population");
  if (f.age_band && !OneOf(*f.age_band, {"0-17", "18-44", "45-64", "65-74", "75+", "unknown"}))
    return InvalidArgument("must be 0-17, 18-44, 45-64, 65-74, 75+ or unknown", "age_band");
  if (f.postal_code && f.postal_code->size() != 5 && *f.postal_code != "unknown")
    return InvalidArgument("must be a five-digit ZIP code or unknown", "postal_code");
  // A program, team or case manager that does not exist is a mistake, not an empty report.
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    for (auto [sql, value, field] :
         {std::tuple{"SELECT 1 FROM programs WHERE code = ?",
                     f.program ? db::Value(*f.program) : db::Value(), "program"},
          std::tuple{"SELECT 1 FROM teams WHERE id = ?",
                     f.team_id ? db::Value(*f.team_id) : db::Value(), "team_id"},
          std::tuple{"SELECT 1 FROM users WHERE id = ?",
                     f.user_id ? db::Value(*f.user_id) : db::Value(), "user_id"},
          std::tuple{"SELECT 1 FROM coverages WHERE payer = ? LIMIT 1",
                     f.payer ? db::Value(*f.payer) : db::Value(), "payer"}}) {
      if (value.is_null()) continue;
      CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql, {value}));
      if (rows.empty()) return InvalidArgument("no such " + std::string(field), field);
    }
    return Status::Ok();
  }));
  if (!by.empty() &&
      std::find(std::begin(kDimensions), std::end(kDimensions), by) == std::end(kDimensions))
    return InvalidArgument(
        "must be one of age_band, sex, race, ethnicity, language, postal_code, program, payer, "
        "case_manager",
        "by");
  std::vector<MeasureInfo> chosen;
  for (const MeasureInfo& m : Catalog())
    if (keys.empty() || std::find(keys.begin(), keys.end(), m.key) != keys.end())
      chosen.push_back(m);
  for (const std::string& k : keys)
    if (std::none_of(Catalog().begin(), Catalog().end(),
                     [&](const MeasureInfo& m) { return m.key == k; }))
      return InvalidArgument("unknown measure " + k, "measures");

  // The period in time: local midnight of `from` to the end of `to`.
  const Timestamp start = tz_.FromLocal(f.from, 0);
  const Timestamp end = tz_.FromLocal(AddDays(f.to, 1), 0);
  const std::string from_s = FormatDate(f.from), to_s = FormatDate(f.to);

  // The cases in scope (program, team, case manager) as a condition on a case alias `k`.
  std::string case_scope;
  db::Params case_params;
  if (f.program) {
    case_scope += " AND k.program_id = (SELECT id FROM programs WHERE code = ?)";
    case_params.emplace_back(*f.program);
  }
  if (f.user_id) {
    case_scope += " AND k.assigned_user_id = ?";
    case_params.emplace_back(*f.user_id);
  }
  if (f.team_id) {
    case_scope += " AND k.assigned_user_id IN (SELECT id FROM users WHERE team_id = ?)";
    case_params.emplace_back(*f.team_id);
  }
  // The same scope on a case aliased `m` (where cases drive the query).
  std::string case_scope_m = case_scope;
  for (size_t pos; (pos = case_scope_m.find("k.")) != std::string::npos;)
    case_scope_m.replace(pos, 2, "m.");
  const std::string case_open =
      " AND k.referred_at < ? AND (k.closed_at IS NULL OR k.closed_at >= ?)";

  // Group expressions on p.
  const Date end_day = f.to;
  auto group_of = [&](const std::string& dim, db::Params* params) -> std::string {
    if (dim == "age_band") {
      for (int years : {18, 45, 65, 75})
        params->emplace_back(FormatDate(AddYears(end_day, -years)));
      return "(CASE WHEN p.birth_date IS NULL THEN 'unknown' WHEN p.birth_date > ? THEN '0-17' "
             "WHEN p.birth_date > ? THEN '18-44' WHEN p.birth_date > ? THEN '45-64' WHEN "
             "p.birth_date > ? THEN '65-74' ELSE '75+' END)";
    }
    if (dim == "sex") return "COALESCE(p.administrative_sex, 'unknown')";
    if (dim == "race")
      return "(SELECT CASE WHEN COUNT(*) > 1 THEN 'multiple' ELSE COALESCE(MIN(r.race), "
             "'unknown') END FROM patient_races r WHERE r.patient_id = p.id)";
    if (dim == "ethnicity") return "COALESCE(p.ethnicity, 'unknown')";
    if (dim == "language") return "COALESCE(p.preferred_language, 'unknown')";
    if (dim == "postal_code") return "COALESCE(SUBSTR(p.address_postal_code, 1, 5), 'unknown')";
    if (dim == "payer")
      return "COALESCE((SELECT MIN(v.payer) FROM coverages v WHERE v.patient_id = p.id AND "
             "v.status = 'active' AND v.priority = 'primary'), 'none')";
    if (dim == "program" || dim == "case_manager") {
      std::string what = dim == "program" ? "g.code" : "COALESCE(u.display_name, 'unassigned')";
      std::string sql = "COALESCE((SELECT " + what +
                        " FROM cases k JOIN programs g ON g.id = k.program_id LEFT JOIN users u "
                        "ON u.id = k.assigned_user_id WHERE k.patient_id = p.id" +
                        case_open + case_scope + " ORDER BY k.referred_at DESC LIMIT 1), 'none')";
      params->emplace_back(end);
      params->emplace_back(start);
      params->insert(params->end(), case_params.begin(), case_params.end());
      return sql;
    }
    return "'all'";
  };

  Cohort cohort;
  cohort.where = " AND p.merged_into_id IS NULL";
  if (f.population == "case_managed") {
    cohort.where += " AND EXISTS (SELECT 1 FROM cases k WHERE k.patient_id = p.id" + case_open +
                    case_scope + ")";
    cohort.params.emplace_back(end);
    cohort.params.emplace_back(start);
    cohort.params.insert(cohort.params.end(), case_params.begin(), case_params.end());
  }
  if (f.payer) {
    cohort.where +=
        " AND EXISTS (SELECT 1 FROM coverages v WHERE v.patient_id = p.id AND v.payer = ? AND "
        "v.status = 'active' AND v.effective_from <= ? AND (v.effective_to IS NULL OR "
        "v.effective_to >= ?))";
    cohort.params.emplace_back(*f.payer);
    cohort.params.emplace_back(to_s);
    cohort.params.emplace_back(from_s);
  }
  for (auto [dim, value] :
       {std::pair{"age_band", &f.age_band}, std::pair{"sex", &f.sex}, std::pair{"race", &f.race},
        std::pair{"ethnicity", &f.ethnicity}, std::pair{"language", &f.language},
        std::pair{"postal_code", &f.postal_code}}) {
    if (!*value) continue;
    db::Params gp;
    std::string expr = group_of(dim, &gp);
    cohort.where += " AND " + expr + " = ?";
    cohort.params.insert(cohort.params.end(), gp.begin(), gp.end());
    cohort.params.emplace_back(**value);
  }
  cohort.group = group_of(by.empty() ? "none" : by, &cohort.group_params);

  const bool whole_population = f.population == "all" && by.empty() && !f.payer && !f.age_band &&
                                !f.sex && !f.race && !f.ethnicity && !f.language && !f.postal_code;
  // SELECT <group>, <cols> FROM <from> JOIN patients p ... WHERE <where> AND cohort
  auto run = [&](db::Connection& c, const std::string& cols, const std::string& from,
                 const std::string& where, const db::Params& params,
                 const std::function<void(const std::string&, const db::Row&)>& row,
                 const std::string& tail = "") -> Status {
    // Everyone, not grouped: no patient row is needed (a merge moves every row to the survivor).
    std::string sql =
        whole_population
            ? "SELECT 'all' AS grp, " + cols + " FROM " + from + " WHERE " + where + tail
            : "SELECT " + cohort.group + " AS grp, " + cols + " FROM " + from +
                  " JOIN patients p ON p.id = m.patient_id WHERE " + where + cohort.where + tail;
    db::Params p = whole_population ? db::Params{} : cohort.group_params;
    p.insert(p.end(), params.begin(), params.end());
    if (!whole_population) p.insert(p.end(), cohort.params.begin(), cohort.params.end());
    return c.ForEachRow(sql, p, [&](const db::Row& r) {
      row(r.Text(0), r);
      return Status::Ok();
    });
  };
  auto grouped = [&](db::Connection& c, const std::string& num_den, const std::string& from,
                     const std::string& where, const db::Params& params, Groups& g) -> Status {
    return run(
        c, num_den, from, where, params,
        [&](const std::string& grp, const db::Row& r) {
          g[grp].num += r.Int(1);
          g[grp].den += r.Int(2);
        },
        " GROUP BY 1");
  };

  // Follow-up after a discharge or visit: the first reached contact or completed
  // appointment after `after`, as a correlated subquery on m.patient_id.
  const std::string first_follow_up =
      "(SELECT MIN(t) FROM (SELECT x.contact_at AS t FROM case_contacts x WHERE x.patient_id = "
      "m.patient_id AND x.outcome = 'reached' AND x.party IN ('patient', 'caregiver') AND "
      "x.contact_at > {after} UNION ALL SELECT a.starts_at FROM appointments a WHERE "
      "a.patient_id = m.patient_id AND a.status = 'completed' AND a.starts_at > {after}) f)";
  auto follow_up_after = [&](const std::string& after) {
    std::string s = first_follow_up;
    for (size_t pos; (pos = s.find("{after}")) != std::string::npos;) s.replace(pos, 7, after);
    return s;
  };
  // The end of the local day `days` after t's local day (exclusive bound).
  auto day_end = [&](Timestamp t, int days) {
    return tz_.FromLocal(AddDays(tz_.LocalDate(t), days + 1), 0);
  };
  auto business_end = [&](Timestamp t, int days) {
    return tz_.FromLocal(AddDays(calendar_.AddBusinessDays(tz_.LocalDate(t), days), 1), 0);
  };

  std::map<std::string, Groups> results;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    results.clear();
    for (const MeasureInfo& info : chosen) {
      Groups& g = results[info.key];
      const std::string& k = info.key;
      if (k == "readmission_30d") {
        CK_RETURN_IF_ERROR(
            grouped(c, "SUM(CASE WHEN m.readmitted_by IS NOT NULL THEN 1 ELSE 0 END), COUNT(*)",
                    "acute_stays m",
                    "m.index_discharge = 1 AND m.discharge_date >= ? AND m.discharge_date <= ?",
                    {from_s, to_s}, g));
      } else if (k == "ed_visits") {
        CK_RETURN_IF_ERROR(
            grouped(c, "COUNT(*), 0", "encounters m",
                    "m.encounter_class = 'emergency' AND m.status NOT IN ('cancelled', "
                    "'entered_in_error') AND m.admitted_at >= ? AND m.admitted_at < ?",
                    {start, end}, g));
        // Exposure: every patient's time in the population during the period.
        if (f.population == "all") {
          double days = static_cast<double>((end - start) / kMillisPerDay);
          CK_RETURN_IF_ERROR(run(
              c, "COUNT(*)",
              "(SELECT id AS patient_id FROM patients WHERE merged_into_id IS NULL) m", "1 = 1", {},
              [&](const std::string& grp, const db::Row& r) {
                g[grp].exposure += days * static_cast<double>(r.Int(1));
              },
              " GROUP BY 1"));
        } else {
          CK_RETURN_IF_ERROR(run(
              c, "m.patient_id, MIN(m.referred_at), MAX(COALESCE(m.closed_at, ?))", "cases m",
              "m.referred_at < ? AND (m.closed_at IS NULL OR m.closed_at >= ?)" + case_scope_m,
              [&] {
                db::Params p{end, end, start};
                p.insert(p.end(), case_params.begin(), case_params.end());
                return p;
              }(),
              [&](const std::string& grp, const db::Row& r) {
                Timestamp from_t = std::max(start, r.Int(2));
                Timestamp to_t = std::min(end, r.Int(3));
                if (to_t > from_t)
                  g[grp].exposure += static_cast<double>(to_t - from_t) / kMillisPerDay;
              },
              " GROUP BY 1, 2"));
        }
      } else if (k == "follow_up_2_business_days" || k == "follow_up_7_days" ||
                 k == "medication_reconciliation_30d") {
        std::string next =
            k == "medication_reconciliation_30d"
                ? "(SELECT MIN(r.completed_at) FROM medication_reconciliations r WHERE "
                  "r.patient_id = m.patient_id AND r.status = 'completed' AND r.completed_at >= "
                  "m.discharged_at - 86400000)"
                : follow_up_after("m.discharged_at");
        CK_RETURN_IF_ERROR(
            run(c, "m.discharged_at, " + next, "acute_stays m",
                "m.index_discharge = 1 AND m.discharge_date >= ? AND m.discharge_date <= ?",
                {from_s, to_s}, [&](const std::string& grp, const db::Row& r) {
                  Acc& a = g[grp];
                  ++a.den;
                  if (r.IsNull(2)) return;
                  Timestamp discharged = r.Int(1), at = r.Int(2);
                  bool met = false;
                  if (k == "follow_up_2_business_days") {
                    met = at < business_end(discharged, 2);
                  } else if (k == "follow_up_7_days") {
                    met = at < day_end(discharged, 7);
                  } else {  // from the local day of discharge through 30 days after
                    met = at >= tz_.FromLocal(tz_.LocalDate(discharged), 0) &&
                          at < day_end(discharged, 30);
                  }
                  if (met) ++a.num;
                }));
      } else if (k == "ed_follow_up_7_days") {
        CK_RETURN_IF_ERROR(run(c,
                               "COALESCE(m.discharged_at, m.admitted_at), " +
                                   follow_up_after("COALESCE(m.discharged_at, m.admitted_at)"),
                               "encounters m",
                               "m.encounter_class = 'emergency' AND m.status NOT IN ('cancelled', "
                               "'entered_in_error') AND m.admitted_at >= ? AND m.admitted_at < ?",
                               {start, end}, [&](const std::string& grp, const db::Row& r) {
                                 Acc& a = g[grp];
                                 ++a.den;
                                 if (!r.IsNull(2) && r.Int(2) < day_end(r.Int(1), 7)) ++a.num;
                               }));
      } else if (k == "goal_attainment") {
        CK_RETURN_IF_ERROR(
            grouped(c, "SUM(CASE WHEN m.status = 'achieved' THEN 1 ELSE 0 END), COUNT(*)",
                    "care_plan_goals m",
                    "m.status IN ('active', 'achieved', 'not_achieved') AND m.target_date >= ? AND "
                    "m.target_date <= ?",
                    {from_s, to_s}, g));
      } else if (k == "barriers_resolved") {
        CK_RETURN_IF_ERROR(
            grouped(c, "SUM(CASE WHEN m.status = 'resolved' THEN 1 ELSE 0 END), COUNT(*)",
                    "barriers m", "m.identified_at >= ? AND m.identified_at < ?", {start, end}, g));
      } else if (k == "referrals_closed_loop") {
        CK_RETURN_IF_ERROR(grouped(
            c,
            "SUM(CASE WHEN m.status IN ('declined', 'service_delivered', 'no_show') OR "
            "(m.status = 'closed' AND m.answered_at IS NOT NULL) THEN 1 ELSE 0 END), COUNT(*)",
            "resource_referrals m", "m.sent_at >= ? AND m.sent_at < ?", {start, end}, g));
      } else if (k == "phq9_change" || k == "hba1c_change") {
        const bool phq = k == "phq9_change";
        // Each patient's first and latest, the latest in the period.
        std::string sql_from =
            phq ? "(SELECT a.patient_id, a.completed_at AS at, a.score AS v FROM assessments a "
                  "WHERE a.instrument_id = 'phq9' AND a.status = 'completed' AND a.score IS NOT "
                  "NULL) m"
                : "(SELECT o.patient_id, o.effective_at AS at, o.value_number AS v FROM "
                  "observations o WHERE o.code = '4548-4' AND o.value_number IS NOT NULL AND "
                  "o.effective_at IS NOT NULL AND o.status IN ('final', 'amended', "
                  "'corrected')) m";
        std::map<int64_t, std::pair<std::string, std::vector<std::pair<Timestamp, double>>>> per;
        CK_RETURN_IF_ERROR(run(c, "m.patient_id, m.at, m.v", sql_from, "m.at < ?", {end},
                               [&](const std::string& grp, const db::Row& r) {
                                 auto& e = per[r.Int(1)];
                                 e.first = grp;
                                 e.second.emplace_back(r.Int(2), r.Real(3));
                               }));
        for (auto& [patient, e] : per) {
          auto& v = e.second;
          if (v.size() < 2) continue;
          std::sort(v.begin(), v.end());
          if (v.back().first < start) continue;  // the latest must be in the period
          double change = v.back().second - v.front().second;
          Acc& a = g[e.first];
          ++a.den;
          a.sum += change;
          ++a.n;
          if (phq ? change <= -5 : v.back().second < 8.0) ++a.num;
        }
      } else if (k == "authorization_timeliness") {
        CK_RETURN_IF_ERROR(
            grouped(c, "SUM(CASE WHEN m.decided_within_time = 1 THEN 1 ELSE 0 END), COUNT(*)",
                    "prior_authorizations m",
                    "m.decided_at >= ? AND m.decided_at < ? AND m.decided_within_time IS NOT NULL",
                    {start, end}, g));
      } else if (k == "appeal_filing_timeliness") {
        CK_RETURN_IF_ERROR(grouped(
            c, "SUM(CASE WHEN m.filed_at <= m.filing_deadline THEN 1 ELSE 0 END), COUNT(*)",
            "appeals m", "m.filed_at >= ? AND m.filed_at < ? AND m.filing_deadline IS NOT NULL",
            {start, end}, g));
      } else if (k == "referral_to_first_contact") {
        CK_RETURN_IF_ERROR(run(
            c,
            "m.referred_at, (SELECT MIN(x.contact_at) FROM case_contacts x WHERE x.case_id = "
            "m.id AND x.outcome = 'reached' AND x.contact_at >= m.referred_at)",
            "cases m", "m.referred_at >= ? AND m.referred_at < ?" + case_scope_m,
            [&] {
              db::Params p{start, end};
              p.insert(p.end(), case_params.begin(), case_params.end());
              return p;
            }(),
            [&](const std::string& grp, const db::Row& r) {
              Acc& a = g[grp];
              ++a.den;
              if (r.IsNull(2)) return;
              a.values.push_back(static_cast<double>(r.Int(2) - r.Int(1)) / kMillisPerHour);
              if (r.Int(2) < business_end(r.Int(1), 2)) ++a.num;
            }));
      }
    }
    return Status::Ok();
  }));

  // Figures: overall = the sum of the groups (every patient is in one group).
  auto figure = [&](const MeasureInfo& info, const std::string& name, const Acc& a) {
    Figure out;
    out.group = name;
    out.numerator = a.num;
    out.denominator = a.den;
    if (info.unit == "per_1000_patient_months") {
      double months = a.exposure / kDaysPerMonth;
      out.exposure = std::round(months * 10) / 10;
      if (months > 0) {
        out.rate = static_cast<double>(a.num) / months * 1000;
        if (auto ci = PoissonRateInterval(a.num, months)) {
          out.ci_low = ci->low * 1000;
          out.ci_high = ci->high * 1000;
        }
      }
      out.denominator = static_cast<int64_t>(std::llround(months));
      return out;
    }
    if (a.den > 0) {
      out.rate = static_cast<double>(a.num) / static_cast<double>(a.den);
      if (auto ci = WilsonInterval(a.num, a.den)) {
        out.ci_low = ci->low;
        out.ci_high = ci->high;
      }
    }
    if (info.unit == "mean_change" && a.n > 0) out.value = a.sum / static_cast<double>(a.n);
    if (info.unit == "median_hours" && !a.values.empty()) {
      std::vector<double> v = a.values;
      std::sort(v.begin(), v.end());
      size_t n = v.size();
      out.value = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
    return out;
  };
  std::vector<Measure> out;
  for (const MeasureInfo& info : chosen) {
    const Groups& g = results[info.key];
    Acc all;
    for (const auto& [_, a] : g) {
      all.num += a.num;
      all.den += a.den;
      all.sum += a.sum;
      all.n += a.n;
      all.exposure += a.exposure;
      all.values.insert(all.values.end(), a.values.begin(), a.values.end());
    }
    Measure m{info.key, info.name, info.unit, info.definition, figure(info, "all", all), {}};
    if (!by.empty()) {
      for (const auto& [name, a] : g) {
        Figure fig = figure(info, name, a);
        if (fig.rate && m.overall.rate) fig.gap = *fig.rate - *m.overall.rate;
        // The group against everyone else; sizes in patient-months for rates per person-time.
        if (info.unit == "per_1000_patient_months") {
          fig.p_value = TwoRateP(a.num, a.exposure, all.num - a.num, all.exposure - a.exposure);
          fig.significant = Significant(fig.p_value, a.exposure / kDaysPerMonth,
                                        (all.exposure - a.exposure) / kDaysPerMonth);
        } else {
          fig.p_value = TwoProportionP(a.num, a.den, all.num - a.num, all.den - a.den);
          fig.significant = Significant(fig.p_value, static_cast<double>(a.den),
                                        static_cast<double>(all.den - a.den));
        }
        m.groups.push_back(std::move(fig));
      }
    }
    out.push_back(std::move(m));
  }
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_,
      audit::EventBy(actor, clock_.Now(), "report.outcomes", "report", "outcomes", std::nullopt,
                     from_s + ".." + to_s + (by.empty() ? "" : " by " + by) + " " + f.population)));
  return out;
}

}  // namespace ck::outcomes
