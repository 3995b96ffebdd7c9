// Amounts as a viewer reads them: in the viewer organization's currency
// beside the original. Every conversion for display goes through
// convert_amount, the one place that knows how rates are found (today the
// indicative table behind matching::to_usd; an exchange-rate table replaces
// it there, not here).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kakehashi::api {

// `amount` of `from` in `to`, rounded to whole units; nullopt when either
// currency has no rate.
std::optional<double> convert_amount(double amount, std::string_view from, std::string_view to);

// The currency an organization in this country reads amounts in: BDT in
// Bangladesh, JPY in Japan, the local currency of the other programme
// countries, USD elsewhere.
std::string currency_of_country(std::string_view country);

}  // namespace kakehashi::api
