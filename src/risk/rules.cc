#include "risk/rules.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "risk/facts.h"

namespace ck::risk {
namespace {

// The built-in rules: docs/risk.md explains each choice.
constexpr const char* kBuiltinRules = R"json({
  "version": "builtin-1",
  "default_tier": 4,
  "lookback_days": 30,
  "assessment_max_age_days": 180,
  "rules": [
    {"tier": 1, "when": {"fact": "phq9.suicide_risk", "eq": true},
     "reason": "PHQ-9 item 9 positive on {phq9.date}"},
    {"tier": 1, "when": {"fact": "alerts.open_crisis", "gt": 0},
     "reason": "{alerts.open_crisis} open crisis alert(s)"},
    {"tier": 1, "when": {"fact": "lace.score", "gte": 10},
     "reason": "LACE {lace.score} after discharge on {lace.discharge_date}"},
    {"tier": 1, "when": {"fact": "hospital.score", "gte": 7},
     "reason": "HOSPITAL {hospital.score} on {hospital.date}"},
    {"tier": 2, "when": {"fact": "lace.score", "gte": 5},
     "reason": "LACE {lace.score} after discharge on {lace.discharge_date}"},
    {"tier": 2, "when": {"fact": "hospital.score", "gte": 5},
     "reason": "HOSPITAL {hospital.score} on {hospital.date}"},
    {"tier": 2, "when": {"fact": "phq9.score", "gte": 15},
     "reason": "PHQ-9 {phq9.score} ({phq9.band}) on {phq9.date}"},
    {"tier": 2, "when": {"fact": "ahc.safety_concern", "eq": true},
     "reason": "Interpersonal safety concern on {ahc.date}"},
    {"tier": 2, "when": {"fact": "charlson.age_adjusted", "gte": 6},
     "reason": "Age-adjusted Charlson {charlson.age_adjusted}"},
    {"tier": 3, "when": {"fact": "charlson.score", "gte": 3},
     "reason": "Charlson {charlson.score}"},
    {"tier": 3, "when": {"fact": "phq9.score", "gte": 10},
     "reason": "PHQ-9 {phq9.score} ({phq9.band}) on {phq9.date}"},
    {"tier": 3, "when": {"fact": "gad7.score", "gte": 10},
     "reason": "GAD-7 {gad7.score} ({gad7.band}) on {gad7.date}"},
    {"tier": 3, "when": {"fact": "ahc.positive_count", "gte": 2},
     "reason": "{ahc.positive_count} social needs on {ahc.date}: {ahc.domains}"},
    {"tier": 3, "when": {"fact": "morse.band", "eq": "high"},
     "reason": "Morse {morse.score} (high fall risk) on {morse.date}"}
  ]
})json";

Result<int> PositiveInt(const Json& j, const char* key, int fallback, int max) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_number_integer() || j[key].get<int64_t>() < 1 || j[key].get<int64_t>() > max)
    return InvalidArgument("must be an integer from 1 to " + std::to_string(max), key);
  return static_cast<int>(j[key].get<int64_t>());
}

}  // namespace

std::string RenderReason(const std::string& tmpl, const Json& facts) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find('{', i);
    size_t close = open == std::string::npos ? open : tmpl.find('}', open);
    if (close == std::string::npos) {
      out += tmpl.substr(i);
      break;
    }
    out += tmpl.substr(i, open - i);
    std::string name = tmpl.substr(open + 1, close - open - 1);
    auto it = facts.find(name);
    if (it == facts.end())
      out += tmpl.substr(open, close - open + 1);
    else if (it->is_string())
      out += it->get<std::string>();
    else
      out += it->dump();
    i = close + 1;
  }
  return out;
}

