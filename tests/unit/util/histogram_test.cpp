#include "util/histogram.hpp"

#include <gtest/gtest.h>

namespace kakehashi::util {
namespace {

TEST(Histogram, BucketsAreCumulativeAndReachTwoMinutes) {
  EXPECT_EQ(kDurationBuckets.back(), 120.0);
  Histogram h;
  h.observe(0.0001);
  h.observe(0.3);
  h.observe(90);
  h.observe(500);
  std::string out;
  h.render(out, "x_seconds", "k=\"v\"");
  EXPECT_NE(out.find("x_seconds_bucket{k=\"v\",le=\"0.0005\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{k=\"v\",le=\"0.25\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{k=\"v\",le=\"0.5\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{k=\"v\",le=\"60\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{k=\"v\",le=\"120\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{k=\"v\",le=\"+Inf\"} 4\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_count{k=\"v\"} 4\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_sum{k=\"v\"} 590.3001\n"), std::string::npos) << out;
}

TEST(Histogram, RendersWithoutLabels) {
  Histogram h;
  std::string out;
  h.render(out, "y_seconds");
  EXPECT_NE(out.find("y_seconds_bucket{le=\"+Inf\"} 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("y_seconds_count 0\n"), std::string::npos) << out;
}

TEST(LabelledHistograms, AddedValuesRenderBeforeAnyEvent) {
  LabelledHistograms rounds("algorithm");
  rounds.add("stable");
  rounds.observe("max_score", 2.0);
  std::string out;
  rounds.render(out, "r_seconds");
  EXPECT_NE(out.find("r_seconds_count{algorithm=\"stable\"} 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("r_seconds_bucket{algorithm=\"max_score\",le=\"2.5\"} 1\n"), std::string::npos)
      << out;
}

}  // namespace
}  // namespace kakehashi::util
