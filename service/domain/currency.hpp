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

// True for a code money is paid and budgeted in: an active ISO 4217 code that
// is not "no currency" (XXX), the testing code (XTS), a precious metal (XAU,
// XAG, XPT, XPD), a special drawing right or unit of account (XDR, XSU, XUA,
// XAD, XBA..XBD) or a fund code (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW).
// The CFA francs (XAF, XOF), XCD and XPF are currencies and pass.
bool is_money_currency(std::string_view code);

// Every active code, sorted and without duplicates (for tests and listings).
std::span<const std::string_view> iso4217_codes();

}  // namespace kakehashi::domain
