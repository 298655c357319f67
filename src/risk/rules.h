// Risk-tier rules as data: each rule names a tier (1 highest … 4), a
// condition over a patient's facts, and a reason template. A patient's tier
// is the highest tier any rule gives (default_tier when none holds); the
// reasons are every rule that held, highest tier first. The built-in rules
// are in rules.cc; an organisation supplies its own file (risk.rules_file).
//
//   {"version": "org-2", "default_tier": 4, "lookback_days": 30,
//    "assessment_max_age_days": 180,
//    "rules": [{"tier": 1, "when": {"fact": "lace.score", "gte": 10},
//               "reason": "LACE {lace.score} after discharge on {lace.discharge_date}"}]}
#pragma once

#include <string>
#include <vector>

#include "scoring/rule.h"

namespace ck::risk {

using Json = scoring::Json;

struct TierResult {
  int tier = 4;
  std::vector<std::string> reasons;
};

class TierRules {
 public:
  // InvalidArgument naming the part at fault ("rules[2].when").
  static Result<TierRules> Parse(const Json& j);
  static const TierRules& Builtin();
  // The built-in rules, or the file's when `path` is not empty.
  static Result<TierRules> Load(const std::string& path);

  TierResult Evaluate(const Json& facts) const;

  const std::string& version() const { return version_; }
  int lookback_days() const { return lookback_days_; }
  int assessment_max_age_days() const { return assessment_max_age_days_; }

 private:
  struct TierRule {
    int tier;
    scoring::Rule when;
    std::string reason;
  };
  std::string version_;
  int default_tier_ = 4;
  int lookback_days_ = 30;
  int assessment_max_age_days_ = 180;
  std::vector<TierRule> rules_;  // sorted by tier, stable
};

// "{lace.score}" → the fact's value; unknown names are left as they are.
std::string RenderReason(const std::string& tmpl, const Json& facts);

}  // namespace ck::risk
