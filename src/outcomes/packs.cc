#include "outcomes/packs.h"

#include <chrono>
#include <map>

#include "audit/trail.h"
#include "auth/authorizer.h"
#include "outcomes/stats.h"
#include "transitions/readmissions.h"
#include "transitions/service.h"
#include "transitions/trc.h"

namespace ck::outcomes {
namespace {

bool Adult(const std::optional<std::string>& birth_date, Date on) {
  if (!birth_date) return false;
  auto born = ParseDate(*birth_date);
  return born.ok() && YearsBetween(*born, on) >= 18;
}

// Met counts at once; not met only once its window has closed, pending until then.
void Count(PackMeasure& m, bool met, bool window_closed) {
  if (met || window_closed) ++m.denominator;
  if (met)
    ++m.numerator;
  else if (!window_closed)
    ++m.pending;
}

void Finish(PackMeasure& m) {
  if (m.denominator == 0) return;
  m.rate = static_cast<double>(m.numerator) / static_cast<double>(m.denominator);
  if (auto ci = WilsonInterval(m.numerator, m.denominator)) {
    m.ci_low = ci->low;
    m.ci_high = ci->high;
  }
}

// The day's 00:00 local time.
struct Period {
  Timestamp start, end;  // end exclusive
  std::string from_s, to_s;
};

Status Ncqa(db::Connection& c, const TimeZone& tz, const Period& p, Timestamp now,
            PackReport& out) {
  out.title = "NCQA case management timeliness";
  PackMeasure assessed{"initial_assessment_30_days", "Initial assessment within 30 days",
                       "Cases referred in the period with a completed assessment on the case "
                       "within 30 days after the referral"};
  PackMeasure components{
      "initial_assessment_components_dated", "Initial assessment components dated",
      "Cases referred in the period with each component of the initial assessment completed and "
      "dated within 30 days: a behavioural health screen (PHQ-2, PHQ-9 or GAD-7), a social needs "
      "screen (AHC HRSN) and a fall risk screen (Morse)"};
  const Timestamp thirty = 30 * kMillisPerDay;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT k.id, k.referred_at, (SELECT MIN(a.completed_at) FROM assessments a WHERE "
      "a.case_id = k.id AND a.status = 'completed' AND a.completed_at >= k.referred_at), "
      "(SELECT MIN(a.completed_at) FROM assessments a WHERE a.case_id = k.id AND a.status = "
      "'completed' AND a.instrument_id IN ('phq2', 'phq9', 'gad7') AND a.completed_at >= "
      "k.referred_at), (SELECT MIN(a.completed_at) FROM assessments a WHERE a.case_id = k.id AND "
      "a.status = 'completed' AND a.instrument_id = 'ahc-hrsn' AND a.completed_at >= "
      "k.referred_at), (SELECT MIN(a.completed_at) FROM assessments a WHERE a.case_id = k.id AND "
      "a.status = 'completed' AND a.instrument_id = 'morse' AND a.completed_at >= "
      "k.referred_at) FROM cases k WHERE k.referred_at >= ? AND k.referred_at < ?",
      {p.start, p.end}, [&](const db::Row& r) {
        const Timestamp due = r.Int(1) + thirty;
        const bool closed = now >= due;
        auto within = [&](size_t i) { return !r.IsNull(i) && r.Int(i) <= due; };
        Count(assessed, within(2), closed);
        Count(components, within(3) && within(4) && within(5), closed);
        return Status::Ok();
      }));
  PackMeasure outreach{"outreach_before_closure", "Outreach attempts before closure",
                       "Cases closed as unable to reach in the period with at least three "
                       "outbound attempts to the patient or caregiver, on three different days, "
                       "before the closure"};
  std::map<int64_t, std::pair<Timestamp, std::vector<Timestamp>>> closures;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT k.id, k.closed_at, x.contact_at FROM cases k LEFT JOIN case_contacts x ON "
      "x.case_id = k.id AND x.direction = 'outbound' AND x.party IN ('patient', 'caregiver') AND "
      "x.contact_at <= k.closed_at WHERE k.status = 'closed' AND k.closure_reason = "
      "'unable_to_reach' AND k.closed_at >= ? AND k.closed_at < ?",
      {p.start, p.end}, [&](const db::Row& r) {
        auto& e = closures[r.Int(0)];
        e.first = r.Int(1);
        if (!r.IsNull(2)) e.second.push_back(r.Int(2));
        return Status::Ok();
      }));
  for (const auto& [id, e] : closures) {
    std::map<std::string, int> days;
    for (Timestamp t : e.second) ++days[FormatDate(tz.LocalDate(t))];
    ++outreach.denominator;
    if (e.second.size() >= 3 && days.size() >= 3) ++outreach.numerator;
  }
  out.measures = {assessed, components, outreach};
  out.notes = {
      "The 30 days run from the referral (the case's start), calendar days.",
      "Cases whose 30 days have not passed and that are not yet assessed are pending, not "
      "failures.",
      "Components map NCQA's initial assessment elements to the instruments casekeeper "
      "administers; other elements (benefits, caregiver resources, life planning) are recorded "
      "in notes and are not counted."};
  return Status::Ok();
}

