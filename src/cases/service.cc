#include "cases/service.h"

#include <algorithm>

#include "audit/trail.h"
#include "cases/store.h"
#include "core/strings.h"
#include "events/outbox.h"
#include "patients/store.h"
#include "tasks/service.h"

namespace ck::cases {
namespace {

Status CheckText(const std::string& v, const char* field, size_t max) {
  if (v.empty()) return InvalidArgument("is required", field);
  if (v.size() > max)
    return InvalidArgument("must be at most " + std::to_string(max) + " bytes", field);
  return Status::Ok();
}

Status CheckAcuity(const std::optional<std::string>& a) {
  if (a && !OneOf(*a, {"low", "moderate", "high", "very_high"}))
    return InvalidArgument("must be one of low, moderate, high, very_high", "acuity");
  return Status::Ok();
}

audit::Event CaseEvent(const auth::Actor& actor, Timestamp now, std::string action, const Case& k,
                       std::string detail = {}) {
  return audit::EventBy(actor, now, std::move(action), "case", std::to_string(k.id), k.patient_id,
                        std::move(detail));
}

}  // namespace

Result<Case> Service::Refer(const auth::Principal& who, const auth::Actor& actor,
                            const NewCase& n) {
  CK_RETURN_IF_ERROR(CheckText(n.program, "program", 60));
  if (!OneOf(n.referral_source,
             {"hospital", "physician", "insurer", "self", "community_agency", "other"}))
    return InvalidArgument(
        "must be one of hospital, physician, insurer, self, community_agency, other",
        "referral_source");
  CK_RETURN_IF_ERROR(CheckText(n.referral_reason, "referral_reason", 2000));
  if (!OneOf(n.urgency, {"routine", "urgent", "emergent"}))
    return InvalidArgument("must be one of routine, urgent, emergent", "urgency");
  CK_RETURN_IF_ERROR(CheckAcuity(n.acuity));
  Timestamp now = clock_.Now();
  Timestamp referred = n.referred_at.value_or(now);
  if (referred > now + 5 * kMillisPerMinute)
    return InvalidArgument("must not be in the future", "referred_at");
  Timestamp due = n.urgency == "emergent" ? referred + 4 * kMillisPerHour
                  : n.urgency == "urgent" ? calendar_.AddBusinessDays(referred, 1)
                                          : calendar_.AddBusinessDays(referred, 3);
  Case out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, InsertCase(c, n, referred, due, who.user_id, now));
    CK_RETURN_IF_ERROR(InsertStatusChange(c, out, std::nullopt, Stage::kReferred, n.referral_reason,
                                          who.user_id, now));
    // The program's enrolment steps run from this event (programs/engine.h).
    CK_RETURN_IF_ERROR(events::Raise(c,
                                     {.kind = "case.referred",
                                      .patient_id = out.patient_id,
                                      .entity_type = "case",
                                      .entity_id = out.id},
                                     now));
    return audit::Append(c, CaseEvent(actor, now, "case.refer", out, n.program + ", " + n.urgency));
  }));
  return out;
}

Result<Case> Service::Get(const auth::Actor& actor, int64_t case_id) {
  Case out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, GetCase(c, case_id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(db_, CaseEvent(actor, clock_.Now(), "case.read", out)));
  return out;
}

Result<std::vector<Case>> Service::ForPatient(const auth::Actor& actor, int64_t patient_id) {
  std::vector<Case> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, ListCases(c, patient_id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "case.list", "patient",
                                           std::to_string(patient_id), patient_id)));
  return out;
}

