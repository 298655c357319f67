// The demo's history, so that the outcome, evaluation, supervision and
// measure-pack reports have something to show: hospital stays and ED visits
// in the months before and after each enrolment (more before, as case
// management populations are found), follow-up calls, medication
// reconciliations, consents to case management, care plans with goals due,
// repeat PHQ-9s, notes signed after calls (not always in time), and a
// coverage booked for a case manager's leave. All synthetic.
#include <algorithm>
#include <set>

#include "demo/demo_data.h"
#include "transitions/readmissions.h"

namespace ck::demo {
namespace {

struct DemoCase {
  int64_t case_id, patient_id, user_id;
  std::string status, program;
  Timestamp referred_at;
};

}  // namespace

Status SeedHistory(db::Database& db, const Clock& clock, const TimeZone& tz) {
  const Timestamp now = clock.Now();
  const Timestamp day = kMillisPerDay;
  return db.Write([&](db::Connection& c) -> Status {
    // Assigned cases of patients whose only encounters are the demo's clinical
    // background (the transitions demo's patients keep their story as told).
    std::vector<DemoCase> cases;
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT k.id, k.patient_id, k.assigned_user_id, k.status, g.code, k.referred_at FROM "
        "cases k JOIN programs g ON g.id = k.program_id WHERE k.assigned_user_id IS NOT NULL AND "
        "NOT EXISTS (SELECT 1 FROM encounters e WHERE e.patient_id = k.patient_id AND "
        "(e.visit_number IS NULL OR e.visit_number NOT LIKE 'RGH7%')) ORDER BY k.id",
        {}, [&](const db::Row& r) {
          cases.push_back({r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Text(4), r.Int(5)});
          return Status::Ok();
        }));
    auto encounter = [&](int64_t p, const char* cls, Timestamp in, Timestamp out,
                         int n) -> Result<int64_t> {
      CK_ASSIGN_OR_RETURN(
          auto r, c.Query("INSERT INTO encounters (patient_id, encounter_class, facility, "
                          "visit_number, admitted_at, discharged_at, admission_type, "
                          "discharge_disposition, status, created_at, updated_at) VALUES (?, ?, "
                          "'Riverside General Hospital', ?, ?, ?, 'emergency', 'home', "
                          "'finished', ?, ?) RETURNING id",
                          {p, cls, "RGH9" + std::to_string(100000 + n), in, out, now, now}));
      return r.at(0).Int(0);
    };
    auto contact = [&](const DemoCase& k, Timestamp at, const char* outcome) -> Status {
      return c
          .Exec(
              "INSERT INTO case_contacts (case_id, patient_id, contact_at, method, direction, "
              "party, outcome, duration_minutes, summary, recorded_by, created_at) VALUES (?, "
              "?, ?, 'phone', 'outbound', 'patient', ?, ?, ?, ?, ?)",
              {k.case_id, k.patient_id, at, outcome,
               std::string(outcome) == "reached" ? db::Value(15) : db::Value(),
               "Follow-up call after the visit", k.user_id, at})
          .status();
    };
    auto note = [&](const DemoCase& k, Timestamp signed_at) -> Status {
      return c
          .Exec(
              "INSERT INTO case_notes (case_id, patient_id, note_type, body, status, author_id, "
              "created_at, updated_at, signed_at) VALUES (?, ?, 'progress', ?, 'signed', ?, ?, "
              "?, ?)",
              {k.case_id, k.patient_id,
               "Called after the visit: symptoms reviewed, medications checked, next "
               "appointment confirmed.",
               k.user_id, signed_at - kMillisPerHour, signed_at, signed_at})
          .status();
    };

    int n = 0;
    std::set<int64_t> touched;
    for (size_t i = 0; i < cases.size(); ++i) {
      const DemoCase& k = cases[i];
      const int v = static_cast<int>(i);
      const bool intensive =
          k.program == "heart_failure_transitions" || k.program == "copd_transitions";
      // Before enrolment: the stays that brought them to case management (the
      // last of them at least 75 days ago, clear of the recent stays).
      int before = intensive ? 1 + v % 3 : v % 3 == 0;
      Timestamp cursor = std::min(k.referred_at - (20 + v % 50) * day, now - 80 * day);
      for (int s = 0; s < before; ++s) {
        Timestamp in = cursor - (3 + v % 3) * day;
        CK_ASSIGN_OR_RETURN(int64_t e, encounter(k.patient_id, "inpatient", in, cursor, ++n));
        // Half of the discharges were reconciled by the case manager within days.
        if ((v + s) % 2 == 0 && k.status != "closed") {
          CK_RETURN_IF_ERROR(c.Exec("INSERT INTO medication_reconciliations (encounter_id, "
                                    "patient_id, status, source, created_by, created_at, "
                                    "completed_at, completed_by, updated_at) VALUES (?, ?, "
                                    "'completed', 'discharge_summary', ?, ?, ?, ?, ?)",
                                    {e, k.patient_id, k.user_id, cursor + 2 * day, cursor + 3 * day,
                                     k.user_id, cursor + 3 * day})
                                 .status());
        }
        if ((v + s) % 3 != 2) CK_RETURN_IF_ERROR(contact(k, cursor + (1 + s % 3) * day, "reached"));
        // Readmitted within a month now and then; otherwise months apart.
        cursor = in - ((v + s) % 4 == 0 ? 12 : 45 + v % 30) * day;
      }
      // ED visits: more before enrolment than after.
      if (v % 3 == 0 || intensive) {
        Timestamp ed = k.referred_at - (15 + v % 60) * day;
        if (ed < now - 40 * day) {
          CK_RETURN_IF_ERROR(
              encounter(k.patient_id, "emergency", ed, ed + 5 * kMillisPerHour, ++n).status());
          if (v % 2 == 0) CK_RETURN_IF_ERROR(contact(k, ed + 3 * day, "reached"));
        }
      }
      if (v % 7 == 0 && k.referred_at < now - 30 * day) {
        Timestamp ed = k.referred_at + (10 + v % 15) * day;
        CK_RETURN_IF_ERROR(
            encounter(k.patient_id, "emergency", ed, ed + 4 * kMillisPerHour, ++n).status());
        CK_RETURN_IF_ERROR(contact(k, ed + 2 * day, v % 3 ? "reached" : "no_answer"));
      }
      // Patients of the other programs go on using the hospital as before (the
      // comparison a program evaluation needs), clear of the last 40 days.
      if (!intensive && v % 3 == 1) {
        Timestamp ed = now - (41 + v % 35) * day;
        CK_RETURN_IF_ERROR(
            encounter(k.patient_id, "emergency", ed, ed + 6 * kMillisPerHour, ++n).status());
      }
      if (!intensive && v % 5 == 1) {
        Timestamp in = now - (45 + v % 20) * day;
        CK_RETURN_IF_ERROR(encounter(k.patient_id, "inpatient", in, in + 3 * day, ++n).status());
      }
      touched.insert(k.patient_id);
      if (k.status == "closed" || k.status == "referred") continue;

      // Consent to case management, on most files.
      if (v % 9 != 4) {
        CK_RETURN_IF_ERROR(
            c.Exec("INSERT INTO consents (patient_id, kind, method, granted_on, recorded_by, "
                   "created_at) VALUES (?, 'case_management', ?, ?, ?, ?)",
                   {k.patient_id, v % 2 ? "verbal" : "written",
                    FormatDate(tz.LocalDate(k.referred_at + day)), k.user_id, k.referred_at + day})
                .status());
      }
      // A note signed after each reached call of the last month: most the same
      // day, some two days late.
      std::vector<Timestamp> reached;
      CK_RETURN_IF_ERROR(
          c.ForEachRow("SELECT contact_at FROM case_contacts WHERE case_id = ? "
                       "AND outcome = 'reached' AND contact_at > ?",
                       {k.case_id, now - 40 * day}, [&](const db::Row& r) {
                         reached.push_back(r.Int(0));
                         return Status::Ok();
                       }));
      for (size_t t = 0; t < reached.size(); ++t) {
        if ((v + static_cast<int>(t)) % 5 == 0) continue;  // never written up
        Timestamp late =
            (v + static_cast<int>(t)) % 4 == 0 ? 50 * kMillisPerHour : 3 * kMillisPerHour;
        if (reached[t] + late < now) CK_RETURN_IF_ERROR(note(k, reached[t] + late));
      }
      // A repeat PHQ-9 three months before the current one (better or not).
      CK_ASSIGN_OR_RETURN(auto phq, c.Query("SELECT score, completed_at, instrument_version FROM "
                                            "assessments WHERE case_id = ? AND instrument_id = "
                                            "'phq9' AND status = 'completed' ORDER BY id LIMIT 1",
                                            {k.case_id}));
      if (!phq.empty() && !phq.at(0).IsNull(0)) {
        double earlier = std::min(27.0, phq.at(0).Real(0) + (v % 3 ? 7 : 1));
        Timestamp at = phq.at(0).Int(1) - 95 * day;
        CK_RETURN_IF_ERROR(
            c.Exec("INSERT INTO assessments (patient_id, case_id, instrument_id, "
                   "instrument_version, status, answers, score, started_by, started_at, "
                   "completed_by, completed_at, updated_at) VALUES (?, ?, 'phq9', ?, 'completed', "
                   "'{}', ?, ?, ?, ?, ?, ?)",
                   {k.patient_id, k.case_id, phq.at(0).Text(2), earlier, k.user_id, at, k.user_id,
                    at, at})
                .status());
      }
      // A care plan once planning has started, with goals due in the past months.
      if (k.status == "screening" || k.status == "assessment") continue;
      const bool overdue = v % 6 == 0;
      CK_ASSIGN_OR_RETURN(
          auto plan,
          c.Query("INSERT INTO care_plans (case_id, patient_id, title, status, "
                  "review_every_days, last_reviewed_at, next_review_due, agreed_at, "
                  "agreement_method, created_by, created_at, updated_at) VALUES (?, ?, ?, "
                  "'active', 30, ?, ?, ?, 'verbal', ?, ?, ?) RETURNING id",
                  {k.case_id, k.patient_id,
                   k.program == "diabetes_behavioral_health" ? "Diabetes and mood"
                   : intensive                               ? "Stay well at home"
                                                             : "Coordinated care",
                   now - (overdue ? 35 : 12) * day, now + (overdue ? -5 : 18) * day,
                   k.referred_at + 2 * day, k.user_id, k.referred_at + 2 * day, now}));
      const int64_t plan_id = plan.at(0).Int(0);
      static constexpr const char* kGoalStatus[] = {"achieved", "achieved", "not_achieved",
                                                    "active"};
      const char* goals[][2] = {{"Attend every follow-up appointment", "achieve"},
                                {"Walk 20 minutes a day, five days a week", "achieve"}};
      for (int g = 0; g < 2; ++g) {
        const bool past = g == 0;
        const char* status = past ? kGoalStatus[v % 4] : "active";
        CK_RETURN_IF_ERROR(
            c.Exec("INSERT INTO care_plan_goals (care_plan_id, patient_id, description, "
                   "direction, target_text, target_date, origin, status, status_changed_at, "
                   "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {plan_id, k.patient_id, goals[g][0], goals[g][1], "as stated",
                    FormatDate(tz.LocalDate(now + (past ? -(5 + v % 40) : 30 + v % 30) * day)),
                    g ? "patient_stated" : "clinician_set", status, now - 2 * day,
                    k.referred_at + 2 * day, now})
                .status());
      }
    }
    for (int64_t p : touched) CK_RETURN_IF_ERROR(transitions::RecomputeStays(c, p, tz, now));

    // Leave booked for a case manager in two weeks, a colleague covering.
    CK_ASSIGN_OR_RETURN(auto people,
                        c.Query("SELECT a.id, b.id, a.team_id, s.id FROM users a JOIN users b ON "
                                "b.username = 'cm.chen' JOIN users s ON s.username = "
                                "'sup.okafor' WHERE a.username = 'cm.johnson'",
                                {}));
    if (!people.empty()) {
      const db::Row& r = people.at(0);
      CK_RETURN_IF_ERROR(
          c.Exec("INSERT INTO caseload_coverages (team_id, absent_user_id, "
                 "covering_user_id, starts_at, ends_at, reason, created_by, "
                 "created_at) VALUES (?, ?, ?, ?, ?, 'annual leave', ?, ?)",
                 {r.Int(2), r.Int(0), r.Int(1), now + 14 * day, now + 21 * day, r.Int(3), now})
              .status());
    }
    return Status::Ok();
  });
}

}  // namespace ck::demo
