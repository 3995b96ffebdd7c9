// A Prometheus histogram of durations in seconds that many threads observe
// without a lock (one atomic per bucket), with the buckets every duration
// series of the service shares: half a millisecond to two minutes, so a slow
// request, a long pool wait and a matching round all land in a bucket.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace kakehashi::util {

inline constexpr std::array<double, 17> kDurationBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,  0.25,
    0.5,    1.0,   2.5,    5.0,   10.0, 30.0,  60.0, 120.0};

// A bucket bound or a sum as the exposition format writes it.
inline std::string format_metric_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

class Histogram {
 public:
  void observe(double seconds) {
    // Only the first bucket that holds the value counts it; render() sums them.
    std::size_t i = 0;
    while (i < kDurationBuckets.size() && seconds > kDurationBuckets[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    const auto micros = seconds > 0 ? static_cast<std::uint64_t>(seconds * 1e6) : 0;
    sum_micros_.fetch_add(micros, std::memory_order_relaxed);
  }

  // Appends the _bucket, _sum and _count lines of `name`, with `labels`
  // (`key="value"` pairs, already escaped; may be empty) on each.
  void render(std::string& out, std::string_view name, std::string_view labels = {}) const {
    const std::string prefix = std::string(labels) + (labels.empty() ? "" : ",");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= kDurationBuckets.size(); ++i) {
      cumulative += buckets_[i].load(std::memory_order_relaxed);
      const std::string le =
          i < kDurationBuckets.size() ? format_metric_number(kDurationBuckets[i]) : "+Inf";
      out += std::string(name) + "_bucket{" + prefix + "le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    const std::string braces = labels.empty() ? "" : "{" + std::string(labels) + "}";
    out += std::string(name) + "_sum" + braces + " " +
           format_metric_number(static_cast<double>(sum_micros_.load()) / 1e6) + "\n";
    out += std::string(name) + "_count" + braces + " " + std::to_string(cumulative) + "\n";
  }

 private:
  std::array<std::atomic<std::uint64_t>, kDurationBuckets.size() + 1> buckets_{};  // last: +Inf
  std::atomic<std::uint64_t> sum_micros_{0};
};

// One histogram per value of a label drawn from a closed set (a round's
// algorithm), so label values need no escaping. Rare events: one mutex.
class LabelledHistograms {
 public:
  explicit LabelledHistograms(std::string label) : label_(std::move(label)) {}

  // Makes the series for `value` exist (at zero) before its first event.
  void add(std::string_view value) { at(value); }
  void observe(std::string_view value, double seconds) { at(value).observe(seconds); }

  void render(std::string& out, std::string_view name) const {
    std::lock_guard lock(mutex_);
    for (const auto& [value, histogram] : by_value_) {
      histogram.render(out, name, label_ + "=\"" + value + "\"");
    }
  }

 private:
  Histogram& at(std::string_view value) {
    std::lock_guard lock(mutex_);
    auto it = by_value_.find(value);
    if (it == by_value_.end()) {
      it = by_value_
               .emplace(std::piecewise_construct, std::forward_as_tuple(value),
                        std::forward_as_tuple())
               .first;
    }
    return it->second;  // std::map nodes stay put
  }

  std::string label_;
  mutable std::mutex mutex_;
  std::map<std::string, Histogram, std::less<>> by_value_;
};

}  // namespace kakehashi::util
