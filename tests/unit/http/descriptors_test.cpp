// How many connections the limit on open files carries: past it accept()
// fails and clients wait unanswered, within it they get the 503.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>

#include "http/server.hpp"

namespace kakehashi::http {
namespace {

TEST(Descriptors, ConnectionsFitBesideTheReserve) {
  EXPECT_EQ(connections_within(10'000, 1'024, 72), 952U);
  EXPECT_EQ(connections_within(500, 1'024, 72), 500U);
  EXPECT_EQ(connections_within(10'000, 1'048'576, 72), 10'000U);
  EXPECT_EQ(connections_within(10'000, 50, 72), 1U);
  EXPECT_EQ(connections_within(10'000, 73, 72), 1U);
  EXPECT_EQ(connections_within(10'000, 74, 72), 2U);
}

TEST(Descriptors, TheSoftLimitIsRaisedAsFarAsNeededAndTheHardOneAllows) {
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &before), 0);
  const auto hard = before.rlim_max;
  rlimit low = before;
  low.rlim_cur = std::min<rlim_t>(256, hard);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  // Raised to what 400 connections and 100 others need, as the hard limit allows.
  const auto fitted = fit_connections_to_descriptors(400, 100);
  rlimit now{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(now.rlim_cur, hard == RLIM_INFINITY ? 500 : std::min<rlim_t>(500, hard));
  EXPECT_EQ(fitted, connections_within(400, now.rlim_cur, 100));
  // More than any limit allows: raised to the hard limit, the connections
  // lowered to fit it.
  const std::size_t many = 100'000'000;
  const auto lowered = fit_connections_to_descriptors(many, 100);
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
  if (hard != RLIM_INFINITY) EXPECT_EQ(now.rlim_cur, hard);
  EXPECT_EQ(lowered, connections_within(many, now.rlim_cur, 100));
  EXPECT_LT(lowered, many);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &before), 0);
}

}  // namespace
}  // namespace kakehashi::http
