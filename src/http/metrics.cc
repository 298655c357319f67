#include "http/metrics.h"

#include <fmt/format.h>

namespace ck::http {

void Metrics::Record(const std::string& method, const std::string& route, int status,
                     int64_t micros) {
  double seconds = static_cast<double>(micros) / 1e6;
  std::lock_guard lock(mu_);
  ++requests_[{method, route, status}];
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kBucketsSeconds.size(); ++i) {
    if (seconds <= kBucketsSeconds[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum_seconds += seconds;
}

std::string Metrics::Render() const {
  std::string out;
  out += "# HELP casekeeper_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE casekeeper_http_requests_total counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += fmt::format(
        "casekeeper_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n", method,
        route, status, count);
  }
  out +=
      "# HELP casekeeper_http_request_duration_seconds Time from request read to response ready.\n";
  out += "# TYPE casekeeper_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (size_t i = 0; i < kBucketsSeconds.size(); ++i) {
      out += fmt::format(
          "casekeeper_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
          kBucketsSeconds[i], h.buckets[i]);
    }
    out += fmt::format(
        "casekeeper_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route,
        h.count);
    out += fmt::format("casekeeper_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route,
                       h.sum_seconds);
    out += fmt::format("casekeeper_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                       h.count);
  }
  out += "# HELP casekeeper_http_open_connections Open client connections.\n";
  out += "# TYPE casekeeper_http_open_connections gauge\n";
  out += fmt::format("casekeeper_http_open_connections {}\n",
                     open_connections_.load(std::memory_order_relaxed));
  return out;
}

}  // namespace ck::http