Status Trc(db::Connection& c, const TimeZone& tz, const Period& p, Timestamp now, PackReport& out) {
  out.title = "HEDIS Transitions of Care (TRC)";
  std::map<std::string, PackMeasure> by;
  const std::vector<std::pair<std::string, std::string>> names = {
      {"admission_notification", "Notification of inpatient admission"},
      {"discharge_information", "Receipt of discharge information"},
      {"patient_engagement", "Patient engagement after inpatient discharge"},
      {"medication_reconciliation", "Medication reconciliation post-discharge"}};
  for (const auto& [key, name] : names)
    by[key] = {key, name, "Index discharges in the period (Medicare members 18 and over)",
               0,   0,    0,
               {},  {},   {}};
  PackMeasure all{"all_four",
                  "All four components",
                  "Index discharges in the period with every component met",
                  0,
                  0,
                  0,
                  {},
                  {},
                  {}};
  std::vector<int64_t> stays;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT s.first_encounter_id, s.discharge_date, pt.birth_date FROM acute_stays s JOIN "
      "patients pt ON pt.id = s.patient_id WHERE s.index_discharge = 1 AND s.discharge_date >= ? "
      "AND s.discharge_date <= ? AND pt.merged_into_id IS NULL AND NOT EXISTS (SELECT 1 FROM "
      "acute_stays later WHERE later.readmission_of = s.first_encounter_id) AND EXISTS (SELECT 1 "
      "FROM coverages v WHERE v.patient_id = s.patient_id AND v.product_type IN "
      "('medicare_advantage', 'medicare_ffs') AND v.status = 'active' AND v.effective_from <= "
      "s.discharge_date AND (v.effective_to IS NULL OR v.effective_to >= s.discharge_date))",
      {p.from_s, p.to_s}, [&](const db::Row& r) {
        auto day = ParseDate(r.Text(1));
        if (day.ok() && Adult(r.OptText(2), *day)) stays.push_back(r.Int(0));
        return Status::Ok();
      }));
  const Date today = tz.LocalDate(now);
  for (int64_t id : stays) {
    CK_ASSIGN_OR_RETURN(transitions::Stay stay, transitions::StayOfEncounter(c, id));
    CK_ASSIGN_OR_RETURN(auto evidence, transitions::LoadTrcEvidence(c, stay));
    auto components = transitions::EvaluateTrc(stay, evidence, today, tz);
    for (const transitions::TrcComponent& t : components) {
      PackMeasure& m = by[t.component];
      if (t.status == "pending") {
        ++m.pending;
        continue;
      }
      ++m.denominator;
      if (t.status == "met") ++m.numerator;
    }
    const std::string overall = transitions::OverallTrcStatus(components);
    if (overall == "pending") {
      ++all.pending;
    } else {
      ++all.denominator;
      if (overall == "met") ++all.numerator;
    }
  }
  for (const auto& [key, name] : names) out.measures.push_back(by[key]);
  out.measures.push_back(all);
  out.notes = {
      "Members with active Medicare coverage (Advantage or fee-for-service) on the discharge day, "
      "18 or older then.",
      "When another acute stay follows within 30 days only the later discharge counts.",
      "A component whose window is still open is pending, not a failure.",
      "Evidence: A01 messages and hand-entered admissions, the discharge checklist and filed "
      "summaries, reached contacts and completed visits, completed reconciliations, and "
      "records by hand (docs/transitions.md)."};
  return Status::Ok();
}

Status Fmc(db::Connection& c, const TimeZone& tz, const Period& p, Timestamp now, PackReport& out) {
  out.title = "HEDIS-style follow-up after an ED visit (FMC)";
  PackMeasure m{"ed_follow_up_7_days", "Follow-up within 7 days after an ED visit",
                "ED visits in the period by members 18 and over, not followed by an inpatient "
                "admission that day or the next, with a reached contact (patient or caregiver) or "
                "a completed appointment within 7 days after the visit's day"};
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT COALESCE(m.discharged_at, m.admitted_at), pt.birth_date, (SELECT MIN(t) FROM "
      "(SELECT x.contact_at AS t FROM case_contacts x WHERE x.patient_id = m.patient_id AND "
      "x.outcome = 'reached' AND x.party IN ('patient', 'caregiver') AND x.contact_at > "
      "COALESCE(m.discharged_at, m.admitted_at) UNION ALL SELECT a.starts_at FROM appointments a "
      "WHERE a.patient_id = m.patient_id AND a.status = 'completed' AND a.starts_at > "
      "COALESCE(m.discharged_at, m.admitted_at)) f), (SELECT MIN(s.admitted_at) FROM acute_stays "
      "s WHERE s.patient_id = m.patient_id AND s.admitted_at >= m.admitted_at) FROM encounters m "
      "JOIN patients pt ON pt.id = m.patient_id WHERE m.encounter_class = 'emergency' AND "
      "m.status NOT IN ('cancelled', 'entered_in_error') AND m.admitted_at >= ? AND "
      "m.admitted_at < ? AND pt.merged_into_id IS NULL",
      {p.start, p.end}, [&](const db::Row& r) {
        const Timestamp visit = r.Int(0);
        const Date day = tz.LocalDate(visit);
        if (!Adult(r.OptText(1), day)) return Status::Ok();
        // Admitted from the ED (that day or the next): an inpatient stay, not this measure.
        if (!r.IsNull(3) && r.Int(3) < tz.FromLocal(AddDays(day, 2), 0)) return Status::Ok();
        const Timestamp due = tz.FromLocal(AddDays(day, 8), 0);
        Count(m, !r.IsNull(2) && r.Int(2) < due, now >= due);
        return Status::Ok();
      }));
  out.measures = {m};
  out.notes = {
      "HEDIS FMC is for members with multiple high-risk chronic conditions; this pack "
      "applies the same 7-day window to every adult ED visit (REFERENCE.md)."};
  return Status::Ok();
}

