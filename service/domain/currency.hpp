// ISO 4217 currency codes: whether a three-letter code names a currency, fund
// or precious metal on the standard's current list (List One), so that money
// amounts are stored only with codes that other systems understand.
#pragma once

#include <span>
#include <string_view>

namespace kakehashi::domain {

// True only for an active alphabetic code, in upper case ("JPY", "XAU");
// withdrawn codes ("ZWL", "HRK", "BGN") and lower case ("jpy") are false.
bool is_iso4217(std::string_view code);

// Every active code, sorted and without duplicates (for tests and listings).
std::span<const std::string_view> iso4217_codes();

}  // namespace kakehashi::domain
