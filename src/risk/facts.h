// What casekeeper knows about one patient's risk, gathered from the record:
// comorbidities (Charlson), the latest inpatient stay (LACE), the latest
// HOSPITAL score, the latest completed assessments and open crisis alerts.
// Stratification fills these for a whole population in a few table scans;
// the patient routes fill them for one patient. Either way the same code
// turns them into scores and rule facts, so both give the same answer.
//
//   PatientFacts f;  f.age = 72;  f.conditions |= Charlson::Get().ConditionsOf("I509");
//   Json facts = f.ToFacts(now, window);   // {"charlson.score": 1, ...}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "scoring/charlson.h"
#include "scoring/readmission.h"
#include "scoring/rule.h"

namespace ck::risk {

using Json = scoring::Json;

struct Stay {
  int64_t encounter_id = 0;
  Timestamp admitted_at = 0;
  Timestamp discharged_at = 0;
  std::string admission_type;  // emergency | urgent | elective | ...
  std::string diagnoses;       // comma-separated dotted ICD-10 codes
};

struct LatestAssessment {
  Timestamp completed_at = 0;
  double score = 0;
  std::string band;
  std::string flags;             // comma list of flags that held
  std::string positive_domains;  // comma list
};

// How LACE reads a stay (../shared/domain/REFERENCE.md and docs/risk.md):
// L from calendar dates (discharge date − admission date, UTC); A when the
// admission type is emergency or trauma, or an ED visit began in the 24 hours
// before admission; C from the patient's conditions plus the stay's diagnoses
// with the LACE weights; E counts ED visits that began in the 183 days before
// admission, excluding that last-24-hours visit.
struct LaceFromRecord {
  scoring::LaceResult result;
  Json inputs;  // what each component was computed from
};
LaceFromRecord ComputeLace(const Stay& stay, const std::vector<Timestamp>& ed_visits,
                           scoring::ConditionSet conditions);

// Discharge date − admission date, in UTC calendar days (a same-day stay is 0).
int LengthOfStayDays(const Stay& stay);

// Stored codes are dotted ("E11.9").
scoring::ConditionSet ConditionsOfStoredCode(std::string_view dotted);

// Every fact name ToFacts() can give, for checking rules that name them.
const std::vector<std::string>& KnownFacts();

struct PatientFacts {
  std::optional<int> age;
  scoring::ConditionSet conditions = 0;
  std::optional<Stay> last_stay;                      // latest discharge within the window
  std::vector<Timestamp> ed_visits;                   // ED encounter start times
  std::optional<std::pair<int, Timestamp>> hospital;  // latest HOSPITAL score, when
  std::optional<LatestAssessment> phq9, gad7, ahc, morse;
  int open_crisis_alerts = 0;

  // Rule facts (see docs/risk.md for the names). Dates are "YYYY-MM-DD".
  Json ToFacts() const;
};

}  // namespace ck::risk
