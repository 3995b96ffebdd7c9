// The ISO 3166-1 alpha-2 table: its shape (sorted, unique, two capital
// letters), the codes of the programme's countries, and codes that look like
// country codes and are not.
#include "domain/country.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace kakehashi::domain {
namespace {

using namespace std::string_view_literals;

TEST(Country, TheTableIsSortedUniqueAndTwoCapitalLetters) {
  const auto codes = iso3166_alpha2_codes();
  // Pinned so that a code lost in an edit is noticed: 249 assigned, and XK.
  EXPECT_EQ(codes.size(), 250U);
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
  EXPECT_EQ(std::adjacent_find(codes.begin(), codes.end()), codes.end());
  for (const auto code : codes) {
    EXPECT_EQ(code.size(), 2U) << code;
    EXPECT_TRUE(std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        << code;
    EXPECT_TRUE(is_iso3166_alpha2(std::string(code))) << code;  // not by pointer identity
  }
}

TEST(Country, TheProgrammesCountriesAreValidAndLookAlikesAreNot) {
  for (const auto code : {"BD"sv, "JP"sv, "NP"sv, "VN"sv, "IN"sv, "PK"sv, "LK"sv, "PH"sv, "ID"sv,
                          "MM"sv, "AD"sv, "ZW"sv, "XK"sv}) {
    EXPECT_TRUE(is_iso3166_alpha2(code)) << code;
  }
  // Reserved or user-assigned (XX, ZZ, AA, QM, XA), exceptionally reserved
  // (EU, UK, UN), withdrawn (YU, AN), lower case, the wrong length.
  for (const auto code : {"XX"sv, "ZZ"sv, "AA"sv, "QM"sv, "XA"sv, "EU"sv, "UK"sv, "UN"sv, "YU"sv,
                          "AN"sv, "bd"sv, "Jp"sv, "B"sv, "BDX"sv, ""sv}) {
    EXPECT_FALSE(is_iso3166_alpha2(code)) << code;
  }
}

}  // namespace
}  // namespace kakehashi::domain
