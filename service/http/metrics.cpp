#include "http/metrics.hpp"

#include <cstdio>

namespace kakehashi::http {
namespace {

std::string format_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::string prometheus_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string_view method_label(std::string_view method) {
  // Label values must stay a small closed set: a client choosing the method
  // (PROBEXA, 8,000 bytes of it) must not create a series per request.
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "OTHER";
}

void Metrics::observe(std::string_view method, std::string_view route, int status, double seconds) {
  if (status < 100 || status > 599) status = 0;
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(method_label(method)), std::string(route), status}];
  auto it = durations_.find(route);
  if (it == durations_.end()) it = durations_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = it->second;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::render(std::string& out) const {
  std::lock_guard lock(mutex_);
  out +=
      "# HELP http_requests_total HTTP requests answered, by method, route template and status.\n";
  out += "# TYPE http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += "http_requests_total{method=\"" + prometheus_label(method) + "\",route=\"" +
           prometheus_label(route) + "\",status=\"" + std::to_string(status) + "\"} " +
           std::to_string(count) + "\n";
  }
  out +=
      "# HELP http_request_duration_seconds Time from a request's last byte read to its "
      "response handed to the socket.\n";
  out += "# TYPE http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : durations_) {
    const std::string label = "route=\"" + prometheus_label(route) + "\"";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += "http_request_duration_seconds_bucket{" + label + ",le=\"" +
             format_double(kBuckets[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
    }
    out += "http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "http_request_duration_seconds_sum{" + label + "} " + format_double(h.sum) + "\n";
    out += "http_request_duration_seconds_count{" + label + "} " + std::to_string(h.count) + "\n";
  }
}

}  // namespace kakehashi::http