Result<std::vector<Case>> Service::Caseload(const auth::Principal& who, const auth::Actor& actor,
                                            int64_t user_id, bool include_closed, int64_t after_id,
                                            int limit) {
  if (limit < 1 || limit > 500) return InvalidArgument("must be between 1 and 500", "limit");
  std::vector<Case> out;
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    if (user_id != who.user_id) {
      // Another person's caseload: a supervisor's own team, or a colleague's
      // whose caseload one covers now.
      CK_ASSIGN_OR_RETURN(auto covering,
                          c.Query("SELECT 1 FROM caseload_coverages WHERE covering_user_id = ? "
                                  "AND absent_user_id = ? AND starts_at <= ? AND ends_at > ? AND "
                                  "ended_at IS NULL LIMIT 1",
                                  {who.user_id, user_id, now, now}));
      if (covering.empty()) {
        if (who.role != auth::Role::kSupervisor || !who.team_id)
          return PermissionDenied(
              "only supervisors, or a colleague covering it, see another case manager's caseload");
        CK_ASSIGN_OR_RETURN(auto u, c.Query("SELECT team_id FROM users WHERE id = ?", {user_id}));
        if (u.empty() || u.at(0).IsNull(0) || u.at(0).Int(0) != *who.team_id)
          return PermissionDenied("supervisors see their own team's caseloads only");
      }
    }
    CK_ASSIGN_OR_RETURN(out,
                        ListAssignedCases(c, user_id, include_closed, after_id, limit, who, now));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    for (const Case& k : out)
      CK_RETURN_IF_ERROR(audit::Append(c, CaseEvent(actor, now, "case.caseload", k)));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<StatusChange>> Service::History(int64_t case_id) {
  std::vector<StatusChange> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, ListStatusChanges(c, case_id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Assignment>> Service::Assignments(int64_t case_id) {
  std::vector<Assignment> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, ListAssignments(c, case_id));
    return Status::Ok();
  }));
  return out;
}

Result<Case> Service::Move(const auth::Principal& who, const auth::Actor& actor, int64_t case_id,
                           Stage to, const std::optional<std::string>& reason,
                           const std::optional<std::string>& closure_reason, int expected_version) {
  if (reason && reason->size() > 2000)
    return InvalidArgument("must be at most 2000 bytes", "reason");
  if (to == Stage::kClosed) {
    if (!closure_reason)
      return InvalidArgument("closing a case needs a closure_reason", "closure_reason");
    if (!OneOf(*closure_reason, {"goals_met", "declined", "moved", "deceased", "transferred",
                                 "unable_to_reach", "ineligible"}))
      return InvalidArgument(
          "must be one of goals_met, declined, moved, deceased, transferred, unable_to_reach, "
          "ineligible",
          "closure_reason");
  } else if (closure_reason) {
    return InvalidArgument("only a case being closed has a closure reason", "closure_reason");
  }
  Timestamp now = clock_.Now();
  Case out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Case k, GetCase(c, case_id));
    if (k.version != expected_version)
      return Status(ErrorCode::kConflict,
                    "changed since version " + std::to_string(expected_version) + " (now " +
                        std::to_string(k.version) + "); reload and apply again",
                    "version");
    if (!TransitionAllowed(k.stage, to)) {
      std::string allowed;
      for (Stage s : NextStages(k.stage))
        allowed += (allowed.empty() ? "" : ", ") + std::string(StageName(s));
      return Status(ErrorCode::kFailedPrecondition,
                    "a case in " + std::string(StageName(k.stage)) + " cannot move to " +
                        std::string(StageName(to)) +
                        (allowed.empty() ? "; it is closed" : "; allowed: " + allowed),
                    "to");
    }
    Stage from = k.stage;
    k.stage = to;
    if (to == Stage::kClosed) {
      k.closure_reason = closure_reason;
      k.closed_at = now;
    }
    CK_RETURN_IF_ERROR(UpdateCaseStage(c, k, expected_version, now));
    std::optional<std::string> why = reason;
    if (closure_reason) why = *closure_reason + (reason ? ": " + *reason : "");
    CK_RETURN_IF_ERROR(InsertStatusChange(c, k, from, to, why, who.user_id, now));
    CK_ASSIGN_OR_RETURN(out, GetCase(c, case_id));
    return audit::Append(
        c, CaseEvent(actor, now, "case.transition", out,
                     std::string(StageName(from)) + "->" + std::string(StageName(to))));
  }));
  return out;
}

