#include "domain/trainee.hpp"

#include "domain/levels.hpp"

namespace kakehashi::domain {

int jlpt_rank(const std::string& level) {
  const auto j = parse_jlpt(level);
  return j ? jlpt_rank(*j) : -1;
}

}  // namespace kakehashi::domain
