// Conditions written as data, used by instrument definitions (branching,
// alerts, positive domains) and by the stratification rules.
//
//   {"item": "item9", "gt": 0}
//   {"any": [{"item": "living_situation", "in": ["worried", "not_steady"]},
//            {"score": "safety_score", "gt": 10}]}
//   {"fact": "lace.score", "gte": 10}
//
// A reference names what it tests: "item", "score" or "fact" (each definition
// says which kinds it allows). Operators: eq, ne, gt, gte, lt, lte (numbers;
// eq/ne also strings and booleans), in (a list of values), contains_any (a
// multiple-choice answer shares a value with the list), answered (true/false).
// A reference with no value (unanswered, not computed) makes every operator
// false except "answered": false. Combinators: all, any, not.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace ck::scoring {

using Json = nlohmann::json;

class Rule {
 public:
  // InvalidArgument naming `where` (e.g. "flags[0].when") for a malformed rule
  // or a reference kind not in `allowed_kinds`.
  static Result<Rule> Parse(const Json& j, const std::string& where,
                            const std::vector<std::string>& allowed_kinds);

  // `lookup(kind, name)` returns the value or nullptr when it has none.
  using Lookup = std::function<const Json*(const std::string& kind, const std::string& name)>;
  bool Holds(const Lookup& lookup) const;

  // Every (kind, name) the rule reads, for definition checks.
  void References(std::vector<std::pair<std::string, std::string>>& out) const;

 private:
  enum class Op { kAll, kAny, kNot, kEq, kNe, kGt, kGte, kLt, kLte, kIn, kContainsAny, kAnswered };
  Op op_ = Op::kAll;
  std::string kind_;
  std::string name_;
  Json operand_;
  std::vector<Rule> children_;
};

}  // namespace ck::scoring
