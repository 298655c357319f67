#include "cases/store.h"

#include "patients/store.h"

namespace ck::cases {
namespace {

constexpr const char* kCaseColumns =
    "k.id, k.patient_id, p.code, k.status, k.referral_source, k.referral_reason, k.urgency, "
    "k.referred_at, k.triage_due_at, k.acuity, k.assigned_user_id, k.closure_reason, k.closed_at, "
    "k.created_at, k.updated_at, k.version, "
    "(SELECT COUNT(*) FROM case_contacts x WHERE x.case_id = k.id AND x.direction = 'outbound' AND "
    "x.outcome IN ('voicemail', 'no_answer', 'wrong_number') AND x.contact_at > COALESCE((SELECT "
    "MAX(y.contact_at) FROM case_contacts y WHERE y.case_id = k.id AND y.outcome = 'reached'), "
    "-1)), "
    "(SELECT r.tier FROM patient_risk r WHERE r.patient_id = k.patient_id), "
    "(SELECT r.reasons FROM patient_risk r WHERE r.patient_id = k.patient_id)";

Case CaseFromRow(const db::Row& r) {
  Case k;
  k.id = r.Int(0);
  k.patient_id = r.Int(1);
  k.program = r.Text(2);
  auto stage = ParseStage(r.Text(3));
  k.stage = stage.ok() ? *stage : Stage::kReferred;  // the CHECK constraint keeps it valid
  k.referral_source = r.Text(4);
  k.referral_reason = r.Text(5);
  k.urgency = r.Text(6);
  k.referred_at = r.Int(7);
  k.triage_due_at = r.Int(8);
  k.acuity = r.OptText(9);
  k.assigned_user_id = r.OptInt(10);
  k.closure_reason = r.OptText(11);
  k.closed_at = r.OptInt(12);
  k.created_at = r.Int(13);
  k.updated_at = r.Int(14);
  k.version = static_cast<int>(r.Int(15));
  k.consecutive_unreached = static_cast<int>(r.Int(16));
  if (!r.IsNull(17)) k.risk_tier = static_cast<int>(r.Int(17));
  k.risk_reasons = r.OptText(18);
  return k;
}

constexpr const char* kNoteColumns =
    "id, case_id, patient_id, note_type, body, status, author_id, amends_note_id, created_at, "
    "updated_at, signed_at, version";

Note NoteFromRow(const db::Row& r) {
  Note n;
  n.id = r.Int(0);
  n.case_id = r.Int(1);
  n.patient_id = r.Int(2);
  n.note_type = r.Text(3);
  n.body = r.Text(4);
  n.status = r.Text(5);
  n.author_id = r.Int(6);
  n.amends_note_id = r.OptInt(7);
  n.created_at = r.Int(8);
  n.updated_at = r.Int(9);
  n.signed_at = r.OptInt(10);
  n.version = static_cast<int>(r.Int(11));
  return n;
}

constexpr const char* kContactColumns =
    "id, case_id, patient_id, contact_at, method, direction, party, party_name, outcome, "
    "duration_minutes, summary, recorded_by, created_at";

Contact ContactFromRow(const db::Row& r) {
  Contact k;
  k.id = r.Int(0);
  k.case_id = r.Int(1);
  k.patient_id = r.Int(2);
  k.contact_at = r.Int(3);
  k.method = r.Text(4);
  k.direction = r.Text(5);
  k.party = r.Text(6);
  k.party_name = r.OptText(7);
  k.outcome = r.Text(8);
  if (!r.IsNull(9)) k.duration_minutes = static_cast<int>(r.Int(9));
  k.summary = r.OptText(10);
  k.recorded_by = r.Int(11);
  k.created_at = r.Int(12);
  return k;
}

Status VersionConflict(db::Connection& c, const char* table, int64_t id, int expected) {
  CK_ASSIGN_OR_RETURN(auto rows,
                      c.Query(std::string("SELECT version FROM ") + table + " WHERE id = ?", {id}));
  if (rows.empty())
    return NotFound(std::string("no such ") + (std::string(table) == "cases" ? "case" : "note"));
  return Status(ErrorCode::kConflict,
                "changed since version " + std::to_string(expected) + " (now " +
                    std::to_string(rows.at(0).Int(0)) + "); reload and apply again",
                "version");
}

}  // namespace

Result<int64_t> ProgramId(db::Connection& c, const std::string& code) {
  CK_ASSIGN_OR_RETURN(auto rows,
                      c.Query("SELECT id FROM programs WHERE code = ? AND active = 1", {code}));
  if (rows.empty()) return InvalidArgument("no active program with this code", "program");
  return rows.at(0).Int(0);
}

Result<Case> InsertCase(db::Connection& c, const NewCase& n, Timestamp referred_at,
                        Timestamp triage_due_at, std::optional<int64_t> created_by, Timestamp now) {
  CK_ASSIGN_OR_RETURN(int64_t program, ProgramId(c, n.program));
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("INSERT INTO cases (patient_id, program_id, status, referral_source, "
              "referral_reason, urgency, referred_at, triage_due_at, acuity, created_by, "
              "created_at, updated_at) VALUES (?, ?, 'referred', ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "RETURNING id",
              {n.patient_id, program, n.referral_source, n.referral_reason, n.urgency, referred_at,
               triage_due_at, n.acuity, created_by, now, now}));
  return GetCase(c, rows.at(0).Int(0));
}

