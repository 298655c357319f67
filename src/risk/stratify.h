// Population risk stratification: every active patient's current scores and
// risk tier, from a handful of sequential table scans (patients, conditions,
// encounters, completed assessments, HOSPITAL scores, open crisis alerts)
// joined in memory by patient, then written back only where a patient's tier,
// reasons or scores changed. Runs from `casekeeper stratify`, nightly inside
// `serve`, on demand over HTTP, and in tests; safe to run while the server
// works: the patients, the conditions and the other tables are read in three
// snapshots (a record changed between them is picked up by the next run),
// writes go in short batches, and rows of patients merged meanwhile are
// removed at the end. One run at a time per process: a second gets
// FailedPrecondition.
//
//   CK_ASSIGN_OR_RETURN(RunSummary s, Stratify(db, clock, TierRules::Builtin(), {}));
#pragma once

#include <array>
#include <functional>
#include <string>

#include "db/database.h"
#include "risk/facts.h"
#include "risk/rules.h"

namespace ck::risk {

struct StratifyOptions {
  std::string trigger = "manual";  // manual | nightly | cli
  // Called now and then with (phase, done, total); phases: "patients",
  // "conditions", "encounters", "assessments", "scoring", "writing".
  std::function<void(const char* phase, int64_t done, int64_t total)> progress;
  int write_batch = 2000;  // rows per write transaction
};

struct RunSummary {
  int64_t run_id = 0;
  int64_t patients = 0;
  int64_t changed = 0;
  std::array<int64_t, 5> tier_counts{};  // [1..4]
  Timestamp started_at = 0, finished_at = 0;
};

Result<RunSummary> Stratify(db::Database& db, const Clock& clock, const TierRules& rules,
                            const StratifyOptions& options);

// A patient's age in completed years on `now`'s UTC date; nullopt without a
// usable birth date. NotFound for an unknown patient.
Result<std::optional<int>> PatientAge(db::Connection& c, int64_t patient_id, Timestamp now);

// One patient's facts, read from the record as Stratify would.
Result<PatientFacts> FactsForPatient(db::Connection& c, int64_t patient_id, Timestamp now,
                                     const TierRules& rules);

}  // namespace ck::risk
