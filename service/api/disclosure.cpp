#include "api/disclosure.hpp"

#include <algorithm>
#include <numeric>

namespace kakehashi::api {

std::vector<bool> suppress_column(const std::vector<long>& counts, bool partition) {
  std::vector<bool> hidden(counts.size(), false);
  long hidden_sum = 0;
  std::size_t hidden_count = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] < kMinimumCell) {
      hidden[i] = true;
      hidden_sum += counts[i];
      ++hidden_count;
    }
  }
  if (!partition || hidden_count == 0) return hidden;
  while (hidden_count < counts.size() && (hidden_count < 2 || hidden_sum < kMinimumCell)) {
    std::size_t next = counts.size();
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (!hidden[i] && (next == counts.size() || counts[i] < counts[next])) next = i;
    }
    hidden[next] = true;
    hidden_sum += counts[next];
    ++hidden_count;
  }
  return hidden;
}

std::vector<std::vector<bool>> suppress_table(const std::vector<std::vector<long>>& rows,
                                              const std::vector<std::vector<std::size_t>>& bounded,
                                              bool partition) {
  const std::size_t n = rows.size();
  const std::size_t columns = n == 0 ? 0 : rows.front().size();
  std::vector<std::vector<bool>> hidden(n, std::vector<bool>(columns, false));
  for (std::size_t c = 0; c < columns; ++c) {
    std::vector<long> column(n);
    for (std::size_t i = 0; i < n; ++i) {
      column[i] = rows[i][c];
      if (rows[i][c] < kMinimumCell) hidden[i][c] = true;
    }
    if (partition) {
      std::size_t count = 0;
      long sum = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (!hidden[i][c]) continue;
        ++count;
        sum += column[i];
      }
      while (count > 0 && count < n && (count < 2 || sum < kMinimumCell)) {
        std::size_t next = n;
        for (std::size_t i = 0; i < n; ++i) {
          if (!hidden[i][c] && (next == n || column[i] < column[next])) next = i;
        }
        hidden[next][c] = true;
        ++count;
        sum += column[next];
      }
    }
    if (c < bounded.size()) {
      for (std::size_t i = 0; i < n; ++i) {
        if (!hidden[i][c]) continue;
        for (const std::size_t d : bounded[c]) {
          if (d > c && d < columns) hidden[i][d] = true;
        }
      }
    }
  }
  return hidden;
}

}  // namespace kakehashi::api
