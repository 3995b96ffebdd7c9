// Small-cell suppression: primary cells under 5, and complementary cells so
// that no suppressed count follows from the total by subtraction.
#include "api/disclosure.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <set>

namespace kakehashi::api {
namespace {

long hidden_sum(const std::vector<long>& counts, const std::vector<bool>& hidden) {
  long sum = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) sum += hidden[i] ? counts[i] : 0;
  return sum;
}

TEST(Disclosure, CellsUnderFiveAreSuppressedZeroIncluded) {
  const std::vector<long> counts = {12, 4, 0, 9, 5};
  const auto hidden = suppress_column(counts, /*partition=*/false);
  EXPECT_EQ(hidden, (std::vector<bool>{false, true, true, false, false}));
}

TEST(Disclosure, ALoneSuppressedCellTakesTheSmallestOtherWithIt) {
  // 3 alone would be total - 12 - 9 - 7; hiding 7 too leaves 10 for two cells.
  const std::vector<long> counts = {12, 3, 9, 7};
  const auto hidden = suppress_column(counts, true);
  EXPECT_EQ(hidden, (std::vector<bool>{false, true, false, true}));
}

TEST(Disclosure, SuppressedCellsTogetherHoldAtLeastFive) {
  // 1 + 0 = 1: total - shown would say both are nearly nothing; 6 joins them.
  const std::vector<long> counts = {1, 0, 6, 20};
  const auto hidden = suppress_column(counts, true);
  EXPECT_EQ(hidden, (std::vector<bool>{true, true, true, false}));
  EXPECT_GE(hidden_sum(counts, hidden), kMinimumCell);
}

TEST(Disclosure, NothingSmallNothingHidden) {
  const std::vector<long> counts = {5, 6, 70};
  EXPECT_EQ(suppress_column(counts, true), (std::vector<bool>{false, false, false}));
}

TEST(Disclosure, OverlappingGroupsUseThePrimaryRuleOnly) {
  const std::vector<long> counts = {12, 3, 9};
  EXPECT_EQ(suppress_column(counts, false), (std::vector<bool>{false, true, false}));
}

TEST(Disclosure, NoSuppressedCellFollowsFromTheTotalOverManyColumns) {
  // Every column of up to 6 groups with counts 0..12 (a seeded sweep): either
  // nothing is hidden, or at least two cells are and they hold at least 5
  // together (or every cell is hidden), and every cell under 5 is hidden.
  std::uint32_t state = 17;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (int round = 0; round < 5000; ++round) {
    std::vector<long> counts(1 + next() % 6);
    for (auto& c : counts) c = static_cast<long>(next() % 13);
    const auto hidden = suppress_column(counts, true);
    const auto n = std::count(hidden.begin(), hidden.end(), true);
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (counts[i] < kMinimumCell) {
        EXPECT_TRUE(hidden[i]);
      }
    }
    if (n == 0 || static_cast<std::size_t>(n) == counts.size()) continue;
    EXPECT_GE(n, 2);
    EXPECT_GE(hidden_sum(counts, hidden), kMinimumCell);
  }
}

TEST(Disclosure, ATotalUnderFiveIsSuppressed) {
  EXPECT_TRUE(suppress_total(4));
  EXPECT_TRUE(suppress_total(0));
  EXPECT_FALSE(suppress_total(5));
}

}  // namespace
}  // namespace kakehashi::api
