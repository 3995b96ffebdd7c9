// The ISO 4217 table: its shape (sorted, unique, three capital letters), codes
// that must be found at both ends and in between, and near misses that must not.
#include "domain/currency.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>

namespace kakehashi::domain {
namespace {

using namespace std::string_view_literals;

TEST(Currency, TheTableIsSortedUniqueAndThreeCapitalLetters) {
  const auto codes = iso4217_codes();
  // Pinned so that a code lost in an edit is noticed; change it with the table.
  EXPECT_EQ(codes.size(), 178U);
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
  EXPECT_EQ(std::adjacent_find(codes.begin(), codes.end()), codes.end());
  EXPECT_EQ(std::set<std::string_view>(codes.begin(), codes.end()).size(), codes.size());
  for (const auto code : codes) {
    EXPECT_EQ(code.size(), 3U) << code;
    EXPECT_TRUE(std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        << code;
  }
}

TEST(Currency, EveryCodeInTheTableIsFound) {
  for (const auto code : iso4217_codes()) {
    EXPECT_TRUE(is_iso4217(code)) << code;
    EXPECT_TRUE(is_iso4217(std::string(code))) << code;  // not by pointer identity
  }
}

TEST(Currency, CommonCurrenciesAreValid) {
  for (const auto code : {"JPY"sv, "BDT"sv, "USD"sv, "EUR"sv, "INR"sv, "VND"sv, "PHP"sv, "IDR"sv,
                          "NPR"sv, "MMK"sv, "CNY"sv, "KRW"sv, "GBP"sv, "CHF"sv}) {
    EXPECT_TRUE(is_iso4217(code)) << code;
  }
}

TEST(Currency, BothEndsFundsAndMetalsAreValid) {
  for (const auto code : {"AED"sv, "AFN"sv, "ZMW"sv, "ZWG"sv, "XAU"sv, "XAG"sv, "XPT"sv, "XDR"sv,
                          "CLF"sv, "USN"sv, "UYW"sv, "XCG"sv, "VED"sv, "SLE"sv, "XAD"sv}) {
    EXPECT_TRUE(is_iso4217(code)) << code;
  }
}

// Money is paid in currencies: the codes for no currency, testing, metals,
// units of account and funds are ISO 4217 but not amounts a salary or a
// budget is in (a probe set XXX, XTS and BOV as rates).
TEST(Currency, SalariesAndBudgetsAreInCurrenciesNotFundsOrMetals) {
  for (const auto code : {"JPY"sv, "BDT"sv, "USD"sv, "XAF"sv, "XOF"sv, "XCD"sv, "XPF"sv, "XCG"sv,
                          "CHF"sv, "CLP"sv, "MXN"sv, "UYU"sv}) {
    EXPECT_TRUE(is_money_currency(code)) << code;
  }
  for (const auto code : {"XXX"sv, "XTS"sv, "XAU"sv, "XAG"sv, "XPT"sv, "XPD"sv, "XDR"sv, "XSU"sv,
                          "XUA"sv, "XAD"sv, "XBA"sv, "XBD"sv, "BOV"sv, "CHE"sv, "CHW"sv, "CLF"sv,
                          "COU"sv, "MXV"sv, "USN"sv, "UYI"sv, "UYW"sv, "ZZZ"sv, "jpy"sv}) {
    EXPECT_FALSE(is_money_currency(code)) << code;
  }
}

TEST(Currency, UnknownMalformedAndWithdrawnCodesAreNot) {
  for (const auto code :
       {"XYZ"sv, "AAA"sv, "ABC"sv, "USX"sv, "ZZZ"sv, "AEA"sv, "usd"sv, "Jpy"sv, "jPY"sv, "JP"sv,
        "JPYY"sv, "J"sv, ""sv, " JPY"sv, "JPY "sv, "JPY\0"sv, "\0JPY"sv, "ＪＰＹ"sv, "円"sv,
        // Withdrawn from List One: old codes must not pass as current.
        "ZWL"sv, "ANG"sv, "HRK"sv, "BGN"sv, "CUC"sv, "SLL"sv, "USS"sv, "VEF"sv, "DEM"sv, "LTL"sv}) {
    EXPECT_FALSE(is_iso4217(code)) << ::testing::PrintToString(code);
  }
}

}  // namespace
}  // namespace kakehashi::domain
