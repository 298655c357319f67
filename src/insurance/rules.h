// Payer rules as data: for each product type (commercial, Medicare Advantage,
// Medicaid managed care, Medicare FFS, self-pay), the prior authorization
// decision clocks by urgency and the appeal levels with their filing deadlines
// and decision clocks. The built-in rules follow docs/insurance.md (CMS-0057-F
// from 2026, 42 CFR 422 and 438, 29 CFR 2560.503-1); an organisation replaces
// them with a JSON file (insurance.rules_file) without a new release.
//
//   CK_ASSIGN_OR_RETURN(PayerRules rules, PayerRules::Load(path));
//   const ProductRules* ma = rules.Find("medicare_advantage");
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace ck::insurance {

// A length of time on the organisation's calendar.
struct Span {
  enum class Unit { kHours, kCalendarDays, kBusinessDays, kMonths };
  Unit unit = Unit::kCalendarDays;
  int amount = 0;
  std::string Describe() const;  // "72 hours", "7 calendar days", "2 business days", "4 months"
};

struct AppealLevel {
  std::string level;  // peer_to_peer | first_level_internal | second_level_internal |
                      // external_review | state_fair_hearing
  std::string name;   // the payer type's own name: "Reconsideration", "Redetermination"
  // Filing: from the decision being appealed (its notice date), or from the
  // notice's receipt (actual, else presumed a number of days after the notice).
  std::optional<Span> filing;          // nullopt: forwarded by the payer, nothing to file
  std::string filing_from = "notice";  // notice | receipt
  int presumed_receipt_days = 0;
  // Decision clocks from the appeal's filing, by kind.
  std::optional<Span> expedited, standard, post_service, part_b_drug;
};

struct ProductRules {
  std::string product_type;
  std::string name;
  bool prior_auth = true;  // false: the product has no prior authorization (self-pay)
  std::optional<Span> expedited_decision, standard_decision;
  std::optional<Span> extension;  // the longest extension the rules allow
  std::vector<AppealLevel> appeals;
  const AppealLevel* Level(const std::string& level) const;
};

class PayerRules {
 public:
  // The built-in rules, or the file's (which replace them whole).
  static Result<PayerRules> Load(const std::string& file);
  static const PayerRules& Builtin();
  // InvalidArgument naming the part ("product_types.commercial.appeals[1].filing").
  static Result<PayerRules> Parse(const nlohmann::json& rules);

  const ProductRules* Find(const std::string& product_type) const;
  const std::string& version() const { return version_; }
  const std::map<std::string, ProductRules>& all() const { return products_; }

 private:
  std::string version_;
  std::map<std::string, ProductRules> products_;
};

}  // namespace ck::insurance
