// SQL for the patient registry and care teams; nothing else. Callers own the
// transaction.
#pragma once

#include <vector>

#include "auth/model.h"
#include "db/database.h"
#include "patients/model.h"

namespace ck::patients {

Result<Patient> InsertPatient(db::Connection& c, const NewPatient& p, Timestamp now);
// NotFound if absent.
Result<Patient> GetPatient(db::Connection& c, int64_t id);
// Patients visible to `who` (see auth/authorizer.h), by id, after `after_id`.
Result<std::vector<Patient>> ListVisiblePatients(db::Connection& c, const auth::Principal& who,
                                                 Timestamp now, int64_t after_id, int limit);
Result<int64_t> InsertCareTeamMember(db::Connection& c, int64_t patient_id, int64_t user_id,
                                     const std::string& member_role, Timestamp now);
Result<std::vector<CareTeamMember>> ListCareTeam(db::Connection& c, int64_t patient_id);

}  // namespace ck::patients
