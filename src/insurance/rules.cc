#include "insurance/rules.h"

#include <fstream>
#include <set>
#include <sstream>

namespace ck::insurance {
namespace {

using Json = nlohmann::json;

// The built-in rules (docs/insurance.md gives the sources; REFERENCE.md the
// choices). Peer-to-peer windows are payer practice, not regulation: the
// values here are a common default to be set per organisation.
constexpr const char* kBuiltin = R"json({
  "version": "2026-01",
  "product_types": {
    "medicare_advantage": {
      "name": "Medicare Advantage",
      "prior_auth": {"expedited": {"hours": 72}, "standard": {"calendar_days": 7},
                     "extension": {"calendar_days": 14}},
      "appeals": [
        {"level": "peer_to_peer", "name": "Peer-to-peer review",
         "filing": {"calendar_days": 14}, "filing_from": "notice",
         "decision": {"expedited": {"hours": 24}, "standard": {"business_days": 2}}},
        {"level": "first_level_internal", "name": "Reconsideration",
         "filing": {"calendar_days": 60}, "filing_from": "receipt", "presumed_receipt_days": 5,
         "decision": {"expedited": {"hours": 72}, "standard": {"calendar_days": 30},
                      "post_service": {"calendar_days": 60}, "part_b_drug": {"calendar_days": 7}}},
        {"level": "external_review", "name": "Independent review entity (forwarded by the plan)",
         "decision": {"expedited": {"hours": 72}, "standard": {"calendar_days": 30},
                      "post_service": {"calendar_days": 60}}}
      ]
    },
    "medicaid_managed_care": {
      "name": "Medicaid managed care",
      "prior_auth": {"expedited": {"hours": 72}, "standard": {"calendar_days": 7},
                     "extension": {"calendar_days": 14}},
      "appeals": [
        {"level": "peer_to_peer", "name": "Peer-to-peer review",
         "filing": {"calendar_days": 14}, "filing_from": "notice",
         "decision": {"expedited": {"hours": 24}, "standard": {"business_days": 2}}},
        {"level": "first_level_internal", "name": "Plan appeal",
         "filing": {"calendar_days": 60}, "filing_from": "notice",
         "decision": {"expedited": {"hours": 72}, "standard": {"calendar_days": 30}}},
        {"level": "state_fair_hearing", "name": "State fair hearing",
         "filing": {"calendar_days": 120}, "filing_from": "notice",
         "decision": {"expedited": {"business_days": 3}, "standard": {"calendar_days": 90}}}
      ]
    },
    "commercial": {
      "name": "Commercial (employer and individual)",
      "prior_auth": {"expedited": {"hours": 72}, "standard": {"calendar_days": 15},
                     "extension": {"calendar_days": 15}},
      "appeals": [
        {"level": "peer_to_peer", "name": "Peer-to-peer review",
         "filing": {"calendar_days": 14}, "filing_from": "notice",
         "decision": {"expedited": {"hours": 24}, "standard": {"business_days": 2}}},
        {"level": "first_level_internal", "name": "Internal appeal",
         "filing": {"calendar_days": 180}, "filing_from": "receipt", "presumed_receipt_days": 0,
         "decision": {"expedited": {"hours": 72}, "standard": {"calendar_days": 30},
                      "post_service": {"calendar_days": 60}}},
        {"level": "second_level_internal", "name": "Second-level internal appeal",
         "filing": {"calendar_days": 60}, "filing_from": "notice",
         "decision": {"expedited": {"hours": 72}, "standard": {"calendar_days": 15},
                      "post_service": {"calendar_days": 30}}},
        {"level": "external_review", "name": "External review",
         "filing": {"months": 4}, "filing_from": "receipt", "presumed_receipt_days": 0,
         "decision": {"expedited": {"hours": 72}, "standard": {"calendar_days": 45}}}
      ]
    },
    "medicare_ffs": {
      "name": "Original Medicare (fee-for-service)",
      "prior_auth": {"expedited": {"business_days": 2}, "standard": {"business_days": 10}},
      "appeals": [
        {"level": "first_level_internal", "name": "Redetermination",
         "filing": {"calendar_days": 120}, "filing_from": "receipt", "presumed_receipt_days": 5,
         "decision": {"expedited": {"hours": 72}, "standard": {"calendar_days": 60}}},
        {"level": "second_level_internal", "name": "Reconsideration (QIC)",
         "filing": {"calendar_days": 180}, "filing_from": "receipt", "presumed_receipt_days": 5,
         "decision": {"expedited": {"hours": 72}, "standard": {"calendar_days": 60}}}
      ]
    },
    "medicaid_ffs": {
      "name": "Medicaid fee-for-service",
      "prior_auth": {"expedited": {"hours": 72}, "standard": {"calendar_days": 7},
                     "extension": {"calendar_days": 14}},
      "appeals": [
        {"level": "state_fair_hearing", "name": "State fair hearing",
         "filing": {"calendar_days": 90}, "filing_from": "notice",
         "decision": {"expedited": {"business_days": 3}, "standard": {"calendar_days": 90}}}
      ]
    },
    "self_pay": {"name": "Self-pay", "prior_auth": null, "appeals": []}
  }
})json";

