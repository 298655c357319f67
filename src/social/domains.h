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

}  // namespace ck::social