Result<TierRules> TierRules::Parse(const Json& j) {
  if (!j.is_object()) return InvalidArgument("must be a JSON object", "rules_file");
  for (auto it = j.begin(); it != j.end(); ++it) {
    static const char* kKeys[] = {"version",       "default_tier",
                                  "lookback_days", "assessment_max_age_days",
                                  "rules",         "description"};
    if (std::none_of(std::begin(kKeys), std::end(kKeys),
                     [&](const char* k) { return it.key() == k; }))
      return InvalidArgument("unknown key", it.key());
  }
  TierRules r;
  if (!j.contains("version") || !j["version"].is_string() ||
      j["version"].get<std::string>().empty())
    return InvalidArgument("must be a non-empty string", "version");
  r.version_ = j["version"];
  CK_ASSIGN_OR_RETURN(r.default_tier_, PositiveInt(j, "default_tier", 4, 4));
  CK_ASSIGN_OR_RETURN(r.lookback_days_, PositiveInt(j, "lookback_days", 30, 3650));
  CK_ASSIGN_OR_RETURN(r.assessment_max_age_days_,
                      PositiveInt(j, "assessment_max_age_days", 180, 3650));
  if (!j.contains("rules") || !j["rules"].is_array())
    return InvalidArgument("must be a list", "rules");
  for (size_t i = 0; i < j["rules"].size(); ++i) {
    const Json& rj = j["rules"][i];
    std::string w = "rules[" + std::to_string(i) + "]";
    if (!rj.is_object()) return InvalidArgument("must be an object", w);
    if (!rj.contains("tier") || !rj["tier"].is_number_integer() || rj["tier"].get<int>() < 1 ||
        rj["tier"].get<int>() > 4)
      return InvalidArgument("must be 1, 2, 3 or 4", w + ".tier");
    if (!rj.contains("reason") || !rj["reason"].is_string() ||
        rj["reason"].get<std::string>().empty())
      return InvalidArgument("must be a non-empty string", w + ".reason");
    if (!rj.contains("when")) return InvalidArgument("is required", w + ".when");
    CK_ASSIGN_OR_RETURN(scoring::Rule when,
                        scoring::Rule::Parse(rj["when"], w + ".when", {"fact"}));
    // A misspelt fact would hold for nobody, silently: name what is unknown.
    auto known = [](const std::string& name) {
      const auto& facts = KnownFacts();
      return std::find(facts.begin(), facts.end(), name) != facts.end();
    };
    std::vector<std::pair<std::string, std::string>> refs;
    when.References(refs);
    for (const auto& [kind, name] : refs)
      if (!known(name)) return InvalidArgument("no such fact: " + name, w + ".when");
    const std::string& reason = rj["reason"].get_ref<const std::string&>();
    for (size_t open = reason.find('{'); open != std::string::npos;
         open = reason.find('{', open + 1)) {
      size_t close = reason.find('}', open);
      if (close == std::string::npos) break;
      std::string name = reason.substr(open + 1, close - open - 1);
      if (!known(name)) return InvalidArgument("no such fact: " + name, w + ".reason");
    }
    r.rules_.push_back({rj["tier"].get<int>(), std::move(when), rj["reason"].get<std::string>()});
  }
  std::stable_sort(r.rules_.begin(), r.rules_.end(),
                   [](const TierRule& a, const TierRule& b) { return a.tier < b.tier; });
  return r;
}

const TierRules& TierRules::Builtin() {
  static const TierRules rules = [] {
    auto r = Parse(Json::parse(kBuiltinRules));
    if (!r.ok()) std::abort();  // the built-in text is tested
    return std::move(*r);
  }();
  return rules;
}

Result<TierRules> TierRules::Load(const std::string& path) {
  if (path.empty()) return Builtin();
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  Json j = Json::parse(buf.str(), nullptr, false);
  if (!in || j.is_discarded())
    return InvalidArgument("not a readable JSON file", "risk.rules_file");
  auto r = Parse(j);
  if (!r.ok())
    return InvalidArgument(path + ": " + r.status().field() + ": " + r.status().message(),
                           "risk.rules_file");
  return r;
}

TierResult TierRules::Evaluate(const Json& facts) const {
  TierResult out;
  out.tier = default_tier_;
  auto lookup = [&](const std::string&, const std::string& name) -> const Json* {
    auto it = facts.find(name);
    return it == facts.end() ? nullptr : &*it;
  };
  for (const TierRule& r : rules_) {
    if (!r.when.Holds(lookup)) continue;
    out.tier = std::min(out.tier, r.tier);
    std::string reason = RenderReason(r.reason, facts);
    if (std::find(out.reasons.begin(), out.reasons.end(), reason) == out.reasons.end())
      out.reasons.push_back(std::move(reason));
  }
  return out;
}

}  // namespace ck::risk
