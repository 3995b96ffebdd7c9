// Statuses, match states, algorithms and engagement models: every name
// round-trips, near misses are refused, and the sets agree with the tables and
// bits that other parts of the service already use.
#include "domain/statuses.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "domain/match_states.hpp"
#include "matcher/types.hpp"

namespace kakehashi::domain {
namespace {

using namespace std::string_view_literals;

template <NamedEnum E, std::size_t N>
void expect_round_trip(const std::array<E, N>& all) {
  ASSERT_EQ(names_of<E>().size(), N);
  for (std::size_t i = 0; i < N; ++i) {
    const auto name = enum_name(all[i]);
    EXPECT_EQ(name, names_of<E>()[i]);
    EXPECT_EQ(parse_enum<E>(name), all[i]) << name;
    EXPECT_EQ(parse_enum<E>(std::string(name)), all[i]) << name;
    EXPECT_EQ(static_cast<std::size_t>(all[i]), i) << name;  // listed in declaration order
  }
}

TEST(Statuses, EveryValueRoundTrips) {
  expect_round_trip(kAllTraineeStatuses);
  expect_round_trip(kAllProjectStatuses);
  expect_round_trip(kAllMatchStates);
  expect_round_trip(kAllAlgorithms);
  expect_round_trip(kAllEngagements);
}

TEST(Statuses, NamedFunctionsAgreeWithTheGenericOnes) {
  for (const auto s : kAllTraineeStatuses) {
    EXPECT_EQ(parse_trainee_status(trainee_status_name(s)), s);
  }
  for (const auto s : kAllProjectStatuses) {
    EXPECT_EQ(parse_project_status(project_status_name(s)), s);
  }
  for (const auto s : kAllMatchStates) EXPECT_EQ(parse_match_state(match_state_name(s)), s);
  for (const auto a : kAllAlgorithms) EXPECT_EQ(parse_algorithm(algorithm_name(a)), a);
  for (const auto e : kAllEngagements) EXPECT_EQ(parse_engagement(engagement_name(e)), e);
}

TEST(Statuses, NamesAreTheWireNames) {
  EXPECT_EQ(names_for_message<TraineeStatus>(), "active, placed, withdrawn, erased");
  EXPECT_EQ(names_for_message<ProjectStatus>(), "draft, open, closed");
  EXPECT_EQ(names_for_message<Algorithm>(), "stable, max_score");
  EXPECT_EQ(names_for_message<Engagement>(), "offshore, onsite_japan, hybrid");
  EXPECT_EQ(algorithm_name(Algorithm::kMaxScore), "max_score");
  EXPECT_EQ(engagement_name(Engagement::kOnsiteJapan), "onsite_japan");
}

TEST(Statuses, UnknownAndWrongCaseNamesAreRefused) {
  for (const auto s : {"Active"sv, "ACTIVE"sv, ""sv, "deleted"sv, " placed"sv, "draft"sv}) {
    EXPECT_EQ(parse_trainee_status(s), std::nullopt) << s;
  }
  for (const auto s : {"Draft"sv, ""sv, "opened"sv, "active"sv, "closed "sv}) {
    EXPECT_EQ(parse_project_status(s), std::nullopt) << s;
  }
  for (const auto s : {"Proposed"sv, ""sv, "accept"sv, "withdraw"sv, "cancelled"sv}) {
    EXPECT_EQ(parse_match_state(s), std::nullopt) << s;
  }
  for (const auto s : {"Stable"sv, "STABLE"sv, ""sv, "max-score"sv, "maxscore"sv, "max_score "sv}) {
    EXPECT_EQ(parse_algorithm(s), std::nullopt) << s;
  }
  for (const auto s : {"Offshore"sv, ""sv, "onsite-japan"sv, "onsite"sv, "remote"sv}) {
    EXPECT_EQ(parse_engagement(s), std::nullopt) << s;
  }
}

// match_states.hpp keeps its string table for now; the enum must not drift from it.
TEST(Statuses, MatchStatesAgreeWithTheLifecycleTable) {
  ASSERT_EQ(kAllMatchStates.size(), kMatchStates.size());
  for (std::size_t i = 0; i < kAllMatchStates.size(); ++i) {
    EXPECT_EQ(match_state_name(kAllMatchStates[i]), kMatchStates[i]);
    EXPECT_TRUE(is_match_state(match_state_name(kAllMatchStates[i])));
  }
}

TEST(Statuses, EngagementBitsAreDistinctAndMatchTheMatcher) {
  static_assert(engagement_bit(Engagement::kOffshore) == matcher::kOffshore);
  static_assert(engagement_bit(Engagement::kOnsiteJapan) == matcher::kOnsiteJapan);
  static_assert(engagement_bit(Engagement::kHybrid) == matcher::kHybrid);
  std::uint8_t all = 0;
  for (const auto e : kAllEngagements) {
    const auto bit = engagement_bit(e);
    EXPECT_EQ(bit & (bit - 1), 0) << engagement_name(e);  // one bit
    EXPECT_EQ(all & bit, 0) << engagement_name(e);        // not shared
    all = static_cast<std::uint8_t>(all | bit);
  }
  EXPECT_EQ(all, 7);
}

TEST(Statuses, AValueOutsideTheSetHasNoName) {
  EXPECT_EQ(trainee_status_name(static_cast<TraineeStatus>(9)), "unknown");
  EXPECT_EQ(algorithm_name(static_cast<Algorithm>(2)), "unknown");
}

}  // namespace
}  // namespace kakehashi::domain
