#include "http/metrics.hpp"

#include <gtest/gtest.h>

namespace kakehashi::http {
namespace {

TEST(Metrics, CountsByMethodRouteStatusAndBucketsDurations) {
  Metrics m;
  m.observe("GET", "/healthz", 200, 0.0002);
  m.observe("GET", "/healthz", 200, 0.003);
  m.observe("GET", "/healthz", 503, 2.0);
  std::string out;
  m.render(out);
  EXPECT_NE(out.find("http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2\n"),
            std::string::npos);
  EXPECT_NE(out.find("http_requests_total{method=\"GET\",route=\"/healthz\",status=\"503\"} 1\n"),
            std::string::npos);
  EXPECT_NE(out.find("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(out.find("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(out.find("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(out.find("http_request_duration_seconds_count{route=\"/healthz\"} 3\n"),
            std::string::npos);
}

TEST(Metrics, DurationBucketsReachTwoMinutes) {
  Metrics m;
  m.observe("POST", "/v1/matching-rounds", 201, 75.0);
  std::string out;
  m.render(out);
  EXPECT_NE(
      out.find("http_request_duration_seconds_bucket{route=\"/v1/matching-rounds\",le=\"60\"} 0\n"),
      std::string::npos)
      << out;
  EXPECT_NE(
      out.find(
          "http_request_duration_seconds_bucket{route=\"/v1/matching-rounds\",le=\"120\"} 1\n"),
      std::string::npos)
      << out;
}

TEST(ProcessMetrics, ReadsTheProcessFromProc) {
  std::string out;
  render_process_metrics(out);
  for (const char* name : {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
                           "process_virtual_memory_bytes ", "process_threads ", "process_open_fds ",
                           "process_max_fds "}) {
    EXPECT_NE(out.find(std::string("\n") + name), std::string::npos) << name << "\n" << out;
  }
  EXPECT_NE(out.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) { EXPECT_EQ(prometheus_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd"); }

}  // namespace
}  // namespace kakehashi::http