Result<Case> Service::SetAcuity(const auth::Actor& actor, int64_t case_id,
                                const std::optional<std::string>& acuity, int expected_version) {
  CK_RETURN_IF_ERROR(CheckAcuity(acuity));
  Timestamp now = clock_.Now();
  Case out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_RETURN_IF_ERROR(UpdateCaseAcuity(c, case_id, acuity, expected_version, now));
    CK_ASSIGN_OR_RETURN(out, GetCase(c, case_id));
    return audit::Append(c, CaseEvent(actor, now, "case.acuity", out, acuity.value_or("none")));
  }));
  return out;
}

Status Service::AssignIn(db::Connection& c, const auth::Principal& who, const auth::Actor& actor,
                         int64_t case_id, int64_t user_id, const std::optional<std::string>& reason,
                         std::optional<int> expected_version, Timestamp now, Case& out) {
  CK_ASSIGN_OR_RETURN(Case k, GetCase(c, case_id));
  if (expected_version && *expected_version != k.version)
    return Conflict("the case changed since it was read (now version " + std::to_string(k.version) +
                        "); reload it and assign again",
                    "version");
  if (k.stage == Stage::kClosed) return FailedPrecondition("the case is closed");
  CK_ASSIGN_OR_RETURN(auto u,
                      c.Query("SELECT role, team_id, active FROM users WHERE id = ?", {user_id}));
  if (u.empty()) return InvalidArgument("no such user", "user_id");
  if (u.at(0).Text(0) != "case_manager" || u.at(0).Int(2) == 0)
    return InvalidArgument("cases are assigned to active case managers", "user_id");
  if (!who.team_id || u.at(0).IsNull(1) || u.at(0).Int(1) != *who.team_id)
    return PermissionDenied("supervisors assign to members of their own team only");
  // The team's caseload, or a patient nobody looks after yet (a new referral).
  auto access = authorizer_.CheckPatientAccess(c, who, k.patient_id);
  bool on_caseload =
      access.ok() && (*access == auth::Access::kCareTeam || *access == auth::Access::kTeam);
  if (!on_caseload) {
    CK_ASSIGN_OR_RETURN(auto members,
                        c.Query("SELECT 1 FROM care_team_members WHERE patient_id = ? AND "
                                "removed_at IS NULL LIMIT 1",
                                {k.patient_id}));
    if (!members.empty()) return PermissionDenied("this patient is on another team's caseload");
  }
  if (k.assigned_user_id == user_id)
    return AlreadyExists("already assigned to this case manager", "user_id");
  std::optional<int64_t> previous = k.assigned_user_id;
  CK_RETURN_IF_ERROR(Reassign(c, k, user_id, who.user_id, reason, now));
  CK_ASSIGN_OR_RETURN(auto member,
                      c.Query("SELECT 1 FROM care_team_members WHERE patient_id = ? AND "
                              "user_id = ? AND removed_at IS NULL",
                              {k.patient_id, user_id}));
  if (member.empty()) {
    CK_RETURN_IF_ERROR(
        c.Exec("INSERT INTO care_team_members (patient_id, user_id, member_role, added_at) "
               "VALUES (?, ?, 'primary_case_manager', ?)",
               {k.patient_id, user_id, now})
            .status());
  }
  if (previous) {
    // The previous case manager keeps access only through another open case of theirs.
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE care_team_members SET removed_at = ? WHERE patient_id = ? AND user_id = ? "
               "AND removed_at IS NULL AND NOT EXISTS (SELECT 1 FROM cases k WHERE "
               "k.patient_id = ? AND k.assigned_user_id = ? AND k.status <> 'closed')",
               {now, k.patient_id, *previous, k.patient_id, *previous})
            .status());
  }
  CK_ASSIGN_OR_RETURN(out, GetCase(c, case_id));
  return audit::Append(c,
                       CaseEvent(actor, now, "case.assign", out,
                                 "to user " + std::to_string(user_id) +
                                     (previous ? " from user " + std::to_string(*previous) : "")));
}

