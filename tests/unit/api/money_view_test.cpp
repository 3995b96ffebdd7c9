// The one conversion for display (issue 16): amounts in the reader's currency.
#include "api/money_view.hpp"

#include <gtest/gtest.h>

namespace kakehashi::api {
namespace {

TEST(MoneyView, ConvertsThroughTheServicesRatesAndRoundsToWholeUnits) {
  EXPECT_EQ(convert_amount(600000, "JPY", "JPY"), 600000.0);
  EXPECT_EQ(convert_amount(1234.4, "BDT", "BDT"), 1234.0);
  const auto bdt = convert_amount(600000, "JPY", "BDT");
  ASSERT_TRUE(bdt);
  // About 0.8 taka to the yen in any table of late-2026 rates.
  EXPECT_GT(*bdt, 600000 * 0.5);
  EXPECT_LT(*bdt, 600000 * 1.5);
  EXPECT_EQ(*bdt, static_cast<double>(static_cast<long long>(*bdt)));
  // Back again within the rounding of two conversions.
  const auto yen = convert_amount(*bdt, "BDT", "JPY");
  ASSERT_TRUE(yen);
  EXPECT_NEAR(*yen, 600000, 600000 * 0.001);
  EXPECT_LT(*convert_amount(400000, "JPY", "BDT"), *bdt);
}

TEST(MoneyView, ACurrencyWithoutARateOrANegativeAmountConvertsToNothing) {
  EXPECT_FALSE(convert_amount(100, "XAU", "BDT"));
  EXPECT_FALSE(convert_amount(100, "JPY", "XTS"));
  EXPECT_FALSE(convert_amount(-1, "JPY", "BDT"));
}

TEST(MoneyView, EachOrganizationReadsItsCountrysCurrency) {
  EXPECT_EQ(currency_of_country("BD"), "BDT");
  EXPECT_EQ(currency_of_country("JP"), "JPY");
  EXPECT_EQ(currency_of_country("NP"), "NPR");
  EXPECT_EQ(currency_of_country("FR"), "USD");
  EXPECT_EQ(currency_of_country(""), "USD");
}

}  // namespace
}  // namespace kakehashi::api
