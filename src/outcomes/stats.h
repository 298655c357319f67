// The statistics the outcome reports need, small and exact: Wilson score
// intervals for rates, the two-proportion z-test for a group against the rest,
// and the Poisson-based interval for event rates per person-time.
//
//   Interval ci = WilsonInterval(12, 80);          // 95 %
//   double p = TwoProportionP(12, 80, 30, 400);     // two-sided
#pragma once

#include <cstdint>
#include <optional>

namespace ck::outcomes {

struct Interval {
  double low = 0, high = 0;
};

// A group differs from the rest when p < 0.05 and each side has at least this
// many in its denominator (people, events' denominators, or patient-months):
// below that the report says nothing rather than something misleading.
inline constexpr double kMinimumForSignificance = 10;
inline constexpr double kZ95 = 1.959963984540054;  // the 97.5th percentile of the standard normal
bool Significant(std::optional<double> p_value, double group_size, double rest_size);

// The 95 % Wilson score interval of k successes in n (nullopt when n is 0).
std::optional<Interval> WilsonInterval(int64_t k, int64_t n);

// Two-sided p-value of the pooled two-proportion z-test of k1/n1 against
// k2/n2; nullopt when either n is 0 or the pooled rate is 0 or 1.
std::optional<double> TwoProportionP(int64_t k1, int64_t n1, int64_t k2, int64_t n2);

// The 95 % interval of a rate of `events` over `exposure` (person-time), from
// the exact Poisson limits approximated by Byar's method; nullopt when
// exposure is 0.
std::optional<Interval> PoissonRateInterval(int64_t events, double exposure);

// Two-sided p-value that two Poisson rates differ (conditional binomial test,
// normal approximation); nullopt without events or exposure.
std::optional<double> TwoRateP(int64_t e1, double t1, int64_t e2, double t2);

}  // namespace ck::outcomes
