#include "outcomes/stats.h"

#include <cmath>

namespace ck::outcomes {
namespace {

constexpr double kZ = kZ95;

double TwoSidedP(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

}  // namespace

bool Significant(std::optional<double> p_value, double group_size, double rest_size) {
  return p_value && *p_value < 0.05 && group_size >= kMinimumForSignificance &&
         rest_size >= kMinimumForSignificance;
}

std::optional<Interval> WilsonInterval(int64_t k, int64_t n) {
  if (n <= 0) return std::nullopt;
  const double nn = static_cast<double>(n), p = static_cast<double>(k) / nn;
  const double z2 = kZ * kZ;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = kZ * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
  return Interval{std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::optional<double> TwoProportionP(int64_t k1, int64_t n1, int64_t k2, int64_t n2) {
  if (n1 <= 0 || n2 <= 0) return std::nullopt;
  const double p1 = static_cast<double>(k1) / static_cast<double>(n1);
  const double p2 = static_cast<double>(k2) / static_cast<double>(n2);
  const double pooled = static_cast<double>(k1 + k2) / static_cast<double>(n1 + n2);
  if (pooled <= 0 || pooled >= 1) return std::nullopt;
  const double se = std::sqrt(pooled * (1 - pooled) *
                              (1 / static_cast<double>(n1) + 1 / static_cast<double>(n2)));
  return TwoSidedP((p1 - p2) / se);
}

std::optional<Interval> PoissonRateInterval(int64_t events, double exposure) {
  if (exposure <= 0) return std::nullopt;
  const double x = static_cast<double>(events);
  double low = 0;
  if (events > 0) {
    low = x * std::pow(1 - 1 / (9 * x) - kZ / (3 * std::sqrt(x)), 3);
  }
  const double x1 = x + 1;
  const double high = x1 * std::pow(1 - 1 / (9 * x1) + kZ / (3 * std::sqrt(x1)), 3);
  return Interval{low / exposure, high / exposure};
}

std::optional<double> TwoRateP(int64_t e1, double t1, int64_t e2, double t2) {
  if (t1 <= 0 || t2 <= 0 || e1 + e2 == 0) return std::nullopt;
  // Given the total, the first group's events are binomial with p = t1 / (t1 + t2).
  const double n = static_cast<double>(e1 + e2), p = t1 / (t1 + t2);
  const double z = (static_cast<double>(e1) - n * p) / std::sqrt(n * p * (1 - p));
  return TwoSidedP(z);
}

}  // namespace ck::outcomes
