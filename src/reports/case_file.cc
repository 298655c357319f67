#include "reports/case_file.h"

#include <fmt/format.h>

#include <functional>

#include "audit/trail.h"
#include "reports/pdf.h"

namespace ck::reports {
namespace {

// A column as text: "-" when null; times (columns named *_at) as ISO-8601 UTC.
std::string T(const db::Row& r, size_t i) {
  if (r.IsNull(i)) return "-";
  return r.Text(i);
}
std::string At(const db::Row& r, size_t i) {
  if (r.IsNull(i)) return "-";
  return FormatTimestamp(r.Int(i));
}
std::string Opt(const db::Row& r, size_t i, const std::string& prefix) {
  if (r.IsNull(i) || r.Text(i).empty()) return "";
  return prefix + r.Text(i);
}

class Writer {
 public:
  Writer(db::Connection& c, PdfDocument& pdf) : c_(c), pdf_(pdf) {}

  // Runs `sql` and renders each row; "(none)" when there is none.
  Status Rows(const std::string& sql, const db::Params& p,
              const std::function<void(const db::Row&)>& render) {
    int n = 0;
    CK_RETURN_IF_ERROR(c_.ForEachRow(sql, p, [&](const db::Row& r) {
      ++n;
      render(r);
      return Status::Ok();
    }));
    if (n == 0) pdf_.Text("(none)");
    return Status::Ok();
  }

