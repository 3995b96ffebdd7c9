#include "domain/trainee.hpp"

#include <array>

namespace kakehashi::domain {

int jlpt_rank(const std::string& level) {
  static constexpr std::array<const char*, 6> kOrder = {"none", "N5", "N4", "N3", "N2", "N1"};
  for (std::size_t i = 0; i < kOrder.size(); ++i) {
    if (level == kOrder[i]) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace kakehashi::domain
