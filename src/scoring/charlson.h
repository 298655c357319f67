// Charlson Comorbidity Index from ICD-10 codes: the Quan et al. (2005) coding
// algorithm with the original Charlson (1987) weights, the Quan (2011) weights,
// or the LACE paper's own weights; hierarchy rules; the age-adjusted variant.
// The table is ../shared/domain/REFERENCE.md's, kept as data in charlson.cc.
//
//   const Charlson& c = Charlson::Get();
//   ConditionSet s = 0;
//   for (auto& code : compact_codes) s |= c.ConditionsOf(code);   // "I509", "E112"
//   int score = c.Score(s, CharlsonWeights::kCharlson1987);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ck::scoring {

// One bit per Charlson condition, in table order.
using ConditionSet = uint32_t;

enum class CharlsonWeights { kCharlson1987, kQuan2011, kLace };

struct CharlsonCondition {
  const char* key;   // "chf"
  const char* name;  // "congestive heart failure"
  int weight_1987;
  int weight_quan2011;
  int weight_lace;
  const char* codes;  // prefixes; "I425-I429" ranges; "E10-E14/01689" 4th characters
};

class Charlson {
 public:
  static const Charlson& Get();

  // The conditions a compact code (no dot, upper case) belongs to.
  ConditionSet ConditionsOf(std::string_view compact_code) const;
  // Removes the milder of mild/severe liver disease, diabetes without/with
  // complications, and any malignancy/metastatic solid tumour.
  static ConditionSet ApplyHierarchy(ConditionSet s);
  // The weighted sum after the hierarchy.
  int Score(ConditionSet s, CharlsonWeights w) const;
  const std::vector<CharlsonCondition>& conditions() const;

 private:
  Charlson();
  std::unordered_map<uint64_t, ConditionSet> by_prefix_;  // 3- and 4-character prefixes packed
};

// 0 below 50, then one point per decade: 50–59 1, 60–69 2, 70–79 3, 80+ 4.
int CharlsonAgePoints(int age_years);

}  // namespace ck::scoring
