// The domains of social needs and barriers to care, one list for barriers,
// the community resource directory and the education library. The first six
// are the AHC HRSN screening's positive domains, named as the instrument names them.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace ck::social {

inline constexpr std::array<std::string_view, 13> kBarrierDomains = {
    "housing_instability",  "housing_quality",   "food_insecurity",  "transportation",  "utilities",
    "interpersonal_safety", "financial_strain",  "social_isolation", "health_literacy", "language",
    "caregiver_support",    "behavioral_health", "substance_use"};

inline bool IsBarrierDomain(std::string_view d) {
  return std::find(kBarrierDomains.begin(), kBarrierDomains.end(), d) != kBarrierDomains.end();
}

// The domain in plain words, for people outside casekeeper (the partner page).
inline std::string_view NeedLabel(std::string_view d) {
  if (d == "housing_instability") return "Housing (at risk of losing it, or none)";
  if (d == "housing_quality") return "Housing repairs and safety";
  if (d == "food_insecurity") return "Food";
  if (d == "transportation") return "Transportation";
  if (d == "utilities") return "Utilities (gas, electric, water)";
  if (d == "interpersonal_safety") return "Personal safety";
  if (d == "financial_strain") return "Money and benefits";
  if (d == "social_isolation") return "Company and social contact";
  if (d == "health_literacy") return "Understanding health information";
  if (d == "language") return "Language and interpreting";
  if (d == "caregiver_support") return "Support for a caregiver";
  if (d == "behavioral_health") return "Mental health";
  if (d == "substance_use") return "Alcohol or drug use";
  return d;
}

}  // namespace ck::social
