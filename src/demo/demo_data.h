// Synthetic demo data: teams, one user per role, and a caseload of generated
// (not real) patients on care teams. Deterministic for a given seed. Grows as
// each capability lands.
#pragma once

#include <string>
#include <vector>

#include "assessments/service.h"
#include "auth/accounts.h"
#include "core/clock.h"
#include "core/time_zone.h"
#include "db/database.h"
#include "insurance/service.h"
#include "patients/clinical.h"
#include "social/resources.h"
#include "social/service.h"
#include "transitions/service.h"
#include "worklist/worklist.h"

namespace ck::demo {

struct DemoLogin {
  std::string username;
  std::string role;
};

inline constexpr const char* kDemoPassword = "casekeeper-demo";

struct Options {
  int patients = 240;
  uint64_t seed = 2026;
};

// Fills an empty database. FailedPrecondition if it already has users.
Result<std::vector<DemoLogin>> Seed(db::Database& db, auth::Accounts& accounts, const Clock& clock,
                                    const Options& options);

// Completed assessments (PHQ-9, GAD-7, AHC HRSN, Morse) on the demo's open
// cases, scored by `service` as a case manager would, so alerts and risk tiers
// have something to show. Run after Seed().
Status SeedAssessments(db::Database& db, assessments::Service& service);

// The demo's insurance work (requests, denials, appeals, approvals ending,
// claims), made through `insurance` as case managers would. Run after Seed().
Status SeedInsurance(db::Database& db, insurance::Service& insurance, const Clock& clock);

// The community resource directory (imported from CSV, with ZIP centroids)
// and referrals from the barriers the demo's screens opened, in every state.
// Run after SeedAssessments().
Status SeedSocial(db::Database& db, social::Service& social, social::Directory& directory,
                  const Clock& clock);
// The demo's transitions of care, entered through `clinical` (with the
// readmission observer) and `transitions` as case managers would: a patient
// in hospital with a discharge plan under way, a recent discharge with its
// TRC partly met, and a readmission 12 days after a discharge. Run after Seed().
Status SeedTransitions(db::Database& db, transitions::Service& transitions,
                       patients::ClinicalRecords& clinical, const Clock& clock);

// The demo's history for the reports (docs/outcomes.md, docs/supervision.md):
// stays and ED visits before and after enrolment, follow-up calls, medication
// reconciliations, consents, care plans with goals due, repeat PHQ-9s, notes,
// and a coverage booked for leave. Run last.
Status SeedHistory(db::Database& db, const Clock& clock, const TimeZone& tz);

// Worklist snoozes: one item hidden until tomorrow 9:00 (cm.garcia's), one back
// from a snooze that ran out yesterday (cm.nguyen's). Run after stratification.
Status SeedSnoozes(db::Database& db, worklist::Worklist& worklist, const Clock& clock,
                   const TimeZone& tz);

// Whether the database has any user (an initialised deployment).
Result<bool> HasUsers(db::Database& db);

// The logins Seed() creates, for printing on later starts.
std::vector<DemoLogin> DemoLogins();

}  // namespace ck::demo
