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

// A group's shown counts must not bound its hidden ones (registered >=
// active): the probe's report hid "+1+1"'s registered (complementary) and
// showed its active 5, which with the column's total left the other hidden
// group 1 or 2 people. A hidden count hides what it bounds in its row.
TEST(Disclosure, AHiddenCountHidesTheCountsItBoundsInItsRow) {
  // registered, active (both bounded by registered only in this sketch)
  const std::vector<std::vector<std::size_t>> bounded = {{1}, {}};
  const std::vector<std::vector<long>> rows = {{2, 1}, {7, 6}, {40, 5}, {60, 40}};
  const auto hidden = suppress_table(rows, bounded, true);
  // registered: 2 (primary) and 7 (complementary); active follows them, so
  // the 6 beside the hidden 7 is hidden too (and 1 + 6 is enough).
  EXPECT_EQ(hidden, (std::vector<std::vector<bool>>{
                        {true, true}, {true, true}, {false, false}, {false, false}}));
  // Without the bound, active's own rule alone hid 1 and 5 and showed the 6
  // beside the hidden 7: registered's hidden 9 then left the 2 at most 3.
  EXPECT_EQ(
      suppress_table(rows, {{}, {}}, true),
      (std::vector<std::vector<bool>>{{true, true}, {true, false}, {false, true}, {false, false}}));
}

TEST(Disclosure, CellsHiddenByABoundMeetTheirColumnsRuleToo) {
  // registered bounds approved. Registered: 3 and 6 hidden (9); approved:
  // 0 (primary), and 2 under the hidden 6: 2 cells, 2 people: the smallest
  // shown approved (8) joins them.
  const std::vector<std::vector<std::size_t>> bounded = {{1}, {}};
  const std::vector<std::vector<long>> rows = {{3, 0}, {6, 2}, {40, 8}, {50, 20}};
  const auto hidden = suppress_table(rows, bounded, true);
  EXPECT_EQ(hidden, (std::vector<std::vector<bool>>{
                        {true, true}, {true, true}, {false, true}, {false, false}}));
  long hidden_approved = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) hidden_approved += hidden[i][1] ? rows[i][1] : 0;
  EXPECT_GE(hidden_approved, kMinimumCell);
  // Overlapping groups (skills): the primary rule and the bounds only.
  EXPECT_EQ(suppress_table(rows, bounded, false),
            (std::vector<std::vector<bool>>{
                {true, true}, {false, true}, {false, false}, {false, false}}));
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
