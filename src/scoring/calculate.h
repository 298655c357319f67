// The scores contract shared by `casekeeper score INSTRUMENT` and
// `POST /api/v1/scores/INSTRUMENT`: one JSON object in, one JSON object out,
// nothing stored (issue #4 lists every input and output).
//
//   CK_ASSIGN_OR_RETURN(Json out, CalculateScore(catalog, "lace", input));
//
// Instruments: every instrument in the catalog (phq9, phq2, gad7, morse,
// ahc-hrsn and any custom one), plus charlson, lace and hospital.
#pragma once

#include <string_view>

#include "scoring/catalog.h"
#include "scoring/charlson.h"

namespace ck::scoring {

// InvalidArgument naming the field ("instrument" when unknown) for a missing
// field, a wrong type, a value out of range or a malformed ICD-10 code.
Result<Json> CalculateScore(const Catalog& catalog, std::string_view instrument, const Json& input);

// "weights" of a Charlson request: absent or "charlson1987" → 1987, "quan2011"
// → Quan 2011; InvalidArgument (field "weights") otherwise.
Result<CharlsonWeights> ParseCharlsonWeights(const Json& request);
// HOSPITAL from its seven inputs, checked as CalculateScore checks them.
Result<Json> ScoreHospital(const Json& input);

// The same for the three record-based scores, with their components (so a
// stored result shows why). Used by CalculateScore and the patient routes.
struct CharlsonOutcome {
  int score = 0;
  std::optional<int> age_adjusted_score;
  ConditionSet conditions = 0;             // after the hierarchy
  std::vector<std::string> codes_matched;  // dotted codes that contributed
};
// max_codes bounds what a caller may send; a patient's own record passes 0 (no bound).
Result<ConditionSet> ConditionsOfCodes(const Json& codes, const char* field,
                                       std::vector<std::string>* matched = nullptr,
                                       size_t max_codes = 1000);
Json CharlsonJson(const CharlsonOutcome& c, CharlsonWeights w);

}  // namespace ck::scoring
