#include "outcomes/evaluation.h"

#include <algorithm>
#include <cmath>

#include "audit/trail.h"
#include "auth/authorizer.h"
#include "outcomes/stats.h"

namespace ck::outcomes {
namespace {

constexpr double kZ = kZ95;
constexpr double kDaysPerMonth = 30.4375;
constexpr Timestamp kReadmissionWindow = 30 * kMillisPerDay;

// A cohort as a derived table "x" of (patient_id, e): each patient's index time.
struct CohortSql {
  std::string table;
  db::Params params;
};

struct LogRatio {
  std::optional<double> log, variance;
};

Change ChangeOf(LogRatio r) {
  Change c;
  if (!r.log) return c;
  c.ratio = std::exp(*r.log);
  if (r.variance) {
    const double half = kZ * std::sqrt(*r.variance);
    c.ci_low = std::exp(*r.log - half);
    c.ci_high = std::exp(*r.log + half);
  }
  return c;
}

// Events per person-time, after over before: the log ratio and its variance.
LogRatio RateRatio(const Period& before, const Period& after) {
  if (before.events == 0 || after.events == 0 || before.patient_months <= 0 ||
      after.patient_months <= 0)
    return {};
  const double log = std::log((static_cast<double>(after.events) / after.patient_months) /
                              (static_cast<double>(before.events) / before.patient_months));
  return {log, 1.0 / static_cast<double>(before.events) + 1.0 / static_cast<double>(after.events)};
}

// Proportions, after over before (the risk ratio).
LogRatio RiskRatio(const Period& before, const Period& after) {
  if (before.events == 0 || after.events == 0) return {};
  const double k0 = static_cast<double>(before.events),
               n0 = static_cast<double>(before.denominator);
  const double k1 = static_cast<double>(after.events), n1 = static_cast<double>(after.denominator);
  return {std::log((k1 / n1) / (k0 / n0)), 1 / k1 - 1 / n1 + 1 / k0 - 1 / n0};
}

void PerThousand(Period& p) {
  if (p.patient_months <= 0) return;
  p.rate = 1000.0 * static_cast<double>(p.events) / p.patient_months;
  if (auto ci = PoissonRateInterval(p.events, p.patient_months)) {
    p.ci_low = 1000.0 * ci->low;
    p.ci_high = 1000.0 * ci->high;
  }
}

void Proportion(Period& p) {
  if (p.denominator == 0) return;
  p.rate = static_cast<double>(p.events) / static_cast<double>(p.denominator);
  if (auto ci = WilsonInterval(p.events, p.denominator)) {
    p.ci_low = ci->low;
    p.ci_high = ci->high;
  }
}

db::Params Join(const db::Params& a, std::initializer_list<db::Value> b) {
  db::Params out = a;
  out.insert(out.end(), b);
  return out;
}

// Counts the cohort's events before and after each patient's index time, the
// after window ending at `now` (readmissions: discharges whose 30 days have passed).
Status Measure(db::Connection& c, const CohortSql& x, Timestamp window, Timestamp now,
               double before_months, double after_months, std::vector<EvaluatedMeasure>& out,
               LogRatio (&logs)[3]) {
  out.clear();
  struct Spec {
    const char* key;
    const char* name;
    const char* unit;
    const char* sql;  // events between x.e + ? (lo) and x.e + ? (hi), before ?
  };
  const Spec specs[] = {
      {"acute_admissions", "Acute inpatient admissions per 1,000 patient-months",
       "per_1000_patient_months",
       "SELECT COUNT(*), 0 FROM {X} JOIN acute_stays s ON s.patient_id = x.patient_id WHERE "
       "s.admitted_at >= x.e + ? AND s.admitted_at < x.e + ? AND s.admitted_at < ?"},
      {"ed_visits", "ED visits per 1,000 patient-months", "per_1000_patient_months",
       "SELECT COUNT(*), 0 FROM {X} JOIN encounters m ON m.patient_id = x.patient_id WHERE "
       "m.encounter_class = 'emergency' AND m.status NOT IN ('cancelled', 'entered_in_error') "
       "AND m.admitted_at >= x.e + ? AND m.admitted_at < x.e + ? AND m.admitted_at < ?"},
      {"readmission_30d", "30-day all-cause readmission rate", "rate",
       "SELECT SUM(CASE WHEN s.readmitted_by IS NOT NULL THEN 1 ELSE 0 END), COUNT(*) FROM {X} "
       "JOIN acute_stays s ON s.patient_id = x.patient_id WHERE s.index_discharge = 1 AND "
       "s.discharged_at >= x.e + ? AND s.discharged_at < x.e + ? AND s.discharged_at < ?"},
  };
  for (size_t i = 0; i < 3; ++i) {
    const Spec& spec = specs[i];
    std::string sql = spec.sql;
    sql.replace(sql.find("{X}"), 3, x.table);
    const bool readmission = std::string_view(spec.key) == "readmission_30d";
    const Timestamp until = readmission ? now - kReadmissionWindow : now;
    EvaluatedMeasure m{spec.key, spec.name, spec.unit, {}, {}, {}};
    for (Period* p : {&m.before, &m.after}) {
      const bool before = p == &m.before;
      CK_ASSIGN_OR_RETURN(auto rows,
                          c.Query(sql, Join(x.params, {before ? -window : Timestamp{0},
                                                       before ? Timestamp{0} : window, until})));
      p->events = rows.at(0).IsNull(0) ? 0 : rows.at(0).Int(0);
      p->denominator = rows.at(0).IsNull(1) ? 0 : rows.at(0).Int(1);
      p->patient_months = before ? before_months : after_months;
      if (readmission) {
        p->patient_months = 0;
        Proportion(*p);
      } else {
        PerThousand(*p);
      }
    }
    logs[i] = readmission ? RiskRatio(m.before, m.after) : RateRatio(m.before, m.after);
    m.change = ChangeOf(logs[i]);
    out.push_back(std::move(m));
  }
  return Status::Ok();
}

}  // namespace

Result<Evaluation> EvaluateProgram(db::Database& db, const Clock& clock, const TimeZone& tz,
                                   const auth::Principal& who, const auth::Actor& actor,
                                   const EvaluationRequest& request) {
  CK_RETURN_IF_ERROR(auth::Authorizer::Require(who, auth::Permission::kReadReports));
  if (request.months < 1 || request.months > 24)
    return InvalidArgument("must be between 1 and 24", "months");
  if (request.to < request.from) return InvalidArgument("must not be before from", "to");
  if (request.comparison != "utilizers" && request.comparison != "all")
    return InvalidArgument("must be utilizers or all", "comparison");
  const Timestamp now = clock.Now();
  const Timestamp window =
      static_cast<Timestamp>(std::llround(request.months * kDaysPerMonth * kMillisPerDay));
  const Timestamp start = tz.FromLocal(request.from, 0);
  const Timestamp end = tz.EndOfLocalDay(request.to);
  if (start >= now) return InvalidArgument("must be in the past", "from");
  Evaluation out;
  out.request = request;
  CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto program,
                        c.Query("SELECT id FROM programs WHERE code = ?", {request.program}));
    if (program.empty()) return InvalidArgument("no such program", "program");
    const int64_t program_id = program.at(0).Int(0);