Result<Case> Service::Assign(const auth::Principal& who, const auth::Actor& actor, int64_t case_id,
                             int64_t user_id, const std::optional<std::string>& reason,
                             std::optional<int> expected_version) {
  CK_ASSIGN_OR_RETURN(auto moved,
                      AssignMany(who, actor, {{case_id, user_id, expected_version}}, reason, ""));
  return moved.at(0);
}

Result<std::vector<Case>> Service::Unassigned(const auth::Principal& who, const auth::Actor& actor,
                                              int limit) {
  CK_RETURN_IF_ERROR(auth::Authorizer::Require(who, auth::Permission::kManageCareTeam));
  if (limit < 1 || limit > 500) return InvalidArgument("must be between 1 and 500", "limit");
  std::vector<Case> out;
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, ListUnassignedReferrals(c, limit));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    // Names for the screen, read with the audit records of their disclosure.
    std::vector<int64_t> ids;
    for (const Case& k : out) ids.push_back(k.patient_id);
    CK_ASSIGN_OR_RETURN(auto names, patients::ScreenNames(c, ids));
    audit::Batch batch;
    for (Case& k : out) {
      k.patient_name = names[k.patient_id];
      CK_RETURN_IF_ERROR(batch.Add(CaseEvent(actor, now, "case.triage_list", k)));
    }
    return batch.Flush(c);
  }));
  return out;
}

Result<std::vector<Case>> Service::AssignMany(const auth::Principal& who, const auth::Actor& actor,
                                              const std::vector<CaseMove>& moves,
                                              const std::optional<std::string>& reason,
                                              std::string_view field_prefix) {
  CK_RETURN_IF_ERROR(auth::Authorizer::Require(who, auth::Permission::kManageCareTeam));
  if (reason && reason->size() > 1000)
    return InvalidArgument("must be at most 1000 bytes", "reason");
  Timestamp now = clock_.Now();
  std::vector<Case> out;
  std::optional<int64_t> failed_case;
  Status st = db_.Write([&](db::Connection& c) -> Status {
    out.clear();
    for (size_t i = 0; i < moves.size(); ++i) {
      Case k;
      Status one = AssignIn(c, who, actor, moves[i].case_id, moves[i].user_id, reason,
                            moves[i].expected_version, now, k);
      if (!one.ok()) {
        failed_case = moves[i].case_id;
        if (field_prefix.empty()) return one;
        // Bulk: name the move that failed ("assignments[3].user_id").
        std::string field = std::string(field_prefix) + "[" + std::to_string(i) + "]." +
                            (one.field().empty() ? std::string("case_id") : one.field());
        return Status(one.code(), "case " + std::to_string(moves[i].case_id) + ": " + one.message(),
                      field);
      }
      out.push_back(std::move(k));
    }
    return Status::Ok();
  });
  if (st.code() == ErrorCode::kPermissionDenied) {
    audit::Event e =
        audit::EventBy(actor, now, "case.assign", "case", std::to_string(failed_case.value_or(0)),
                       std::nullopt, st.message());
    e.outcome = "denied";
    (void)audit::AppendNow(db_, e);
  }
  if (!st.ok()) return st;
  return out;
}

Status CheckConference(const std::string& note_type, const std::vector<Attendee>& attendees,
                       const std::vector<Decision>& decisions) {
  if (note_type != "case_conference") {
    if (!attendees.empty())
      return InvalidArgument("only case conference notes have attendees", "attendees");
    if (!decisions.empty())
      return InvalidArgument("only case conference notes have decisions", "decisions");
    return Status::Ok();
  }
  if (attendees.size() < 2 || attendees.size() > 50)
    return InvalidArgument("a case conference has 2 to 50 attendees", "attendees");
  for (const Attendee& a : attendees) {
    if (a.name.empty() || a.name.size() > 200 || a.role.empty() || a.role.size() > 100)
      return InvalidArgument("each needs a name and a role", "attendees");
  }
  if (decisions.size() > 50) return InvalidArgument("at most 50 decisions", "decisions");
  for (const Decision& d : decisions) {
    if (d.decision.empty() || d.decision.size() > 2000)
      return InvalidArgument("each must be 1 to 2000 bytes", "decisions");
    if (d.owner && d.owner->size() > 200)
      return InvalidArgument("owner must be at most 200 bytes", "decisions");
    if (d.due_date) CK_RETURN_IF_ERROR(ParseDate(*d.due_date, "decisions").status());
  }
  return Status::Ok();
}

