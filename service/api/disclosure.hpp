// Small-cell suppression for aggregate reports (issue 17): no published cell
// counts fewer than kMinimumCell people, and no suppressed cell can be
// recovered by subtracting the shown cells of its column from the total.
// Pure functions, no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace kakehashi::api {

inline constexpr long kMinimumCell = 5;

// One column of a report: each group's count and the total over all groups.
// `partition` says whether the groups partition the total (each person in
// exactly one group); when they overlap (skills) subtraction recovers nothing
// exact and only the primary rule applies.
//
// Returns, for each group, whether its cell is suppressed:
//  1. primary: every count under kMinimumCell (0 included);
//  2. complementary: in a partition, when any cell is suppressed, further
//     cells are suppressed, smallest first, until at least two are and the
//     suppressed cells hold at least kMinimumCell people together, so
//     total - shown = their sum names no one cell's count nor a small one.
// The total itself is suppressed by the primary rule (suppress_total).
std::vector<bool> suppress_column(const std::vector<long>& counts, bool partition);

inline bool suppress_total(long total) { return total < kMinimumCell; }

}  // namespace kakehashi::api
