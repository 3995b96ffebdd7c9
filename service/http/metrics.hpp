// Prometheus metrics for the HTTP layer: request counts by method, route and
// status, and a latency histogram by route (util::kDurationBuckets, up to
// 120 s). Rendering is in the text exposition format (version 0.0.4).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "util/histogram.hpp"

namespace kakehashi::http {

// The method as a metric label: the standard methods, anything else "OTHER".
std::string_view method_label(std::string_view method);

class Metrics {
 public:
  static constexpr auto kBuckets = util::kDurationBuckets;

  void observe(std::string_view method, std::string_view route, int status, double seconds);

  // Appends this registry's metrics to `out`.
  void render(std::string& out) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram, std::less<>> durations_;
};

// The process's own figures from /proc/self (Linux): process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds and process_threads, with the names
// Prometheus client libraries use. A figure /proc cannot give is left out.
void render_process_metrics(std::string& out);

// Escapes a label value for the exposition format.
std::string prometheus_label(std::string_view value);

}  // namespace kakehashi::http
