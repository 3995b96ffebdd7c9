// Amounts as a viewer reads them: in the viewer organization's currency
// beside the original. Every conversion for display on the trainee's side goes
// through convert_amount, over the exchange-rate table (domain::Pricing, the
// rate in force on the day), like the explanations' money (money_views.hpp).
#pragma once

#include <optional>
#include <string>

#include "domain/pricing.hpp"

namespace kakehashi::api {

// `amount` of `from` in `to` at the rates in force on `date` (YYYY-MM-DD),
// rounded to whole units; nullopt when either currency has no rate or the
// amount is negative.
std::optional<double> convert_amount(const domain::Pricing& pricing, const std::string& date,
                                     double amount, const std::string& from, const std::string& to);

}  // namespace kakehashi::api