Result<Note> Service::AddNote(const auth::Principal& who, const auth::Actor& actor, int64_t case_id,
                              const std::string& note_type, const std::string& body,
                              const std::vector<Attendee>& attendees,
                              const std::vector<Decision>& decisions) {
  if (!OneOf(note_type,
             {"assessment", "progress", "case_conference", "crisis", "discharge", "supervisory"}))
    return InvalidArgument(
        "must be one of assessment, progress, case_conference, crisis, discharge, supervisory",
        "note_type");
  CK_RETURN_IF_ERROR(CheckText(body, "body", 50000));
  CK_RETURN_IF_ERROR(CheckConference(note_type, attendees, decisions));
  Timestamp now = clock_.Now();
  Note out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Case k, GetCase(c, case_id));
    Note n;
    n.case_id = case_id;
    n.patient_id = k.patient_id;
    n.note_type = note_type;
    n.body = body;
    n.author_id = who.user_id;
    CK_ASSIGN_OR_RETURN(out, InsertNote(c, n, now));
    CK_RETURN_IF_ERROR(ReplaceConference(c, out.id, attendees, decisions));
    CK_ASSIGN_OR_RETURN(out, GetNote(c, out.id));
    return audit::Append(c, audit::EventBy(actor, now, "note.create", "note",
                                           std::to_string(out.id), k.patient_id, note_type));
  }));
  return out;
}

Result<std::vector<Note>> Service::Notes(const auth::Actor& actor, int64_t case_id) {
  std::vector<Note> out;
  int64_t patient = 0;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(patient, PatientOfCase(c, case_id));
    CK_ASSIGN_OR_RETURN(out, ListNotes(c, case_id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "note.list", "case",
                                                          std::to_string(case_id), patient)));
  return out;
}

Result<Note> Service::EditNote(const auth::Principal& who, const auth::Actor& actor,
                               int64_t note_id, const std::string& body, int expected_version,
                               const std::optional<std::vector<Attendee>>& attendees,
                               const std::optional<std::vector<Decision>>& decisions) {
  CK_RETURN_IF_ERROR(CheckText(body, "body", 50000));
  Timestamp now = clock_.Now();
  Note out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Note n, GetNote(c, note_id));
    if (n.status == "signed")
      return FailedPrecondition("a signed note cannot change; add an addendum to correct it");
    if (n.author_id != who.user_id) return PermissionDenied("only the author edits a draft note");
    std::vector<Attendee> new_attendees = attendees.value_or(n.attendees);
    std::vector<Decision> new_decisions = decisions.value_or(n.decisions);
    CK_RETURN_IF_ERROR(CheckConference(n.note_type, new_attendees, new_decisions));
    CK_RETURN_IF_ERROR(UpdateDraftBody(c, note_id, body, expected_version, now));
    CK_RETURN_IF_ERROR(ReplaceConference(c, note_id, new_attendees, new_decisions));
    CK_ASSIGN_OR_RETURN(out, GetNote(c, note_id));
    return audit::Append(
        c, audit::EventBy(actor, now, "note.edit", "note", std::to_string(note_id), n.patient_id));
  }));
  return out;
}

Result<Note> Service::SignNote(const auth::Principal& who, const auth::Actor& actor,
                               int64_t note_id) {
  Timestamp now = clock_.Now();
  Note out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Note n, GetNote(c, note_id));
    if (n.author_id != who.user_id) return PermissionDenied("only the author signs a note");
    CK_RETURN_IF_ERROR(MarkSigned(c, note_id, now));
    CK_ASSIGN_OR_RETURN(out, GetNote(c, note_id));
    return audit::Append(
        c, audit::EventBy(actor, now, "note.sign", "note", std::to_string(note_id), n.patient_id));
  }));
  return out;
}

