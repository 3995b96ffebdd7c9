#include "store/trainee_values.hpp"

#include <cctype>

#include "store/sql_util.hpp"
#include "util/crypto.hpp"

namespace kakehashi::store {

std::string new_alias() {
  std::string hex = util::random_hex(5);
  for (auto& ch : hex) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return "KH-" + hex;
}

std::optional<std::string> rate_amount(const domain::TraineeProfile& p) {
  if (!p.expected_monthly_rate) return std::nullopt;
  return decimal_text(p.expected_monthly_rate->amount);
}

std::optional<std::string> rate_currency(const domain::TraineeProfile& p) {
  if (!p.expected_monthly_rate) return std::nullopt;
  return p.expected_monthly_rate->currency;
}

}  // namespace kakehashi::store
