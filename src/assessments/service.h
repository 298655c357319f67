// Assessments: a validated instrument filled in for a case, section by section,
// scored by the server (never trusted from the client), immutable once
// completed. Completing one stores its result with every component, stamps who
// completed each section and when, and raises the alerts its definition names
// (PHQ-9 item 9: a crisis alert, with the supervisor notified). The case
// manager records a conclusion per domain afterwards. Every read and write is
// audited.
//
//   assessments::Service svc(db, clock, catalog);
//   auto a = svc.Start(who, actor, case_id, "phq9", {{"items", {0,1,2,1,0,0,1,0,0}}}, true);
//
// Access to the patient is checked by the router before these run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "db/database.h"
#include "scoring/catalog.h"

namespace ck::assessments {

using Json = scoring::Json;

struct SectionStamp {
  std::string section_id;
  int64_t completed_by = 0;
  Timestamp completed_at = 0;
};

struct Conclusion {
  int64_t id = 0;
  std::string domain;
  std::string conclusion;
  int64_t recorded_by = 0;
  Timestamp recorded_at = 0;
};

struct Assessment {
  int64_t id = 0;
  int64_t patient_id = 0;
  int64_t case_id = 0;
  std::string instrument_id;
  std::string instrument_version;
  std::string status;  // in_progress | completed | entered_in_error
  Json answers;
  Json result;  // null until completed: Evaluation::ToJson()
  std::optional<double> score;
  std::optional<std::string> band;
  int64_t started_by = 0;
  Timestamp started_at = 0;
  std::optional<int64_t> completed_by;
  std::optional<Timestamp> completed_at;
  std::optional<std::string> error_reason;
  Timestamp updated_at = 0;
  int version = 1;
  std::vector<SectionStamp> sections;
  std::vector<Conclusion> conclusions;
  std::vector<int64_t> alert_ids;
};

// Records every catalog definition in the database (an assessment refers to
// its instrument by id and version), and loads back into the catalog, as
// archived versions, stored definitions it no longer has, so assessments made
// with them still complete and conclude. FailedPrecondition when a stored
// definition differs from the catalog's under the same version.
Status SyncDefinitions(db::Database& db, scoring::Catalog& catalog, Timestamp now);

// The patient of an assessment, for the router's access check. NotFound if none.
Result<int64_t> PatientOfAssessment(db::Connection& c, int64_t assessment_id);

class Service {
 public:
  Service(db::Database& db, const Clock& clock, const scoring::Catalog& catalog)
      : db_(db), clock_(clock), catalog_(catalog) {}

  // Starts an assessment with the current version of `instrument`; with
  // `complete`, completes it in the same step. InvalidArgument naming the
  // answer at fault; NotFound for an unknown instrument (field "instrument");
  // FailedPrecondition for a closed case.
  Result<Assessment> Start(const auth::Principal& who, const auth::Actor& actor, int64_t case_id,
                           const std::string& instrument, const Json& answers, bool complete);
  // Merges `answers` into a draft (JSON merge patch: null removes an answer)
  // and stamps every section it completes or changes. Conflict (field
  // "version") for a stale version; FailedPrecondition once completed.
  Result<Assessment> Answer(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                            const Json& answers, int expected_version);
  Result<Assessment> Complete(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                              int expected_version);
  // An assessment recorded by mistake (draft or completed): it stays, marked,
  // with the reason, and the alerts it raised are resolved with that reason.
  Result<Assessment> MarkEnteredInError(const auth::Principal& who, const auth::Actor& actor,
                                        int64_t id, const std::string& reason,
                                        int expected_version);
  // InvalidArgument (field "domain") for a domain the instrument does not have;
  // FailedPrecondition before completion.
  Result<Assessment> Conclude(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                              const std::string& domain, const std::string& conclusion);

  Result<Assessment> Get(const auth::Actor& actor, int64_t id);
  Result<std::vector<Assessment>> ForCase(const auth::Actor& actor, int64_t case_id);
  Result<std::vector<Assessment>> ForPatient(const auth::Actor& actor, int64_t patient_id);

  const scoring::Catalog& catalog() const { return catalog_; }

 private:
  // owner: "case" or "patient" (a fixed column name, never input).
  Result<std::vector<Assessment>> ListWhere(const auth::Actor& actor, const char* owner,
                                            int64_t owner_id);
  Result<Assessment> Finish(db::Connection& c, const auth::Principal& who, const auth::Actor& actor,
                            Assessment a, Timestamp now);
  db::Database& db_;
  const Clock& clock_;
  const scoring::Catalog& catalog_;
};

}  // namespace ck::assessments