Result<Case> GetCase(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kCaseColumns +
                                             " FROM cases k JOIN programs p ON p.id = k.program_id "
                                             "WHERE k.id = ?",
                                         {id}));
  if (rows.empty()) return NotFound("no case with id " + std::to_string(id));
  return CaseFromRow(rows.at(0));
}

Result<std::vector<Case>> ListCases(db::Connection& c, int64_t patient_id) {
  std::vector<Case> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(std::string("SELECT ") + kCaseColumns +
                                      " FROM cases k JOIN programs p ON p.id = k.program_id "
                                      "WHERE k.patient_id = ? ORDER BY k.id",
                                  {patient_id}, [&](const db::Row& r) {
                                    out.push_back(CaseFromRow(r));
                                    return Status::Ok();
                                  }));
  return out;
}

Result<std::vector<Case>> ListUnassignedReferrals(db::Connection& c, int limit) {
  std::vector<Case> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(std::string("SELECT ") + kCaseColumns +
                                      " FROM cases k JOIN programs p ON p.id = k.program_id "
                                      "WHERE k.assigned_user_id IS NULL AND k.status = 'referred' "
                                      "ORDER BY k.triage_due_at, k.id LIMIT ?",
                                  {limit}, [&](const db::Row& r) {
                                    out.push_back(CaseFromRow(r));
                                    return Status::Ok();
                                  }));
  return out;
}

Result<std::vector<Case>> ListAssignedCases(db::Connection& c, int64_t user_id, bool include_closed,
                                            int64_t after_id, int limit,
                                            const auth::Principal& viewer, Timestamp now) {
  std::vector<Case> out;
  std::string sql = std::string("SELECT ") + kCaseColumns +
                    " FROM cases k JOIN programs p ON p.id = k.program_id WHERE k.assigned_user_id "
                    "= ? AND k.id > ?";
  db::Params params{user_id, after_id};
  if (!include_closed) sql += " AND k.status <> 'closed'";
  sql += patients::VisiblePatients(viewer, now, "k.patient_id", params);
  sql += " ORDER BY k.id LIMIT ?";
  params.emplace_back(limit);
  CK_RETURN_IF_ERROR(c.ForEachRow(sql, params, [&](const db::Row& r) {
    out.push_back(CaseFromRow(r));
    return Status::Ok();
  }));
  return out;
}

Status UpdateCaseStage(db::Connection& c, const Case& k, int expected_version, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      int64_t n,
      c.Exec("UPDATE cases SET status = ?, closure_reason = ?, closed_at = ?, updated_at = ?, "
             "version = version + 1 WHERE id = ? AND version = ?",
             {StageName(k.stage), k.closure_reason, k.closed_at, now, k.id, expected_version}));
  if (n == 0) return VersionConflict(c, "cases", k.id, expected_version);
  return Status::Ok();
}

Status UpdateCaseAcuity(db::Connection& c, int64_t id, const std::optional<std::string>& acuity,
                        int expected_version, Timestamp now) {
  CK_ASSIGN_OR_RETURN(int64_t n,
                      c.Exec("UPDATE cases SET acuity = ?, updated_at = ?, version = version + 1 "
                             "WHERE id = ? AND version = ?",
                             {acuity, now, id, expected_version}));
  if (n == 0) return VersionConflict(c, "cases", id, expected_version);
  return Status::Ok();
}

Status InsertStatusChange(db::Connection& c, const Case& k, std::optional<Stage> from, Stage to,
                          const std::optional<std::string>& reason, std::optional<int64_t> by,
                          Timestamp now) {
  std::optional<std::string> from_name;
  if (from) from_name = std::string(StageName(*from));
  return c
      .Exec(
          "INSERT INTO case_status_changes (case_id, patient_id, from_status, to_status, reason, "
          "changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          {k.id, k.patient_id, from_name, StageName(to), reason, by, now})
      .status();
}

Result<std::vector<StatusChange>> ListStatusChanges(db::Connection& c, int64_t case_id) {
  std::vector<StatusChange> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT id, from_status, to_status, reason, changed_by, changed_at FROM "
      "case_status_changes WHERE case_id = ? ORDER BY id",
      {case_id}, [&](const db::Row& r) {
        out.push_back({r.Int(0), r.OptText(1), r.Text(2), r.OptText(3), r.OptInt(4), r.Int(5)});
        return Status::Ok();
      }));
  return out;
}

