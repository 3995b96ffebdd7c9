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

// A report's groups, each a row of counts (columns in the same order), where
// some counts bound others in every row (registered ≥ every other count; in
// the funnel, proposed ≥ shortlisted ≥ … ≥ approved): a hidden count must
// not be bounded by a count shown beside it. A probe read a group's hidden
// registered count as at least its shown active count, and with the column's
// total narrowed the other hidden group to 1 or 2 people. `bounded[c]` lists
// the columns at or below column c in every row (each after c). Column by
// column, in order:
//  1. primary: every count under kMinimumCell is hidden;
//  2. complementary: in a partition, while the column's hidden cells are
//     fewer than two or hold fewer than kMinimumCell together (and not all
//     are hidden), its smallest shown cell is hidden too;
//  3. a hidden cell hides the cells of its row it bounds (they come later,
//     and are then part of their own column's rule 2).
// Returns hidden[row][column].
std::vector<std::vector<bool>> suppress_table(const std::vector<std::vector<long>>& rows,
                                              const std::vector<std::vector<std::size_t>>& bounded,
                                              bool partition);

}  // namespace kakehashi::api