 private:
  db::Connection& c_;
  PdfDocument& pdf_;
};

}  // namespace

Result<std::string> CaseFilePdf(db::Database& db, const Clock& clock, const auth::Actor& actor,
                                int64_t case_id, const std::string& reason) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos || reason.size() > 500)
    return InvalidArgument("say why the case file is produced (1 to 500 bytes)", "reason");
  const Timestamp now = clock.Now();
  PdfDocument pdf("CONFIDENTIAL - protected health information (HIPAA). Case file " +
                  std::to_string(case_id) + ", produced " + FormatTimestamp(now) + " by " +
                  actor.username + ". Do not disclose further.");
  if (!pdf.ok()) return Internal("libharu could not start a document");
  int64_t patient = 0;
  CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    Writer w(c, pdf);
    CK_ASSIGN_OR_RETURN(
        auto k, c.Query("SELECT k.patient_id, p.name, k.status, k.referral_source, "
                        "k.referral_reason, k.urgency, k.referred_at, k.acuity, u.display_name, "
                        "k.closure_reason, k.closed_at, k.created_at FROM cases k JOIN programs p "
                        "ON p.id = k.program_id LEFT JOIN users u ON u.id = k.assigned_user_id "
                        "WHERE k.id = ?",
                        {case_id}));
    if (k.empty()) return NotFound("no case " + std::to_string(case_id));
    const db::Row& kase = k.at(0);
    patient = kase.Int(0);
    const db::Params pp{patient}, kp{case_id};

    pdf.Title("Confidential case file: case " + std::to_string(case_id));
    pdf.Field("Produced", FormatTimestamp(now) + " by " + actor.username + " (" + actor.role + ")");
    pdf.Field("Reason", reason);
    pdf.Field("Times", "UTC, ISO-8601");

    // 1. The patient.
    pdf.Heading("1. Patient");
    CK_ASSIGN_OR_RETURN(auto p,
                        c.Query("SELECT given_name, family_name, preferred_name, birth_date, "
                                "administrative_sex, preferred_language, interpreter_needed, "
                                "address_line1, address_line2, address_city, address_state, "
                                "address_postal_code, email FROM patients WHERE id = ?",
                                pp));
    if (!p.empty()) {
      const db::Row& r = p.at(0);
      pdf.Field("Name",
                r.Text(0) + " " + r.Text(1) + Opt(r, 2, " (known as ") + (r.IsNull(2) ? "" : ")"));
      pdf.Field("Date of birth", T(r, 3));
      pdf.Field("Sex", T(r, 4));
      pdf.Field("Preferred language",
                T(r, 5) + (!r.IsNull(6) && r.Int(6) != 0 ? ", interpreter needed" : ""));
      pdf.Field("Address",
                T(r, 7) + Opt(r, 8, ", ") + Opt(r, 9, ", ") + Opt(r, 10, ", ") + Opt(r, 11, " "));
      if (!r.IsNull(12)) pdf.Field("Email", r.Text(12));
    }
    pdf.Subheading("Identifiers and phones");
    CK_RETURN_IF_ERROR(
        w.Rows("SELECT system, value FROM patient_identifiers WHERE patient_id = ? ORDER BY id", pp,
               [&](const db::Row& r) { pdf.Text(r.Text(0) + ": " + r.Text(1)); }));
    CK_RETURN_IF_ERROR(
        c.ForEachRow("SELECT number, phone_use FROM patient_phones WHERE patient_id = ? ORDER BY "
                     "id",
                     pp, [&](const db::Row& r) {
                       pdf.Text("Phone (" + r.Text(1) + "): " + r.Text(0));
                       return Status::Ok();
                     }));

    // 2. Coverage.
    pdf.Heading("2. Coverage");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT payer, plan, product_type, member_id, effective_from, effective_to, priority, "
        "status FROM coverages WHERE patient_id = ? ORDER BY id",
        pp, [&](const db::Row& r) {
          pdf.Text(r.Text(0) + Opt(r, 1, ", ") + " (" + r.Text(2) + "), member " + r.Text(3) +
                   ", " + r.Text(4) + " to " + T(r, 5) + ", " + r.Text(6) + ", " + r.Text(7));
        }));

    // 3. Care team.
    pdf.Heading("3. Care team");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT u.display_name, m.member_role, m.added_at, m.removed_at FROM care_team_members m "
        "JOIN users u ON u.id = m.user_id WHERE m.patient_id = ? ORDER BY m.id",
        pp, [&](const db::Row& r) {
          pdf.Text(r.Text(0) + ", " + r.Text(1) + ", from " + At(r, 2) +
                   (r.IsNull(3) ? "" : " to " + At(r, 3)));
        }));
    pdf.Subheading("Outside the organisation");
    CK_RETURN_IF_ERROR(
        w.Rows("SELECT d.name, d.organisation, t.role, d.phone, t.added_at, t.removed_at FROM "
               "case_team_members t JOIN directory_entries d ON d.id = t.directory_entry_id WHERE "
               "t.case_id = ? ORDER BY t.id",
               kp, [&](const db::Row& r) {
                 pdf.Text(r.Text(0) + Opt(r, 1, ", ") + " - " + r.Text(2) + Opt(r, 3, ", phone ") +
                          ", from " + At(r, 4) + (r.IsNull(5) ? "" : " to " + At(r, 5)));
               }));

    // 4. The case.
    pdf.Heading("4. The case");
    pdf.Field("Program", kase.Text(1));
    pdf.Field("Status", kase.Text(2));
    pdf.Field("Referral", kase.Text(3) + ", " + kase.Text(5) + ", " + At(kase, 6));
    pdf.Field("Reason for referral", kase.Text(4));
    pdf.Field("Acuity", T(kase, 7));
    pdf.Field("Case manager", T(kase, 8));
    if (!kase.IsNull(10)) pdf.Field("Closed", At(kase, 10) + Opt(kase, 9, ": "));
    pdf.Subheading("Status history");
    CK_RETURN_IF_ERROR(
        w.Rows("SELECT s.changed_at, s.from_status, s.to_status, s.reason, u.display_name FROM "
               "case_status_changes s LEFT JOIN users u ON u.id = s.changed_by WHERE s.case_id = ? "
               "ORDER BY s.id",
               kp, [&](const db::Row& r) {
                 pdf.Text(At(r, 0) + "  " + T(r, 1) + " -> " + r.Text(2) + Opt(r, 3, ": ") +
                          Opt(r, 4, " (") + (r.IsNull(4) ? "" : ")"));
               }));
    pdf.Subheading("Assignments");
    CK_RETURN_IF_ERROR(
        w.Rows("SELECT a.assigned_at, u.display_name, a.ended_at, a.reason FROM case_assignments a "
               "JOIN users u ON u.id = a.user_id WHERE a.case_id = ? ORDER BY a.id",
               kp, [&](const db::Row& r) {
                 pdf.Text(At(r, 0) + "  " + r.Text(1) + (r.IsNull(2) ? "" : " until " + At(r, 2)) +
                          Opt(r, 3, ": "));
               }));

    // 5. Clinical background.
    pdf.Heading("5. Conditions, medications, allergies");
    pdf.Subheading("Conditions");
    CK_RETURN_IF_ERROR(
        w.Rows("SELECT code, description, status, onset_date FROM conditions WHERE patient_id = ? "
               "ORDER BY id",
               pp, [&](const db::Row& r) {
                 pdf.Text(r.Text(0) + Opt(r, 1, " ") + " - " + r.Text(2) + Opt(r, 3, ", since "));
               }));
    pdf.Subheading("Medications");
    CK_RETURN_IF_ERROR(
        w.Rows("SELECT name, dose, frequency, status, start_date, stop_date FROM medications WHERE "
               "patient_id = ? ORDER BY id",
               pp, [&](const db::Row& r) {
                 pdf.Text(r.Text(0) + Opt(r, 1, " ") + Opt(r, 2, " ") + " - " + r.Text(3) +
                          Opt(r, 4, ", from ") + Opt(r, 5, " to "));
               }));
    pdf.Subheading("Allergies");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT substance, reaction, severity, status FROM allergies WHERE patient_id = ? ORDER "
        "BY id",
        pp, [&](const db::Row& r) {
          pdf.Text(r.Text(0) + Opt(r, 1, ": ") + Opt(r, 2, " (") + (r.IsNull(2) ? "" : ")") +
                   " - " + r.Text(3));
        }));
    pdf.Subheading("Hospital and emergency stays");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT encounter_class, facility, admitted_at, discharged_at, discharge_disposition, "
        "diagnoses, status FROM encounters WHERE patient_id = ? AND encounter_class <> "
        "'outpatient' ORDER BY admitted_at",
        pp, [&](const db::Row& r) {
          pdf.Text(r.Text(0) + " at " + r.Text(1) + ", " + At(r, 2) + " to " + At(r, 3) +
                   Opt(r, 4, ", to ") + Opt(r, 5, ", dx ") + " (" + r.Text(6) + ")");
        }));

    // 6. Assessments and alerts.
    pdf.Heading("6. Assessments and alerts");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT a.instrument_id, a.instrument_version, a.status, a.score, a.band, a.flags, "
        "a.positive_domains, a.completed_at, u.display_name FROM assessments a LEFT JOIN users u "
        "ON u.id = a.completed_by WHERE a.case_id = ? ORDER BY a.id",
        kp, [&](const db::Row& r) {
          std::string score = r.IsNull(3) ? "" : fmt::format(", score {:g}", r.Real(3));
          pdf.Text(r.Text(0) + " v" + r.Text(1) + " - " + r.Text(2) + score + Opt(r, 4, ", ") +
                   Opt(r, 5, ", flags ") + Opt(r, 6, ", positive: ") + ", completed " + At(r, 7) +
                   Opt(r, 8, " by "));
        }));
    pdf.Subheading("Alerts");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT kind, severity, reason, status, raised_at, resolved_at, resolution FROM alerts "
        "WHERE case_id = ? ORDER BY id",
        kp, [&](const db::Row& r) {
          pdf.Text(At(r, 4) + "  " + r.Text(1) + " " + r.Text(0) + ": " + r.Text(2) + " - " +
                   r.Text(3) + (r.IsNull(5) ? "" : ", resolved " + At(r, 5)) + Opt(r, 6, ": "));
        }));

    // 7. Care plans.
    pdf.Heading("7. Care plans");
    CK_ASSIGN_OR_RETURN(
        auto plans,
        c.Query("SELECT id, title, status, agreed_at, agreement_method, "
                "next_review_due, version FROM care_plans WHERE case_id = ? ORDER BY id",
                kp));
    if (plans.empty()) pdf.Text("(none)");
    for (const db::Row& cp : plans) {
      const db::Params plan{cp.Int(0)};
      pdf.Subheading(cp.Text(1) + " (" + cp.Text(2) + ", version " + cp.Text(6) + ")");
      if (!cp.IsNull(3)) pdf.Field("Agreed", At(cp, 3) + Opt(cp, 4, ", "));
      pdf.Field("Next review due", T(cp, 5));
      CK_RETURN_IF_ERROR(c.ForEachRow(
          "SELECT description, status FROM care_plan_problems WHERE care_plan_id = ? ORDER BY id",
          plan, [&](const db::Row& r) {
            pdf.Text("Problem: " + r.Text(0) + " (" + r.Text(1) + ")");
            return Status::Ok();
          }));
      CK_RETURN_IF_ERROR(c.ForEachRow(
          "SELECT g.id, g.description, g.status, g.target_text, g.target_date, (SELECT "
          "COUNT(*) FROM care_plan_goal_progress x WHERE x.goal_id = g.id) FROM care_plan_goals "
          "g WHERE g.care_plan_id = ? ORDER BY g.id",
          plan, [&](const db::Row& r) {
            pdf.Text("Goal: " + r.Text(1) + " - " + r.Text(2) + Opt(r, 3, ", target ") +
                     Opt(r, 4, " by ") + ", " + r.Text(5) + " progress entries");
            return Status::Ok();
          }));
      CK_RETURN_IF_ERROR(c.ForEachRow(
          "SELECT description, responsible, status FROM care_plan_interventions WHERE "
          "care_plan_id = ? ORDER BY id",
          plan, [&](const db::Row& r) {
            pdf.Text("Intervention: " + r.Text(0) + Opt(r, 1, " - ") + " (" + r.Text(2) + ")");
            return Status::Ok();
          }));
      CK_RETURN_IF_ERROR(c.ForEachRow(
          "SELECT v.version, v.reason, v.at, u.display_name FROM care_plan_versions v LEFT JOIN "
          "users u ON u.id = v.by_user_id WHERE v.care_plan_id = ? ORDER BY v.id",
          plan, [&](const db::Row& r) {
            pdf.Small("Version " + r.Text(0) + ", " + At(r, 2) + Opt(r, 3, " by ") +
                      Opt(r, 1, ": "));
            return Status::Ok();
          }));
    }

    // 8. Notes, with their addenda under them.
    pdf.Heading("8. Notes and addenda");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT n.id, n.note_type, n.status, n.body, n.signed_at, u.display_name, "
        "n.amends_note_id, n.created_at FROM case_notes n LEFT JOIN users u ON u.id = "
        "n.author_id WHERE n.case_id = ? ORDER BY COALESCE(n.amends_note_id, n.id), n.id",
        kp, [&](const db::Row& r) {
          bool addendum = !r.IsNull(6);
          pdf.Subheading(
              (addendum ? "Addendum " + r.Text(0) + " to note " + r.Text(6) : "Note " + r.Text(0)) +
              " (" + r.Text(1) + ", " + r.Text(2) + ")");
          pdf.Field("Written", At(r, 7) + Opt(r, 5, " by ") +
                                   (r.IsNull(4) ? ", unsigned" : ", signed " + At(r, 4)));
          pdf.Text(r.Text(3));
        }));

    // 9. Contacts.
    pdf.Heading("9. Contacts");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT x.contact_at, x.method, x.direction, x.party, x.party_name, x.outcome, "
        "x.duration_minutes, x.summary, u.display_name FROM case_contacts x LEFT JOIN users u ON "
        "u.id = x.recorded_by WHERE x.case_id = ? ORDER BY x.contact_at, x.id",
        kp, [&](const db::Row& r) {
          pdf.Text(At(r, 0) + "  " + r.Text(2) + " " + r.Text(1) + " with " + r.Text(3) +
                   Opt(r, 4, " ") + " - " + r.Text(5) + Opt(r, 6, ", minutes ") +
                   Opt(r, 8, ", by ") + Opt(r, 7, ": "));
        }));

    // 10. Tasks and appointments.
    pdf.Heading("10. Tasks and appointments");
    CK_RETURN_IF_ERROR(
        w.Rows("SELECT t.title, t.task_type, t.priority, t.status, t.due_at, t.completed_at, "
               "u.display_name, t.outcome FROM tasks t LEFT JOIN users u ON u.id = t.owner_user_id "
               "WHERE t.case_id = ? ORDER BY t.due_at, t.id",
               kp, [&](const db::Row& r) {
                 pdf.Text(r.Text(0) + " (" + r.Text(1) + ", " + r.Text(2) + ") - " + r.Text(3) +
                          ", due " + At(r, 4) + (r.IsNull(5) ? "" : ", done " + At(r, 5)) +
                          Opt(r, 6, ", ") + Opt(r, 7, ": "));
               }));
    pdf.Subheading("Appointments");
    CK_RETURN_IF_ERROR(
        w.Rows("SELECT kind, reason, provider, starts_at, status, cancellation_reason FROM "
               "appointments WHERE case_id = ? ORDER BY starts_at",
               kp, [&](const db::Row& r) {
                 pdf.Text(At(r, 3) + "  " + r.Text(0) + Opt(r, 1, ": ") + Opt(r, 2, " with ") +
                          " - " + r.Text(4) + Opt(r, 5, ", "));
               }));

    // 11. Insurance.
    pdf.Heading("11. Authorizations and appeals");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT id, payer, urgency, status, submitted_at, decision_due_at, decided_at, "
        "denial_reason, approved_from, approved_to FROM prior_authorizations WHERE patient_id = "
        "? AND (case_id = ? OR case_id IS NULL) ORDER BY id",
        {patient, case_id}, [&](const db::Row& r) {
          pdf.Text("Authorization " + r.Text(0) + ", " + r.Text(1) + " (" + r.Text(2) + ") - " +
                   r.Text(3) + ", submitted " + At(r, 4) + ", due " + At(r, 5) +
                   (r.IsNull(6) ? "" : ", decided " + At(r, 6)) + Opt(r, 7, ", reason: ") +
                   Opt(r, 8, ", approved ") + Opt(r, 9, " to "));
        }));
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT id, level_name, status, filing_deadline, filed_at, decision_due_at, outcome, "
        "authorization_id FROM appeals WHERE patient_id = ? ORDER BY id",
        pp, [&](const db::Row& r) {
          pdf.Text("Appeal " + r.Text(0) + Opt(r, 7, " of authorization ") + ": " + r.Text(1) +
                   " - " + r.Text(2) + ", filing deadline " + At(r, 3) +
                   (r.IsNull(4) ? "" : ", filed " + At(r, 4)) + Opt(r, 6, ", outcome "));
          return Status::Ok();
        }));

    // 12. Social needs.
    pdf.Heading("12. Barriers and community referrals");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT id, domain, severity, status, source, identified_at, outcome, closed_at FROM "
        "barriers WHERE case_id = ? ORDER BY id",
        kp, [&](const db::Row& r) {
          pdf.Text("Barrier " + r.Text(0) + ": " + r.Text(1) + " (" + r.Text(2) + ", " + r.Text(4) +
                   ") - " + r.Text(3) + ", identified " + At(r, 5) +
                   (r.IsNull(7) ? "" : ", closed " + At(r, 7)) + Opt(r, 6, ": "));
        }));
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT f.id, f.barrier_id, r.organization, r.service, f.status, f.sent_at, "
        "f.answered_at, f.decline_reason, f.service_date, f.outcome_note FROM resource_referrals "
        "f JOIN community_resources r ON r.id = f.resource_id WHERE f.case_id = ? ORDER BY f.id",
        kp, [&](const db::Row& r) {
          pdf.Text("Referral " + r.Text(0) + " (barrier " + r.Text(1) + ") to " + r.Text(2) + ", " +
                   r.Text(3) + " - " + r.Text(4) + ", sent " + At(r, 5) +
                   (r.IsNull(6) ? "" : ", answered " + At(r, 6)) + Opt(r, 7, ", declined: ") +
                   Opt(r, 8, ", service on ") + Opt(r, 9, ": "));
          return Status::Ok();
        }));

    // 13. Education.
    pdf.Heading("13. Education");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT m.title, m.language, a.status, a.delivered_at, a.teach_back_result FROM "
        "education_assignments a JOIN education_materials m ON m.id = a.material_id WHERE "
        "a.case_id = ? ORDER BY a.id",
        kp, [&](const db::Row& r) {
          pdf.Text(r.Text(0) + " (" + r.Text(1) + ") - " + r.Text(2) +
                   (r.IsNull(3) ? "" : ", delivered " + At(r, 3)) + Opt(r, 4, ", teach-back "));
        }));

    // 14. Consents.
    pdf.Heading("14. Consents");
    CK_RETURN_IF_ERROR(w.Rows(
        "SELECT kind, party_name, scope, method, granted_on, expires_on, revoked_at, "
        "revocation_reason FROM consents WHERE patient_id = ? ORDER BY id",
        pp, [&](const db::Row& r) {
          pdf.Text(r.Text(0) + Opt(r, 1, " with ") + Opt(r, 2, " (") + (r.IsNull(2) ? "" : ")") +
                   ", " + r.Text(3) + ", granted " + r.Text(4) + Opt(r, 5, ", expires ") +
                   (r.IsNull(6) ? "" : ", revoked " + At(r, 6)) + Opt(r, 7, ": "));
        }));

    // 15. Who looked at and changed the record.
    pdf.Heading("15. Access log extract (latest 300 records about this patient)");
    CK_RETURN_IF_ERROR(
        w.Rows("SELECT at, username, role, action, entity_type, entity_id, outcome FROM audit_log "
               "WHERE patient_id = ? ORDER BY id DESC LIMIT 300",
               pp, [&](const db::Row& r) {
                 pdf.Small(At(r, 0) + "  " + r.Text(1) + " (" + r.Text(2) + ")  " + r.Text(3) +
                           "  " + r.Text(4) + " " + r.Text(5) + "  " + r.Text(6));
               }));
    return Status::Ok();
  }));
  CK_ASSIGN_OR_RETURN(std::string bytes, pdf.Finish("Case file " + std::to_string(case_id)));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db, audit::EventBy(actor, now, "case_file.produce", "case",
                                          std::to_string(case_id), patient, "reason: " + reason)));
  return bytes;
}

}  // namespace ck::reports
