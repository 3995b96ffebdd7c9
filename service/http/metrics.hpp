// Prometheus metrics for the HTTP layer: request counts by method, route and
// status, and a latency histogram by route. Rendering is in the text
// exposition format (version 0.0.4).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace kakehashi::http {

// The method as a metric label: the standard methods, anything else "OTHER".
std::string_view method_label(std::string_view method);

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

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

// Escapes a label value for the exposition format.
std::string prometheus_label(std::string_view value);

}  // namespace kakehashi::http