const std::set<std::string> kLevels = {"peer_to_peer", "first_level_internal",
                                       "second_level_internal", "external_review",
                                       "state_fair_hearing"};

Result<Span> ParseSpan(const Json& j, const std::string& path) {
  if (!j.is_object() || j.size() != 1)
    return InvalidArgument(
        "must be one of {\"hours\": N}, {\"calendar_days\": N}, "
        "{\"business_days\": N}, {\"months\": N}",
        path);
  // (Not a structured binding of *j.items().begin(): that proxy dies with the statement.)
  const std::string key = j.begin().key();
  const Json& value = j.begin().value();
  static const std::map<std::string, std::pair<Span::Unit, int>> kUnits = {
      {"hours", {Span::Unit::kHours, 24 * 366}},
      {"calendar_days", {Span::Unit::kCalendarDays, 3660}},
      {"business_days", {Span::Unit::kBusinessDays, 365}},
      {"months", {Span::Unit::kMonths, 120}}};
  auto it = kUnits.find(key);
  if (it == kUnits.end()) return InvalidArgument("unknown unit " + key, path);
  if (!value.is_number_integer() || value.get<int>() < 1 || value.get<int>() > it->second.second)
    return InvalidArgument("must be a positive whole number", path + "." + key);
  return Span{it->second.first, value.get<int>()};
}

Result<std::optional<Span>> OptionalSpan(const Json& parent, const char* key,
                                         const std::string& path) {
  if (!parent.contains(key) || parent[key].is_null()) return std::optional<Span>();
  CK_ASSIGN_OR_RETURN(Span s, ParseSpan(parent[key], path + "." + key));
  return std::optional<Span>(s);
}

Status OnlyKeys(const Json& j, const std::set<std::string>& allowed, const std::string& path) {
  for (const auto& [k, _] : j.items())
    if (!allowed.count(k)) return InvalidArgument("is not a rule casekeeper knows", path + "." + k);
  return Status::Ok();
}

}  // namespace

std::string Span::Describe() const {
  std::string n = std::to_string(amount);
  switch (unit) {
    case Unit::kHours:
      return n + (amount == 1 ? " hour" : " hours");
    case Unit::kCalendarDays:
      return n + (amount == 1 ? " calendar day" : " calendar days");
    case Unit::kBusinessDays:
      return n + (amount == 1 ? " business day" : " business days");
    case Unit::kMonths:
      return n + (amount == 1 ? " month" : " months");
  }
  return n;
}

const AppealLevel* ProductRules::Level(const std::string& level) const {
  for (const AppealLevel& a : appeals)
    if (a.level == level) return &a;
  return nullptr;
}