Status Pcr(db::Connection& c, const TimeZone& tz, const Period& p, Timestamp now, PackReport& out) {
  out.title = "HEDIS Plan All-Cause Readmissions (PCR), observed";
  PackMeasure m{"observed_readmission_30d", "Observed 30-day readmission rate",
                "Index acute stays of members 18 and over discharged alive in the period, "
                "excluding same-day stays and pregnancy or perinatal principal diagnoses, "
                "followed by an unplanned acute admission within 30 days"};
  const Date today = tz.LocalDate(now);
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT s.discharge_date, s.admission_date, pt.birth_date, CASE WHEN s.readmitted_by IS "
      "NOT NULL THEN 1 ELSE 0 END, COALESCE(e.diagnoses, '') FROM acute_stays s JOIN patients pt "
      "ON pt.id = s.patient_id JOIN encounters e ON e.id = s.last_encounter_id WHERE "
      "s.index_discharge = 1 AND s.discharge_date >= ? AND s.discharge_date <= ? AND "
      "pt.merged_into_id IS NULL",
      {p.from_s, p.to_s}, [&](const db::Row& r) {
        auto discharged = ParseDate(r.Text(0));
        if (!discharged.ok() || !Adult(r.OptText(2), *discharged)) return Status::Ok();
        if (r.Text(1) == r.Text(0)) return Status::Ok();  // same-day stay
        const std::string& dx = r.Text(4);
        if (!dx.empty() &&
            (dx[0] == 'O' || dx[0] == 'P' || dx.rfind("Z33", 0) == 0 || dx.rfind("Z34", 0) == 0 ||
             dx.rfind("Z37", 0) == 0 || dx.rfind("Z38", 0) == 0 || dx.rfind("Z3A", 0) == 0))
          return Status::Ok();
        Count(m, r.Int(3) != 0, AddDays(*discharged, 30) < today);
        return Status::Ok();
      }));
  out.measures = {m};
  out.notes = {
      "Observed only: the expected rate (O/E) needs NCQA's licensed risk-adjustment weights.",
      "Observation stays are not recorded as acute stays and are not counted.",
      "Transfers merge into one stay; planned readmissions are excluded (docs/transitions.md).",
      "Index discharges whose 30 days have not passed are pending."};
  return Status::Ok();
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& Packs() {
  static const std::vector<std::pair<std::string, std::string>> kPacks = {
      {"ncqa_case_management", "NCQA case management timeliness"},
      {"hedis_trc", "HEDIS Transitions of Care (TRC)"},
      {"hedis_fmc", "HEDIS-style follow-up after an ED visit (FMC)"},
      {"hedis_pcr", "HEDIS Plan All-Cause Readmissions (PCR), observed"}};
  return kPacks;
}

Result<PackReport> ComputePack(db::Database& db, const Clock& clock, const TimeZone& tz,
                               const auth::Principal& who, const auth::Actor& actor,
                               const std::string& pack, Date from, Date to) {
  CK_RETURN_IF_ERROR(auth::Authorizer::Require(who, auth::Permission::kReadReports));
  if (to < from) return InvalidArgument("must not be before from", "to");
  if (std::chrono::sys_days{to} - std::chrono::sys_days{from} > std::chrono::days{3660})
    return InvalidArgument("a period of at most ten years", "to");
  const Timestamp now = clock.Now();
  Period p{tz.FromLocal(from, 0), tz.FromLocal(AddDays(to, 1), 0), FormatDate(from),
           FormatDate(to)};
  PackReport out;
  out.pack = pack;
  CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    out.measures.clear();
    if (pack == "ncqa_case_management") return Ncqa(c, tz, p, now, out);
    if (pack == "hedis_trc") return Trc(c, tz, p, now, out);
    if (pack == "hedis_fmc") return Fmc(c, tz, p, now, out);
    if (pack == "hedis_pcr") return Pcr(c, tz, p, now, out);
    return InvalidArgument("must be ncqa_case_management, hedis_trc, hedis_fmc or hedis_pcr",
                           "pack");
  }));
  for (PackMeasure& m : out.measures) Finish(m);
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db, audit::EventBy(actor, now, "report.measure_pack", "report", pack, std::nullopt,
                         FormatDate(from) + " to " + FormatDate(to))));
  return out;
}

}  // namespace ck::outcomes