Status Reassign(db::Connection& c, const Case& k, int64_t user_id, std::optional<int64_t> by,
                const std::optional<std::string>& reason, Timestamp now) {
  CK_RETURN_IF_ERROR(
      c.Exec("UPDATE case_assignments SET ended_at = ? WHERE case_id = ? AND ended_at IS NULL",
             {now, k.id})
          .status());
  CK_RETURN_IF_ERROR(
      c.Exec("INSERT INTO case_assignments (case_id, patient_id, user_id, assigned_by, "
             "assigned_at, reason) VALUES (?, ?, ?, ?, ?, ?)",
             {k.id, k.patient_id, user_id, by, now, reason})
          .status());
  // The case's open work follows it: tasks the previous case manager owned
  // move to the new one, each with an event in its history.
  if (k.assigned_user_id && *k.assigned_user_id != user_id) {
    constexpr const char* kOpenOwned =
        "FROM tasks WHERE case_id = ? AND owner_user_id = ? AND status IN ('open', "
        "'in_progress', 'paused')";
    CK_RETURN_IF_ERROR(c.Exec(std::string("INSERT INTO task_events (task_id, patient_id, kind, "
                                          "detail, by_user_id, at) SELECT id, patient_id, "
                                          "'reassigned', ?, ?, ? ") +
                                  kOpenOwned,
                              {"with the case, from user " + std::to_string(*k.assigned_user_id) +
                                   " to user " + std::to_string(user_id),
                               by, now, k.id, *k.assigned_user_id})
                           .status());
    CK_RETURN_IF_ERROR(c.Exec(std::string("UPDATE tasks SET owner_user_id = ?, updated_at = ?, "
                                          "version = version + 1 WHERE id IN (SELECT id ") +
                                  kOpenOwned + ")",
                              {user_id, now, k.id, *k.assigned_user_id})
                           .status());
  }
  return c
      .Exec(
          "UPDATE cases SET assigned_user_id = ?, updated_at = ?, version = version + 1 WHERE id = "
          "?",
          {user_id, now, k.id})
      .status();
}

Result<std::vector<Assignment>> ListAssignments(db::Connection& c, int64_t case_id) {
  std::vector<Assignment> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT id, user_id, assigned_by, assigned_at, ended_at, reason FROM "
      "case_assignments WHERE case_id = ? ORDER BY id",
      {case_id}, [&](const db::Row& r) {
        out.push_back({r.Int(0), r.Int(1), r.OptInt(2), r.Int(3), r.OptInt(4), r.OptText(5)});
        return Status::Ok();
      }));
  return out;
}

Result<Note> InsertNote(db::Connection& c, const Note& n, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(
          "INSERT INTO case_notes (case_id, patient_id, note_type, body, status, author_id, "
          "amends_note_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?) "
          "RETURNING id",
          {n.case_id, n.patient_id, n.note_type, n.body, n.author_id, n.amends_note_id, now, now}));
  return GetNote(c, rows.at(0).Int(0));
}

Status LoadConference(db::Connection& c, Note& n) {
  CK_RETURN_IF_ERROR(
      c.ForEachRow("SELECT name, role FROM note_attendees WHERE note_id = ? ORDER BY id", {n.id},
                   [&](const db::Row& r) {
                     n.attendees.push_back({r.Text(0), r.Text(1)});
                     return Status::Ok();
                   }));
  return c.ForEachRow(
      "SELECT id, decision, owner, due_date FROM note_decisions WHERE note_id = ? ORDER BY id",
      {n.id}, [&](const db::Row& r) {
        n.decisions.push_back({r.Int(0), r.Text(1), r.OptText(2), r.OptText(3)});
        return Status::Ok();
      });
}

Status ReplaceConference(db::Connection& c, int64_t note_id, const std::vector<Attendee>& attendees,
                         const std::vector<Decision>& decisions) {
  CK_RETURN_IF_ERROR(c.Exec("DELETE FROM note_attendees WHERE note_id = ?", {note_id}).status());
  CK_RETURN_IF_ERROR(c.Exec("DELETE FROM note_decisions WHERE note_id = ?", {note_id}).status());
  for (const Attendee& a : attendees) {
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO note_attendees (note_id, name, role) VALUES (?, ?, ?)",
                              {note_id, a.name, a.role})
                           .status());
  }
  for (const Decision& d : decisions) {
    CK_RETURN_IF_ERROR(
        c.Exec(
             "INSERT INTO note_decisions (note_id, decision, owner, due_date) VALUES (?, ?, ?, ?)",
             {note_id, d.decision, d.owner, d.due_date})
            .status());
  }
  return Status::Ok();
}

