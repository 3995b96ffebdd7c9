#include "api/disclosure.hpp"

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

}  // namespace kakehashi::api