Result<PayerRules> PayerRules::Parse(const Json& j) {
  if (!j.is_object()) return InvalidArgument("must be an object", "rules");
  CK_RETURN_IF_ERROR(OnlyKeys(j, {"version", "product_types"}, "rules"));
  PayerRules out;
  if (!j.contains("version") || !j["version"].is_string())
    return InvalidArgument("is required (a string)", "version");
  out.version_ = j["version"];
  if (!j.contains("product_types") || !j["product_types"].is_object())
    return InvalidArgument("is required (an object)", "product_types");
  for (const auto& [type, p] : j["product_types"].items()) {
    std::string path = "product_types." + type;
    if (!p.is_object()) return InvalidArgument("must be an object", path);
    CK_RETURN_IF_ERROR(OnlyKeys(p, {"name", "prior_auth", "appeals"}, path));
    ProductRules r;
    r.product_type = type;
    r.name = p.value("name", type);
    if (!p.contains("prior_auth") || p["prior_auth"].is_null()) {
      r.prior_auth = false;
    } else {
      const Json& pa = p["prior_auth"];
      std::string pp = path + ".prior_auth";
      if (!pa.is_object()) return InvalidArgument("must be an object or null", pp);
      CK_RETURN_IF_ERROR(OnlyKeys(pa, {"expedited", "standard", "extension"}, pp));
      CK_ASSIGN_OR_RETURN(r.expedited_decision, OptionalSpan(pa, "expedited", pp));
      CK_ASSIGN_OR_RETURN(r.standard_decision, OptionalSpan(pa, "standard", pp));
      CK_ASSIGN_OR_RETURN(r.extension, OptionalSpan(pa, "extension", pp));
      if (!r.expedited_decision || !r.standard_decision)
        return InvalidArgument("needs expedited and standard decision clocks", pp);
    }
    if (p.contains("appeals")) {
      if (!p["appeals"].is_array()) return InvalidArgument("must be an array", path + ".appeals");
      std::set<std::string> seen;
      for (size_t i = 0; i < p["appeals"].size(); ++i) {
        const Json& a = p["appeals"][i];
        std::string ap = path + ".appeals[" + std::to_string(i) + "]";
        if (!a.is_object()) return InvalidArgument("must be an object", ap);
        CK_RETURN_IF_ERROR(OnlyKeys(
            a, {"level", "name", "filing", "filing_from", "presumed_receipt_days", "decision"},
            ap));
        AppealLevel l;
        l.level = a.value("level", "");
        if (!kLevels.count(l.level))
          return InvalidArgument(
              "must be peer_to_peer, first_level_internal, second_level_internal, "
              "external_review or state_fair_hearing",
              ap + ".level");
        if (!seen.insert(l.level).second)
          return InvalidArgument("appears twice for this product type", ap + ".level");
        l.name = a.value("name", l.level);
        CK_ASSIGN_OR_RETURN(l.filing, OptionalSpan(a, "filing", ap));
        l.filing_from = a.value("filing_from", "notice");
        if (l.filing_from != "notice" && l.filing_from != "receipt")
          return InvalidArgument("must be notice or receipt", ap + ".filing_from");
        if (a.contains("presumed_receipt_days")) {
          if (!a["presumed_receipt_days"].is_number_integer() ||
              a["presumed_receipt_days"].get<int>() < 0 ||
              a["presumed_receipt_days"].get<int>() > 30)
            return InvalidArgument("must be 0 to 30", ap + ".presumed_receipt_days");
          l.presumed_receipt_days = a["presumed_receipt_days"];
        }
        if (!a.contains("decision") || !a["decision"].is_object())
          return InvalidArgument("is required (an object)", ap + ".decision");
        const Json& d = a["decision"];
        std::string dp = ap + ".decision";
        CK_RETURN_IF_ERROR(
            OnlyKeys(d, {"expedited", "standard", "post_service", "part_b_drug"}, dp));
        CK_ASSIGN_OR_RETURN(l.expedited, OptionalSpan(d, "expedited", dp));
        CK_ASSIGN_OR_RETURN(l.standard, OptionalSpan(d, "standard", dp));
        CK_ASSIGN_OR_RETURN(l.post_service, OptionalSpan(d, "post_service", dp));
        CK_ASSIGN_OR_RETURN(l.part_b_drug, OptionalSpan(d, "part_b_drug", dp));
        if (!l.expedited || !l.standard)
          return InvalidArgument("needs expedited and standard decision clocks", dp);
        r.appeals.push_back(std::move(l));
      }
    }
    out.products_[type] = std::move(r);
  }
  return out;
}

Result<PayerRules> PayerRules::Load(const std::string& file) {
  if (file.empty()) return Parse(Json::parse(kBuiltin));
  std::ifstream in(file);
  if (!in) return InvalidArgument("cannot read " + file, "insurance.rules_file");
  std::stringstream buf;
  buf << in.rdbuf();
  Json j = Json::parse(buf.str(), nullptr, false);
  if (j.is_discarded()) return InvalidArgument("is not valid JSON", "insurance.rules_file");
  auto r = Parse(j);
  if (!r.ok()) return InvalidArgument(file + ": " + r.status().message(), r.status().field());
  return r;
}

const PayerRules& PayerRules::Builtin() {
  static const PayerRules rules = *Load("");
  return rules;
}

const ProductRules* PayerRules::Find(const std::string& product_type) const {
  auto it = products_.find(product_type);
  return it == products_.end() ? nullptr : &it->second;
}

}  // namespace ck::insurance
