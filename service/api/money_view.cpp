#include "api/money_view.hpp"

#include <array>
#include <cmath>
#include <utility>

#include "matching/features.hpp"

namespace kakehashi::api {

std::optional<double> convert_amount(double amount, std::string_view from, std::string_view to) {
  if (!(amount >= 0)) return std::nullopt;
  if (from == to) return std::round(amount);
  // to_usd answers whole dollars: a unit of `to` is measured on 10^8 units so
  // that the rate keeps six or more significant digits for every currency.
  constexpr double kProbe = 1e8;
  const auto usd = matching::to_usd(amount, from);
  const auto probe = matching::to_usd(kProbe, to);
  if (!usd || !probe || *probe <= 0) return std::nullopt;
  return std::round(static_cast<double>(*usd) * kProbe / static_cast<double>(*probe));
}

std::string currency_of_country(std::string_view country) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kCurrencies = {{
      {"BD", "BDT"},
      {"IN", "INR"},
      {"JP", "JPY"},
      {"LK", "LKR"},
      {"NP", "NPR"},
      {"PH", "PHP"},
      {"PK", "PKR"},
      {"US", "USD"},
      {"VN", "VND"},
  }};
  for (const auto& [c, currency] : kCurrencies) {
    if (c == country) return std::string(currency);
  }
  return "USD";
}

}  // namespace kakehashi::api
