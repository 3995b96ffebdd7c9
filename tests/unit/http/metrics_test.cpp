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

TEST(Metrics, EscapesLabelValues) { EXPECT_EQ(prometheus_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd"); }

}  // namespace
}  // namespace kakehashi::http
