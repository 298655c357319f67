// The patient registry's rules: validation, care-team assignment, break-the-glass,
// and an audit record for every read and write of patient data.
//
//   patients::Service svc(db, clock, authorizer, {});
//   Result<Patient> p = svc.Create(principal, actor, {"Ana", "Lima", "1950-02-03", "female"});
//
// Access to one patient is checked by the router before these run (see
// auth/authorizer.h); methods here that take a patient id assume it passed.
#pragma once

#include <functional>
#include <vector>

#include "auth/authorizer.h"
#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"
#include "patients/model.h"

namespace ck::patients {

class EncounterObserver;  // patients/clinical.h

class Service {
 public:
  struct Options {
    int break_glass_max_minutes = 240;
  };
  Service(db::Database& db, const Clock& clock, const auth::Authorizer& authorizer, Options options)
      : db_(db), clock_(clock), authorizer_(authorizer), options_(options) {}

  // Validates (InvalidArgument naming the field), stores, puts a creating case
  // manager or supervisor on the care team, audits.
  Result<Patient> Create(const auth::Principal& who, const auth::Actor& actor, const NewPatient& p);
  Result<Patient> Get(const auth::Actor& actor, int64_t patient_id);
  // Replaces the demographics (not identifiers) if `expected_version` is still
  // current: Conflict (field "version") otherwise, and nothing is lost.
  Result<Patient> Update(const auth::Actor& actor, int64_t patient_id, int expected_version,
                         const NewPatient& p);
  // Search among the patients `who` may see; every patient returned is audited.
  Result<std::vector<Patient>> Search(const auth::Principal& who, const auth::Actor& actor,
                                      const SearchQuery& q);

  Result<Identifier> AddIdentifier(const auth::Actor& actor, int64_t patient_id,
                                   const Identifier& id);
  Status RemoveIdentifier(const auth::Actor& actor, int64_t patient_id, int64_t identifier_id);

  Result<std::vector<Relationship>> Relationships(const auth::Actor& actor, int64_t patient_id);
  Result<Relationship> AddRelationship(const auth::Actor& actor, const Relationship& r);
  Result<Relationship> ChangeRelationship(const auth::Actor& actor, const Relationship& r,
                                          int expected_version);
  Status RemoveRelationship(const auth::Actor& actor, int64_t patient_id, int64_t relationship_id);

  // Merges the duplicate `merged` into `survivor`: identifiers, phones,
  // relationships, care team and grants move; `merged` points to `survivor`
  // and leaves lists and searches. The caller must have access to both.
  Result<Patient> Merge(const auth::Principal& who, const auth::Actor& actor, int64_t survivor,
                        int64_t merged);
  // Told, in the merge's transaction, that the survivor's encounters changed
  // (the readmission flags follow). Not owned; may be null.
  void set_encounter_observer(EncounterObserver* o) { encounter_observer_ = o; }
  Result<std::vector<Patient>> List(const auth::Principal& who, const auth::Actor& actor,
                                    int64_t after_id, int limit);

  Result<std::vector<CareTeamMember>> CareTeam(const auth::Actor& actor, int64_t patient_id);
  // A supervisor assigns a member of their own team (PermissionDenied otherwise).
  Result<CareTeamMember> AddCareTeamMember(const auth::Principal& who, const auth::Actor& actor,
                                           int64_t patient_id, int64_t user_id,
                                           const std::string& member_role);

  // Time-limited emergency access with a reason; audited and flagged.
  Result<Timestamp> BreakGlass(const auth::Principal& who, const auth::Actor& actor,
                               int64_t patient_id, const std::string& reason, int minutes);

 private:
  // Runs `fetch` in one snapshot and audits every patient it returns under
  // `action`, flagging those reached only through break-the-glass.
  Result<std::vector<Patient>> Disclose(
      const auth::Principal& who, const auth::Actor& actor, const char* action,
      const std::function<Result<std::vector<Patient>>(db::Connection&, Timestamp)>& fetch);

  db::Database& db_;
  const Clock& clock_;
  const auth::Authorizer& authorizer_;
  const Options options_;
  EncounterObserver* encounter_observer_ = nullptr;
};

Status ValidateRelationship(const Relationship& r);

}  // namespace ck::patients
