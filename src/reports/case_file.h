// The confidential case file: the complete record of one case as one PDF for
// audit or legal review — the patient, coverage, care team, the case and its
// history, conditions, medications and allergies, hospital stays, assessments
// with their scores and alerts, care plans and their versions, notes with
// their addenda, contacts, tasks, appointments, authorizations and appeals,
// barriers and referrals, education, consents, and an extract of the access
// log. Every page is marked confidential and numbered. Producing it is itself
// audited, with the reason given.
//
//   CK_ASSIGN_OR_RETURN(std::string pdf,
//                       reports::CaseFilePdf(db, clock, actor, case_id, "subpoena 2026-114"));
#pragma once

#include <string>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::reports {

// NotFound for an unknown case; InvalidArgument (field "reason") for an empty
// or over-long reason. The caller has checked access to the case's patient.
Result<std::string> CaseFilePdf(db::Database& db, const Clock& clock, const auth::Actor& actor,
                                int64_t case_id, const std::string& reason);

}  // namespace ck::reports
