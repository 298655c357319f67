// SQL for cases, their status changes, assignments, notes and contacts;
// nothing else. Callers own the transaction.
#pragma once

#include <vector>

#include "auth/model.h"
#include "cases/model.h"
#include "db/database.h"

namespace ck::cases {

Result<int64_t> ProgramId(db::Connection& c, const std::string& code);
Result<Case> InsertCase(db::Connection& c, const NewCase& n, Timestamp referred_at,
                        Timestamp triage_due_at, std::optional<int64_t> created_by, Timestamp now);
Result<Case> GetCase(db::Connection& c, int64_t id);
Result<std::vector<Case>> ListCases(db::Connection& c, int64_t patient_id);
// The cases assigned to `user_id`, open ones only unless `include_closed`, by id
// after `after_id`, of patients `viewer` may see now.
// Referrals nobody is assigned yet, the soonest triage due first.
Result<std::vector<Case>> ListUnassignedReferrals(db::Connection& c, int limit);
Result<std::vector<Case>> ListAssignedCases(db::Connection& c, int64_t user_id, bool include_closed,
                                            int64_t after_id, int limit,
                                            const auth::Principal& viewer, Timestamp now);
// Sets stage (and closure) if the stored version is `expected_version`; Conflict otherwise.
Status UpdateCaseStage(db::Connection& c, const Case& updated, int expected_version, Timestamp now);
Status UpdateCaseAcuity(db::Connection& c, int64_t id, const std::optional<std::string>& acuity,
                        int expected_version, Timestamp now);
Status InsertStatusChange(db::Connection& c, const Case& k, std::optional<Stage> from, Stage to,
                          const std::optional<std::string>& reason, std::optional<int64_t> by,
                          Timestamp now);
Result<std::vector<StatusChange>> ListStatusChanges(db::Connection& c, int64_t case_id);
// Ends the open assignment (if any) and records a new one for `user_id`.
Status Reassign(db::Connection& c, const Case& k, int64_t user_id, std::optional<int64_t> by,
                const std::optional<std::string>& reason, Timestamp now);
Result<std::vector<Assignment>> ListAssignments(db::Connection& c, int64_t case_id);

Result<Note> InsertNote(db::Connection& c, const Note& n, Timestamp now);
Result<Note> GetNote(db::Connection& c, int64_t id);
Result<std::vector<Note>> ListNotes(db::Connection& c, int64_t case_id);
Status UpdateDraftBody(db::Connection& c, int64_t id, const std::string& body, int expected_version,
                       Timestamp now);
Status MarkSigned(db::Connection& c, int64_t id, Timestamp now);
// Replaces a note's attendees and decisions (drafts only: callers check).
Status ReplaceConference(db::Connection& c, int64_t note_id, const std::vector<Attendee>& attendees,
                         const std::vector<Decision>& decisions);

Result<Contact> InsertContact(db::Connection& c, const Contact& k, Timestamp now);
Result<std::vector<Contact>> ListContacts(db::Connection& c, int64_t case_id);

// Open cases per case manager: all of them, or the members of `team_id`.
Result<std::vector<CaseloadLine>> Caseloads(db::Connection& c, std::optional<int64_t> team_id);

// The patient a case or a note belongs to (NotFound when there is none).
Result<int64_t> PatientOfCase(db::Connection& c, int64_t case_id);
Result<int64_t> PatientOfNote(db::Connection& c, int64_t note_id);

}  // namespace ck::cases
