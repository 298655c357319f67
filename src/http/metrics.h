// Request metrics in Prometheus text format: counts by route and status, and a
// latency histogram by route. Thread-safe; cheap enough for every request.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "core/thread_annotations.h"

namespace ck::http {

class Metrics {
 public:
  // `route` is the matched pattern (never the raw path, which may carry ids).
  void Record(const std::string& method, const std::string& route, int status, int64_t micros);
  void ConnectionOpened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  std::string Render() const;

  static constexpr std::array<double, 12> kBucketsSeconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

 private:
  struct Histogram {
    std::array<uint64_t, kBucketsSeconds.size()> buckets{};
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_ CK_GUARDED_BY(mu_);
  std::map<std::string, Histogram> latency_ CK_GUARDED_BY(mu_);
  std::atomic<int64_t> open_connections_{0};
};

}  // namespace ck::http