Result<Note> GetNote(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(std::string("SELECT ") + kNoteColumns + " FROM case_notes WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("no note with id " + std::to_string(id));
  Note n = NoteFromRow(rows.at(0));
  CK_RETURN_IF_ERROR(LoadConference(c, n));
  return n;
}

Result<std::vector<Note>> ListNotes(db::Connection& c, int64_t case_id) {
  std::vector<Note> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      std::string("SELECT ") + kNoteColumns + " FROM case_notes WHERE case_id = ? ORDER BY id",
      {case_id}, [&](const db::Row& r) {
        out.push_back(NoteFromRow(r));
        return Status::Ok();
      }));
  for (Note& n : out) {
    if (n.note_type == "case_conference") CK_RETURN_IF_ERROR(LoadConference(c, n));
  }
  return out;
}

Status UpdateDraftBody(db::Connection& c, int64_t id, const std::string& body, int expected_version,
                       Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      int64_t n, c.Exec("UPDATE case_notes SET body = ?, updated_at = ?, version = version + 1 "
                        "WHERE id = ? AND version = ? AND status = 'draft'",
                        {body, now, id, expected_version}));
  if (n == 0) return VersionConflict(c, "case_notes", id, expected_version);
  return Status::Ok();
}

Status MarkSigned(db::Connection& c, int64_t id, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      int64_t n, c.Exec("UPDATE case_notes SET status = 'signed', signed_at = ?, updated_at = ?, "
                        "version = version + 1 WHERE id = ? AND status = 'draft'",
                        {now, now, id}));
  if (n == 0) return FailedPrecondition("the note is already signed");
  return Status::Ok();
}

Result<Contact> InsertContact(db::Connection& c, const Contact& k, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("INSERT INTO case_contacts (case_id, patient_id, contact_at, method, direction, "
              "party, party_name, outcome, duration_minutes, summary, recorded_by, created_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {k.case_id, k.patient_id, k.contact_at, k.method, k.direction, k.party, k.party_name,
               k.outcome, k.duration_minutes, k.summary, k.recorded_by, now}));
  Contact out = k;
  out.id = rows.at(0).Int(0);
  out.created_at = now;
  return out;
}

Result<std::vector<Contact>> ListContacts(db::Connection& c, int64_t case_id) {
  std::vector<Contact> out;
  CK_RETURN_IF_ERROR(
      c.ForEachRow(std::string("SELECT ") + kContactColumns +
                       " FROM case_contacts WHERE case_id = ? ORDER BY contact_at, id",
                   {case_id}, [&](const db::Row& r) {
                     out.push_back(ContactFromRow(r));
                     return Status::Ok();
                   }));
  return out;
}

Result<std::vector<CaseloadLine>> Caseloads(db::Connection& c, std::optional<int64_t> team_id) {
  std::string sql =
      "SELECT u.id, u.username, u.display_name, COUNT(k.id), COALESCE(SUM(CASE WHEN k.id IS NULL "
      "THEN 0 WHEN k.acuity = 'low' THEN 1 WHEN k.acuity = 'high' THEN 3 WHEN k.acuity = "
      "'very_high' THEN 4 ELSE 2 END), 0) "
      "FROM users u LEFT JOIN cases k ON k.assigned_user_id = u.id AND k.status <> 'closed' "
      "WHERE u.role = 'case_manager' AND u.active = 1";
  db::Params params;
  if (team_id) {
    sql += " AND u.team_id = ?";
    params.emplace_back(*team_id);
  }
  sql += " GROUP BY u.id, u.username, u.display_name ORDER BY u.username";
  std::vector<CaseloadLine> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(sql, params, [&](const db::Row& r) {
    out.push_back(
        {r.Int(0), r.Text(1), r.Text(2), static_cast<int>(r.Int(3)), static_cast<int>(r.Int(4))});
    return Status::Ok();
  }));
  return out;
}

Result<int64_t> PatientOfCase(db::Connection& c, int64_t case_id) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT patient_id FROM cases WHERE id = ?", {case_id}));
  if (rows.empty()) return NotFound("no case with id " + std::to_string(case_id));
  return rows.at(0).Int(0);
}

Result<int64_t> PatientOfNote(db::Connection& c, int64_t note_id) {
  CK_ASSIGN_OR_RETURN(auto rows,
                      c.Query("SELECT patient_id FROM case_notes WHERE id = ?", {note_id}));
  if (rows.empty()) return NotFound("no note with id " + std::to_string(note_id));
  return rows.at(0).Int(0);
}

}  // namespace ck::cases
