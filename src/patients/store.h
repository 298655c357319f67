// SQL for the patient registry, its identifiers, phones, relationships and
// care teams; nothing else. Callers own the transaction.
#pragma once

#include <unordered_map>
#include <vector>

#include "auth/model.h"
#include "db/database.h"
#include "patients/model.h"

namespace ck::patients {

// Inserts the record with its races, phones and identifiers. AlreadyExists
// (field "identifiers") when an identifier belongs to another patient.
Result<Patient> InsertPatient(db::Connection& c, const NewPatient& p, Timestamp now);
// The whole record with races, phones and identifiers. NotFound if absent.
Result<Patient> GetPatient(db::Connection& c, int64_t id);
// Replaces demographics, races and phones if the stored version is
// `expected_version` (Conflict otherwise); identifiers are left alone.
Result<Patient> UpdatePatient(db::Connection& c, int64_t id, int expected_version,
                              const NewPatient& p, Timestamp now);

// Patients visible to `who` (see auth/authorizer.h), not merged away, by id
// after `after_id`; list rows carry no races, phones or identifiers.
Result<std::vector<Patient>> ListVisiblePatients(db::Connection& c, const auth::Principal& who,
                                                 Timestamp now, int64_t after_id, int limit);
Result<std::vector<Patient>> SearchPatients(db::Connection& c, const auth::Principal& who,
                                            Timestamp now, const SearchQuery& q);

Result<Identifier> InsertIdentifier(db::Connection& c, int64_t patient_id, const Identifier& id,
                                    Timestamp now);
Status DeleteIdentifier(db::Connection& c, int64_t patient_id, int64_t identifier_id);

Result<Relationship> InsertRelationship(db::Connection& c, const Relationship& r, Timestamp now);
Result<std::vector<Relationship>> ListRelationships(db::Connection& c, int64_t patient_id);
// Conflict (field "version") unless the stored version is `expected_version`.
Result<Relationship> UpdateRelationship(db::Connection& c, const Relationship& r,
                                        int expected_version, Timestamp now);
Status DeleteRelationship(db::Connection& c, int64_t patient_id, int64_t relationship_id);

// Moves everything of `merged` to `survivor` and marks `merged` as merged into it.
Status MergePatients(db::Connection& c, int64_t survivor, int64_t merged, Timestamp now);
// The tables whose rows follow a merged patient to the survivor: every table
// with a patient_id column but the audit trail (history as it happened),
// care_team_members, patient_races and patient_risk (merged by their own rules).
const std::vector<std::string>& TablesMovedByMerge();

Result<int64_t> InsertCareTeamMember(db::Connection& c, int64_t patient_id, int64_t user_id,
                                     const std::string& member_role, Timestamp now);
Result<std::vector<CareTeamMember>> ListCareTeam(db::Connection& c, int64_t patient_id);

// The names lists show ("preferred or given name, family name") for `ids`;
// callers audit the disclosure in the same transaction.
Result<std::unordered_map<int64_t, std::string>> ScreenNames(db::Connection& c,
                                                             const std::vector<int64_t>& ids);

// A WHERE fragment (" AND <column> IN (...)") limiting patient ids in `column`
// to those `who` may see; appends its parameters to `params`.
std::string VisiblePatients(const auth::Principal& who, Timestamp now, const char* column,
                            db::Params& params);

// [lower, upper) of the keys that start with `prefix` (upper empty: unbounded).
std::pair<std::string, std::string> PrefixRange(const std::string& prefix);

}  // namespace ck::patients