Result<Note> Service::AddAddendum(const auth::Principal& who, const auth::Actor& actor,
                                  int64_t note_id, const std::string& body) {
  CK_RETURN_IF_ERROR(CheckText(body, "body", 50000));
  Timestamp now = clock_.Now();
  Note out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Note original, GetNote(c, note_id));
    if (original.status != "signed")
      return FailedPrecondition("a draft is corrected by editing it; addenda are for signed notes");
    Note n;
    n.case_id = original.case_id;
    n.patient_id = original.patient_id;
    n.note_type = "addendum";
    n.body = body;
    n.author_id = who.user_id;
    n.amends_note_id = note_id;
    CK_ASSIGN_OR_RETURN(out, InsertNote(c, n, now));
    return audit::Append(
        c, audit::EventBy(actor, now, "note.addendum", "note", std::to_string(out.id),
                          original.patient_id, "amends note " + std::to_string(note_id)));
  }));
  return out;
}

Result<Contact> Service::LogContact(const auth::Principal& who, const auth::Actor& actor,
                                    int64_t case_id, Contact k) {
  if (!OneOf(k.method,
             {"phone", "video", "in_person", "portal_message", "letter", "fax", "sms", "email"}))
    return InvalidArgument(
        "must be one of phone, video, in_person, portal_message, letter, fax, sms, email",
        "method");
  if (!OneOf(k.direction, {"outbound", "inbound"}))
    return InvalidArgument("must be outbound or inbound", "direction");
  if (!OneOf(k.party, {"patient", "caregiver", "provider", "insurer", "agency", "other"}))
    return InvalidArgument("must be one of patient, caregiver, provider, insurer, agency, other",
                           "party");
  if (!OneOf(k.outcome, {"reached", "voicemail", "no_answer", "wrong_number", "declined", "sent"}))
    return InvalidArgument(
        "must be one of reached, voicemail, no_answer, wrong_number, declined, sent", "outcome");
  if (k.duration_minutes && (*k.duration_minutes < 0 || *k.duration_minutes > 600))
    return InvalidArgument("must be between 0 and 600", "duration_minutes");
  if (k.summary && k.summary->size() > 10000)
    return InvalidArgument("must be at most 10000 bytes", "summary");
  if (k.party_name && k.party_name->size() > 200)
    return InvalidArgument("must be at most 200 bytes", "party_name");
  Timestamp now = clock_.Now();
  if (k.contact_at == 0) k.contact_at = now;
  if (k.contact_at > now + 5 * kMillisPerMinute)
    return InvalidArgument("must not be in the future", "contact_at");
  Contact out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Case kase, GetCase(c, case_id));
    k.case_id = case_id;
    k.patient_id = kase.patient_id;
    k.recorded_by = who.user_id;
    CK_ASSIGN_OR_RETURN(out, InsertContact(c, k, now));
    CK_RETURN_IF_ERROR(tasks::CheckOutreach(c, case_id, now, unable_to_reach_attempts_));
    return audit::Append(
        c, audit::EventBy(actor, now, "contact.log", "contact", std::to_string(out.id),
                          kase.patient_id, k.method + " " + k.outcome));
  }));
  return out;
}

Result<std::vector<Contact>> Service::Contacts(const auth::Actor& actor, int64_t case_id) {
  std::vector<Contact> out;
  int64_t patient = 0;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(patient, PatientOfCase(c, case_id));
    CK_ASSIGN_OR_RETURN(out, ListContacts(c, case_id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "contact.list", "case",
                                           std::to_string(case_id), patient)));
  return out;
}

Result<std::vector<CaseloadLine>> Service::Caseloads(const auth::Principal& who) {
  CK_RETURN_IF_ERROR(auth::Authorizer::Require(who, auth::Permission::kManageCareTeam));
  if (!who.team_id)
    return PermissionDenied("a supervisor sees the caseloads of their own team; join one first");
  std::vector<CaseloadLine> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, cases::Caseloads(c, who.team_id));
    return Status::Ok();
  }));
  return out;
}

}  // namespace ck::cases