    // Enrolled: the first case of the program, referred in the period.
    CohortSql enrolled{
        "(SELECT k.patient_id AS patient_id, MIN(k.referred_at) AS e FROM cases k JOIN patients "
        "p ON p.id = k.patient_id WHERE k.program_id = ? AND p.merged_into_id IS NULL GROUP BY "
        "k.patient_id HAVING MIN(k.referred_at) >= ? AND MIN(k.referred_at) <= ?) x",
        {program_id, start, end}};
    std::vector<Timestamp> index;
    CK_RETURN_IF_ERROR(c.ForEachRow("SELECT x.e FROM " + enrolled.table + " ORDER BY x.e",
                                    enrolled.params, [&](const db::Row& r) {
                                      index.push_back(r.Int(0));
                                      return Status::Ok();
                                    }));
    auto after_months = [&](Timestamp e) {
      return static_cast<double>(std::clamp<Timestamp>(now - e, 0, window)) / kMillisPerDay /
             kDaysPerMonth;
    };
    const double window_months = static_cast<double>(window) / kMillisPerDay / kDaysPerMonth;
    out.enrolled.group = "enrolled";
    out.enrolled.patients = static_cast<int64_t>(index.size());
    double enrolled_after = 0;
    for (Timestamp e : index) {
      enrolled_after += after_months(e);
      if (e + window <= now) ++out.enrolled.complete_follow_up;
    }
    LogRatio enrolled_logs[3], comparison_logs[3];
    CK_RETURN_IF_ERROR(Measure(c, enrolled, window, now,
                               window_months * static_cast<double>(index.size()), enrolled_after,
                               out.enrolled.measures, enrolled_logs));

    // Not enrolled, around the enrolees' median enrolment.
    out.comparison.group = "comparison";
    if (index.empty()) return Status::Ok();
    const Timestamp d = index[index.size() / 2];
    out.comparison_index = d;
    CohortSql comparison{
        "(SELECT p.id AS patient_id, CAST(? AS BIGINT) AS e FROM patients p WHERE "
        "p.merged_into_id IS NULL AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.patient_id = "
        "p.id AND k.program_id = ?)",
        {d, program_id}};
    if (request.comparison == "utilizers") {
      comparison.table +=
          " AND (EXISTS (SELECT 1 FROM acute_stays s WHERE s.patient_id = p.id AND s.admitted_at "
          ">= ? AND s.admitted_at < ?) OR EXISTS (SELECT 1 FROM encounters m WHERE m.patient_id "
          "= p.id AND m.encounter_class = 'emergency' AND m.status NOT IN ('cancelled', "
          "'entered_in_error') AND m.admitted_at >= ? AND m.admitted_at < ?))";
      comparison.params.insert(comparison.params.end(), {d - window, d, d - window, d});
    }
    comparison.table += ") x";
    CK_ASSIGN_OR_RETURN(auto count,
                        c.Query("SELECT COUNT(*) FROM " + comparison.table, comparison.params));
    out.comparison.patients = count.at(0).Int(0);
    if (d + window <= now) out.comparison.complete_follow_up = out.comparison.patients;
    const double n = static_cast<double>(out.comparison.patients);
    CK_RETURN_IF_ERROR(Measure(c, comparison, window, now, window_months * n, after_months(d) * n,
                               out.comparison.measures, comparison_logs));
    for (size_t i = 0; i < 3; ++i) {
      LogRatio r;
      if (enrolled_logs[i].log && comparison_logs[i].log) {
        r.log = *enrolled_logs[i].log - *comparison_logs[i].log;
        r.variance = *enrolled_logs[i].variance + *comparison_logs[i].variance;
      }
      out.relative.emplace_back(out.enrolled.measures[i].key, ChangeOf(r));
    }
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db, audit::EventBy(
              actor, now, "report.program_evaluation", "report", request.program, std::nullopt,
              FormatDate(request.from) + " to " + FormatDate(request.to) + ", " +
                  std::to_string(request.months) + " months, comparison " + request.comparison)));
  return out;
}

}  // namespace ck::outcomes
