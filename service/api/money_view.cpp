#include "api/money_view.hpp"

#include <cmath>

namespace kakehashi::api {

std::optional<double> convert_amount(const domain::Pricing& pricing, const std::string& date,
                                     double amount, const std::string& from,
                                     const std::string& to) {
  if (!(amount >= 0)) return std::nullopt;
  const auto converted = pricing.convert(amount, from, to, date);
  if (!converted) return std::nullopt;
  return std::round(*converted);
}

}  // namespace kakehashi::api
