// The rules of cases: referral intake with a triage due time, the lifecycle
// (allowed transitions only, a reason to close), assignment by supervisors
// (which moves care-team membership, and so access), notes that are
// immutable once signed, the contact log, caseload sizes. Every read and write
// is audited.
//
//   cases::Service svc(db, clock, calendar, authorizer);
//   Result<Case> k = svc.Refer(principal, actor, {.patient_id = 7, .program = "complex_care",
//   ...});
//
// Access to the case's patient is checked by the router before these run.
#pragma once

#include "auth/authorizer.h"
#include "auth/model.h"
#include "cases/model.h"
#include "core/business_calendar.h"
#include "db/database.h"

namespace ck::cases {

class Service {
 public:
  Service(db::Database& db, const Clock& clock, const BusinessCalendar& calendar,
          const auth::Authorizer& authorizer)
      : db_(db), clock_(clock), calendar_(calendar), authorizer_(authorizer) {}

  // Triage due: emergent 4 hours after referral, urgent 1 business day, routine 3.
  Result<Case> Refer(const auth::Principal& who, const auth::Actor& actor, const NewCase& n);
  Result<Case> Get(const auth::Actor& actor, int64_t case_id);
  Result<std::vector<Case>> ForPatient(const auth::Actor& actor, int64_t patient_id);
  // A caseload: the cases assigned to `user_id` (the caller's own, or, for a
  // supervisor, a member of their team's). Every patient listed is audited.
  Result<std::vector<Case>> Caseload(const auth::Principal& who, const auth::Actor& actor,
                                     int64_t user_id, bool include_closed, int64_t after_id,
                                     int limit);
  Result<std::vector<StatusChange>> History(int64_t case_id);
  Result<std::vector<Assignment>> Assignments(int64_t case_id);

  // FailedPrecondition for a step the lifecycle does not allow; closing needs
  // `closure_reason`; Conflict (field "version") for a stale version.
  Result<Case> Move(const auth::Principal& who, const auth::Actor& actor, int64_t case_id, Stage to,
                    const std::optional<std::string>& reason,
                    const std::optional<std::string>& closure_reason, int expected_version);
  Result<Case> SetAcuity(const auth::Actor& actor, int64_t case_id,
                         const std::optional<std::string>& acuity, int expected_version);
  // A supervisor assigns the case to a case manager of their team; the new
  // case manager joins the care team, the previous one leaves it unless
  // another open case of this patient is theirs.
  // With `expected_version`, Conflict (field "version") when the case changed.
  Result<Case> Assign(const auth::Principal& who, const auth::Actor& actor, int64_t case_id,
                      int64_t user_id, const std::optional<std::string>& reason,
                      std::optional<int> expected_version = std::nullopt);
  // Referrals nobody is assigned to yet, the soonest triage due first (supervisors).
  Result<std::vector<Case>> Unassigned(const auth::Principal& who, const auth::Actor& actor,
                                       int limit);
  // Several assignments in one transaction (bulk reassignment when someone
  // leaves): all or none. The case's open tasks owned by the previous case
  // manager move with it. With a `field_prefix`, an error names the move
  // ("assignments[2].user_id").
  Result<std::vector<Case>> AssignMany(const auth::Principal& who, const auth::Actor& actor,
                                       const std::vector<CaseMove>& moves,
                                       const std::optional<std::string>& reason,
                                       std::string_view field_prefix);

  // A case conference note names at least two attendees and may record decisions.
  Result<Note> AddNote(const auth::Principal& who, const auth::Actor& actor, int64_t case_id,
                       const std::string& note_type, const std::string& body,
                       const std::vector<Attendee>& attendees = {},
                       const std::vector<Decision>& decisions = {});
  Result<std::vector<Note>> Notes(const auth::Actor& actor, int64_t case_id);
  // Drafts only, by their author.
  Result<Note> EditNote(const auth::Principal& who, const auth::Actor& actor, int64_t note_id,
                        const std::string& body, int expected_version,
                        const std::optional<std::vector<Attendee>>& attendees = std::nullopt,
                        const std::optional<std::vector<Decision>>& decisions = std::nullopt);
  Result<Note> SignNote(const auth::Principal& who, const auth::Actor& actor, int64_t note_id);
  // A correction to a signed note: a new draft addendum that points to it.
  Result<Note> AddAddendum(const auth::Principal& who, const auth::Actor& actor, int64_t note_id,
                           const std::string& body);

  Result<Contact> LogContact(const auth::Principal& who, const auth::Actor& actor, int64_t case_id,
                             Contact contact);
  Result<std::vector<Contact>> Contacts(const auth::Actor& actor, int64_t case_id);

  // The case managers of the supervisor's team (PermissionDenied without a team).
  Result<std::vector<CaseloadLine>> Caseloads(const auth::Principal& who);

  // Failed outreach in a row before the case is proposed for "unable to reach"
  // closure (tasks::CheckOutreach), 3 unless configured.
  void set_unable_to_reach_attempts(int n) { unable_to_reach_attempts_ = n; }

 private:
  Status AssignIn(db::Connection& c, const auth::Principal& who, const auth::Actor& actor,
                  int64_t case_id, int64_t user_id, const std::optional<std::string>& reason,
                  std::optional<int> expected_version, Timestamp now, Case& out);

  db::Database& db_;
  const Clock& clock_;
  const BusinessCalendar& calendar_;
  const auth::Authorizer& authorizer_;
  int unable_to_reach_attempts_ = 3;
};

}  // namespace ck::cases
