#include "domain/currency.hpp"

#include <algorithm>
#include <array>
#include <functional>

namespace kakehashi::domain {

namespace {

// ISO 4217 List One as of amendment 180 (in force since 1 January 2026):
// national currencies, fund codes (BOV, CLF, COU, CHE, CHW, MXV, USN, UYI,
// UYW, XAD, XDR, XSU, XUA), bond-market units (XBA..XBD), precious metals
// (XAG, XAU, XPD, XPT) and the testing and no-currency codes (XTS, XXX).
// Recently withdrawn and left out: ANG (for XCG), BGN and HRK (for EUR), CUC,
// SLL (for SLE), USS, ZWL (for ZWG). A new amendment is a change here and in
// the test's pinned count. Sorted, so it is searched by bisection.
// clang-format off
constexpr auto kIso4217Codes = std::to_array<std::string_view>({
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN",
    "BAM", "BBD", "BDT", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP",
    "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE",
    "CZK",
    "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR",
    "FJD", "FKP",
    "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD",
    "HKD", "HNL", "HTG", "HUF",
    "IDR", "ILS", "INR", "IQD", "IRR", "ISK",
    "JMD", "JOD", "JPY",
    "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
    "LAK", "LBP", "LKR", "LRD", "LSL", "LYD",
    "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV",
    "MYR", "MZN",
    "NAD", "NGN", "NIO", "NOK", "NPR", "NZD",
    "OMR",
    "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
    "QAR",
    "RON", "RSD", "RUB", "RWF",
    "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC",
    "SYP", "SZL",
    "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS",
    "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS",
    "VED", "VES", "VND", "VUV",
    "WST",
    "XAD", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD",
    "XPF", "XPT", "XSU", "XTS", "XUA", "XXX",
    "YER",
    "ZAR", "ZMW", "ZWG",
});
// clang-format on

static_assert(std::ranges::adjacent_find(kIso4217Codes, std::greater_equal<>{}) ==
                  kIso4217Codes.end(),
              "kIso4217Codes must be strictly increasing: sorted, no duplicates");

}  // namespace

bool is_iso4217(std::string_view code) {
  return code.size() == 3 && std::binary_search(kIso4217Codes.begin(), kIso4217Codes.end(), code);
}

bool is_money_currency(std::string_view code) {
  static constexpr std::string_view kNotMoney[] = {
      "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW", "XAD", "XAG", "XAU",
      "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"};
  return is_iso4217(code) &&
         std::find(std::begin(kNotMoney), std::end(kNotMoney), code) == std::end(kNotMoney);
}

std::span<const std::string_view> iso4217_codes() { return kIso4217Codes; }

}  // namespace kakehashi::domain
