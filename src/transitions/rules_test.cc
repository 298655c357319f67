// The rules of transitions of care, table-driven and without a database:
// checklist readiness and disposition defaults, the 30-day readmission flag on
// its boundaries (local days), the TRC windows, and each kind of medication
// discrepancy.
#include <gtest/gtest.h>

#include "transitions/checklist.h"
#include "transitions/medication_review.h"
#include "transitions/readmissions.h"
#include "transitions/trc.h"

namespace ck::transitions {
namespace {

// US Eastern: 2026-11-01 is the DST change; late November is UTC-5.
const TimeZone& Eastern() {
  static const TimeZone tz = *TimeZone::Load("EST5EDT,M3.2.0,M11.1.0");
  return tz;
}

Timestamp T(const char* iso) { return *ParseTimestamp(iso); }
Date D(const char* d) { return *ParseDate(d); }

TEST(TransitionsChecklist, DefaultsFollowTheDispositionAndReadinessCountsNotApplicable) {
  auto home = DefaultChecklist("home");
  ASSERT_EQ(home.size(), 8u);
  Readiness r = ReadinessOf(home);
  EXPECT_EQ(r.total, 8);
  EXPECT_EQ(r.not_applicable, 1);  // home health, going home without it
  EXPECT_EQ(r.done, 0);
  EXPECT_EQ(r.missing.size(), 7u);
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(std::count(r.missing.begin(), r.missing.end(), "home_health"), 0);

  auto with_home_health = ReadinessOf(DefaultChecklist("home_health"));
  EXPECT_EQ(with_home_health.not_applicable, 0);
  EXPECT_EQ(with_home_health.missing.size(), 8u);

  auto snf = ReadinessOf(DefaultChecklist("skilled_nursing"));
  EXPECT_EQ(snf.not_applicable, 4);  // home health, DME, transport home, 7-day follow-up
  EXPECT_EQ(snf.missing,
            (std::vector<std::string>{"medication_reconciliation", "education_teach_back",
                                      "caregiver_briefed", "discharge_summary_received"}));

  // Everything done or not applicable: ready.
  for (auto& i : home)
    if (i.status != "not_applicable") i.status = "done";
  home[1].status = "not_applicable";
  r = ReadinessOf(home);
  EXPECT_TRUE(r.ready);
  EXPECT_EQ(r.done, 6);
  EXPECT_EQ(r.not_applicable, 2);
  home[3].status = "in_progress";
  EXPECT_FALSE(ReadinessOf(home).ready);
  EXPECT_FALSE(ReadinessOf({}).ready);  // an empty checklist is not ready
  EXPECT_FALSE(IsPlanDisposition("transferred"));
  EXPECT_TRUE(IsPlanDisposition("long_term_care_hospital"));
}

// An inpatient encounter for the readmission tables.
EncounterFacts Stay(int64_t id, const char* admitted, std::optional<const char*> discharged,
                    const char* disposition = "home", const char* status = "finished",
                    const char* type = "emergency") {
  EncounterFacts f;
  f.id = id;
  f.patient_id = 1;
  f.encounter_class = "inpatient";
  f.status = status;
  f.facility = "Riverside General";
  f.admitted_at = T(admitted);
  if (discharged) {
    f.discharged_at = T(*discharged);
    f.discharge_disposition = disposition;
  }
  f.admission_type = type;
  return f;
}

TEST(TransitionsReadmissions, ThirtyDayFlagOnItsBoundaries) {
  struct Case {
    const char* name;
    std::vector<EncounterFacts> encounters;
    size_t stays;
    std::optional<int> days;  // of the last stay, when a readmission
    bool counted;
  };
  // Discharged 2026-11-02 at noon Eastern (17:00Z).
  const char* out = "2026-11-02T17:00:00Z";
  std::vector<Case> cases = {
      {"day 30 counts",
       {Stay(1, "2026-10-28T14:00:00Z", out),
        Stay(2, "2026-12-02T15:00:00Z", std::nullopt, "", "in_progress")},
       2,
       30,
       true},
      {"day 31 does not",
       {Stay(1, "2026-10-28T14:00:00Z", out),
        Stay(2, "2026-12-03T15:00:00Z", "2026-12-05T15:00:00Z")},
       2,
       std::nullopt,
       false},
      {"same day, not a transfer, counts",
       {Stay(1, "2026-10-28T14:00:00Z", out),
        Stay(2, "2026-11-02T22:00:00Z", std::nullopt, "", "in_progress")},
       2,
       0,
       true},
      {"same-day transfer is one stay",
       {Stay(1, "2026-10-28T14:00:00Z", out, "transferred"),
        Stay(2, "2026-11-02T19:00:00Z", "2026-11-06T15:00:00Z")},
       1,
       std::nullopt,
       false},
      {"next-day transfer is one stay",
       {Stay(1, "2026-10-28T14:00:00Z", out, "transferred"),
        Stay(2, "2026-11-03T19:00:00Z", "2026-11-06T15:00:00Z")},
       1,
       std::nullopt,
       false},
      {"a transfer two days later is a readmission",
       {Stay(1, "2026-10-28T14:00:00Z", out, "transferred"),
        Stay(2, "2026-11-04T19:00:00Z", "2026-11-06T15:00:00Z")},
       2,
       2,
       true},
      {"a cancelled admission never counts",
       {Stay(1, "2026-10-28T14:00:00Z", out),
        Stay(2, "2026-11-10T15:00:00Z", std::nullopt, "", "cancelled")},
       1,
       std::nullopt,
       false},
      {"an entered-in-error stay is no index",
       {Stay(1, "2026-10-20T14:00:00Z", "2026-10-22T14:00:00Z", "home", "entered_in_error"),
        Stay(2, "2026-11-10T15:00:00Z", std::nullopt, "", "in_progress")},
       1,
       std::nullopt,
       false},
      {"an elective readmission is planned, not counted",
       {Stay(1, "2026-10-28T14:00:00Z", out),
        Stay(2, "2026-11-20T15:00:00Z", std::nullopt, "", "in_progress", "elective")},
       2,
       18,
       false},
      {"a death ends the window",
       {Stay(1, "2026-10-28T14:00:00Z", out, "expired"),
        Stay(2, "2026-11-20T15:00:00Z", std::nullopt, "", "in_progress")},
       2,
       std::nullopt,
       false},
      // Local days: discharged 23:30 Eastern on Nov 2 (04:30Z on Nov 3); admitted
      // 00:30 Eastern on Dec 3 (05:30Z): 31 local days, though 30 in UTC.
      {"days are the organisation's local days",
       {Stay(1, "2026-10-28T14:00:00Z", "2026-11-03T04:30:00Z"),
        Stay(2, "2026-12-03T05:30:00Z", std::nullopt, "", "in_progress")},
       2,
       std::nullopt,
       false},
  };
  for (const Case& c : cases) {
    std::vector<transitions::Stay> stays = FlagStays(c.encounters, Eastern());
    ASSERT_EQ(stays.size(), c.stays) << c.name;
    const transitions::Stay& last = stays.back();
    if (c.days) {
      ASSERT_TRUE(last.readmission_of) << c.name;
      EXPECT_EQ(*last.readmission_of, 1) << c.name;
      EXPECT_EQ(*last.days_after_discharge, *c.days) << c.name;
    } else {
      EXPECT_FALSE(last.readmission_of && stays.size() > 1) << c.name;
    }
    EXPECT_EQ(last.counted, c.counted) << c.name;
    if (c.counted) {
      EXPECT_EQ(stays.front().readmitted_by, last.first_encounter_id) << c.name;
    }
  }
  // The merged transfer: admitted with the first, discharged with the second.
  auto merged = FlagStays({Stay(1, "2026-10-28T14:00:00Z", out, "transferred"),
                           Stay(2, "2026-11-02T19:00:00Z", "2026-11-06T15:00:00Z", "home")},
                          Eastern());
  EXPECT_EQ(merged[0].encounter_count, 2);
  EXPECT_EQ(merged[0].last_encounter_id, 2);
  EXPECT_EQ(FormatDate(*merged[0].discharge_date), "2026-11-06");
  EXPECT_EQ(merged[0].discharge_disposition, "home");
  EXPECT_TRUE(merged[0].index_discharge);
  // A person's word beats the elective default either way.
  auto elective = Stay(2, "2026-11-20T15:00:00Z", std::nullopt, "", "in_progress", "elective");
  elective.planned_flag = false;
  auto flagged = FlagStays({Stay(1, "2026-10-28T14:00:00Z", out), elective}, Eastern());
  EXPECT_TRUE(flagged[1].counted);
  EXPECT_FALSE(flagged[1].planned);
  auto emergency = Stay(2, "2026-11-20T15:00:00Z", std::nullopt, "", "in_progress");
  emergency.planned_flag = true;
  flagged = FlagStays({Stay(1, "2026-10-28T14:00:00Z", out), emergency}, Eastern());
  EXPECT_FALSE(flagged[1].counted);
  EXPECT_EQ(flagged[1].planned_basis, "flagged");
  // Emergency and observation encounters are not acute inpatient stays.
  auto ed = Stay(2, "2026-11-05T15:00:00Z", "2026-11-05T20:00:00Z");
  ed.encounter_class = "emergency";
  EXPECT_EQ(FlagStays({Stay(1, "2026-10-28T14:00:00Z", out), ed}, Eastern()).size(), 1u);
}

TEST(TransitionsTrc, WindowsAreLocalDaysWithTheirBoundaries) {
  transitions::Stay s;
  s.first_encounter_id = s.last_encounter_id = 7;
  s.admitted_at = T("2026-11-02T15:00:00Z");
  s.admission_date = D("2026-11-02");
  s.discharged_at = T("2026-11-06T17:00:00Z");
  s.discharge_date = D("2026-11-06");
  auto at = [](const char* component, const char* iso) {
    return TrcEvidence{component, T(iso), "contact", 1, "cm"};
  };
  auto status = [&](const std::vector<TrcEvidence>& ev, const char* today, const char* which) {
    for (const TrcComponent& c : EvaluateTrc(s, ev, D(today), Eastern()))
      if (c.component == which) return c.status;
    return std::string("?");
  };
  // Engagement: not on the day of discharge; day 1 and day 30 yes; day 31 no.
  EXPECT_EQ(status({at("patient_engagement", "2026-11-06T22:00:00Z")}, "2026-11-20",
                   "patient_engagement"),
            "pending");
  EXPECT_EQ(status({at("patient_engagement", "2026-11-06T22:00:00Z")}, "2026-12-07",
                   "patient_engagement"),
            "not_met");
  EXPECT_EQ(status({at("patient_engagement", "2026-11-07T14:00:00Z")}, "2026-12-20",
                   "patient_engagement"),
            "met");
  EXPECT_EQ(status({at("patient_engagement", "2026-12-06T20:00:00Z")}, "2026-12-20",
                   "patient_engagement"),
            "met");  // day 30
  EXPECT_EQ(status({at("patient_engagement", "2026-12-07T15:00:00Z")}, "2026-12-20",
                   "patient_engagement"),
            "not_met");  // day 31
  // 23:00 Eastern on day 30 is 04:00Z on day 31: still day 30 locally.
  EXPECT_EQ(status({at("patient_engagement", "2026-12-07T04:00:00Z")}, "2026-12-20",
                   "patient_engagement"),
            "met");
  EXPECT_EQ(status({}, "2026-12-06", "patient_engagement"), "pending");  // the last day
  EXPECT_EQ(status({}, "2026-12-07", "patient_engagement"), "not_met");
  // Notification: the day of admission through 2 days after.
  EXPECT_EQ(status({at("admission_notification", "2026-11-04T20:00:00Z")}, "2026-11-10",
                   "admission_notification"),
            "met");
  EXPECT_EQ(status({at("admission_notification", "2026-11-05T15:00:00Z")}, "2026-11-10",
                   "admission_notification"),
            "not_met");
  // Discharge information: the day of discharge (not before) through 2 days after.
  EXPECT_EQ(status({at("discharge_information", "2026-11-05T15:00:00Z")}, "2026-11-20",
                   "discharge_information"),
            "not_met");
  EXPECT_EQ(status({at("discharge_information", "2026-11-08T23:00:00Z")}, "2026-11-20",
                   "discharge_information"),
            "met");
  // Medication reconciliation: the day of discharge through 30 days after.
  EXPECT_EQ(status({at("medication_reconciliation", "2026-11-06T19:00:00Z")}, "2026-11-20",
                   "medication_reconciliation"),
            "met");
  EXPECT_EQ(status({at("medication_reconciliation", "2026-12-07T15:00:00Z")}, "2026-12-20",
                   "medication_reconciliation"),
            "not_met");
  // The earliest evidence inside the window is the one shown; the late one is kept.
  auto c = EvaluateTrc(s,
                       {at("patient_engagement", "2026-11-06T20:00:00Z"),
                        at("patient_engagement", "2026-11-09T15:00:00Z"),
                        at("patient_engagement", "2026-11-08T15:00:00Z")},
                       D("2026-11-20"), Eastern());
  EXPECT_EQ(FormatTimestamp(*c[2].at), "2026-11-08T15:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(*c[2].outside_window_at), "2026-11-06T20:00:00.000Z");
  EXPECT_EQ(FormatDate(*c[2].window_to), "2026-12-06");
  // Before discharge only the notification has a window.
  transitions::Stay in = s;
  in.discharged_at.reset();
  in.discharge_date.reset();
  auto open = EvaluateTrc(in, {}, D("2026-11-03"), Eastern());
  EXPECT_EQ(open[0].status, "pending");
  EXPECT_FALSE(open[3].window_to);
  EXPECT_EQ(OverallTrcStatus(open), "pending");
}

MedicationLine Med(int pos, const char* name, std::optional<std::string> dose,
                   std::optional<std::string> freq, std::optional<std::string> code = {},
                   std::optional<std::string> route = {}) {
  return {pos, std::nullopt, name, dose, route, freq, code};
}

TEST(TransitionsMedicationReview, FindsEachKindOfDiscrepancy) {
  std::vector<MedicationLine> before = {
      Med(0, "Furosemide 40 mg tablet", "40 mg", "daily"),
      Med(1, "Lisinopril", "10 mg", "daily"),
      Med(2, "Metformin", "500 mg", "twice daily"),
      Med(3, "Metoprolol succinate ER", "50 mg", "daily"),
      Med(4, "Atorvastatin", "40 mg", "at bedtime", "83367", "oral"),
  };
  std::vector<MedicationLine> discharge = {
      Med(0, "furosemide", "80 mg", "daily"),        // dose changed
      Med(1, "Lisinopril", "10 mg", "twice daily"),  // frequency changed
      Med(2, "Sacubitril/valsartan 24-26 mg", "1 tablet",
          "twice daily"),                                         // new, dup with lisinopril
      Med(3, "Metoprolol tartrate", "25 mg", "twice daily"),      // product changed (and more)
      Med(4, "Lipitor", "40 mg", "at bedtime", "83367", "oral"),  // same code: no change
      Med(5, "Spironolactone", "25 mg", "daily"),                 // new
      Med(6, "Bumetanide", "1 mg", "daily"),                      // new, same class as furosemide
  };
  auto found = FindDiscrepancies(before, discharge);
  auto count = [&](const std::string& kind, const std::string& med = "") {
    return std::count_if(found.begin(), found.end(), [&](const Discrepancy& d) {
      return d.kind == kind && (med.empty() || d.medication.find(med) != std::string::npos);
    });
  };
  EXPECT_EQ(count("dose_changed", "furosemide"), 1);
  EXPECT_EQ(count("frequency_changed", "Lisinopril"), 1);
  EXPECT_EQ(count("new", "Sacubitril"), 1);
  EXPECT_EQ(count("new", "Spironolactone"), 1);
  EXPECT_EQ(count("new", "Bumetanide"), 1);
  EXPECT_EQ(count("product_changed", "Metoprolol tartrate"), 1);
  EXPECT_EQ(count("stopped", "Metformin"), 1);
  EXPECT_EQ(count("stopped"), 1);
  EXPECT_EQ(count("new"), 3);
  EXPECT_EQ(count("dose_changed", "Lipitor"), 0);        // matched by its RxNorm code
  EXPECT_EQ(count("product_changed", "furosemide"), 0);  // strength in the name is not a product
  EXPECT_EQ(count("duplicate_therapy", "Lisinopril + Sacubitril"), 1);
  EXPECT_EQ(count("duplicate_therapy", "furosemide + Bumetanide"), 1);
  EXPECT_EQ(count("duplicate_therapy"), 2);
  for (const Discrepancy& d : found) {
    if (d.kind == "duplicate_therapy" && d.medication.find("Bumetanide") != std::string::npos) {
      EXPECT_EQ(d.detail, "same class: loop diuretic");
    }
  }
  // The same RxNorm code twice, and the same ingredient twice.
  auto dup = FindDiscrepancies(
      {},
      {Med(0, "Apixaban", "5 mg", "bid", "1364430"), Med(1, "Eliquis", "5 mg", "bid", "1364430"),
       Med(2, "Warfarin 5 mg", "5 mg", "daily"), Med(3, "warfarin", "2 mg", "daily")});
  EXPECT_EQ(std::count_if(dup.begin(), dup.end(),
                          [](const Discrepancy& d) { return d.kind == "duplicate_therapy"; }),
            4);  // a brand name outside the class list is caught by its code only
  EXPECT_EQ(dup[3].kind, "new");
  EXPECT_EQ(dup[4].detail, "same RxNorm code 1364430");
  // Insulins are told apart by their kind: basal and rapid-acting together are fine.
  auto insulin = FindDiscrepancies({}, {Med(0, "Insulin glargine", "20 units", "at bedtime"),
                                        Med(1, "Insulin lispro", "4 units", "with meals")});
  EXPECT_EQ(std::count_if(insulin.begin(), insulin.end(),
                          [](const Discrepancy& d) { return d.kind == "duplicate_therapy"; }),
            0);
  EXPECT_EQ(IngredientOf("Insulin Glargine 100 units/mL"), "insulin glargine");
  EXPECT_EQ(TherapeuticClass("carvedilol"), "beta blocker");
  EXPECT_FALSE(TherapeuticClass("acetaminophen"));
  // Route changes when both lists say a route.
  auto route = FindDiscrepancies({Med(0, "Furosemide", "40 mg", "daily", {}, "intravenous")},
                                 {Med(0, "Furosemide", "40 mg", "daily", {}, "oral")});
  ASSERT_EQ(route.size(), 1u);
  EXPECT_EQ(route[0].kind, "route_changed");
  EXPECT_EQ(route[0].detail, "intravenous → oral");
}

}  // namespace
}  // namespace ck::transitions
