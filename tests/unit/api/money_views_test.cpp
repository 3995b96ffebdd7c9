// The one conversion for display on the trainee's side (issue 16): amounts in
// the reader's currency at the exchange-rate table's rate in force that day.
#include "api/money_views.hpp"

#include <gtest/gtest.h>

namespace kakehashi::api {
namespace {

domain::Pricing pricing() {
  domain::Pricing p;
  p.rates = {{"BDT", 120.0, "2026-01-01", ""},
             {"JPY", 150.0, "2026-01-01", ""},
             {"JPY", 160.0, "2026-11-01", ""}};
  return p;
}

TEST(MoneyView, ConvertsAtTheRateInForceThatDayAndRoundsToWholeUnits) {
  const auto p = pricing();
  EXPECT_EQ(convert_amount(p, "2026-06-01", 600000, "JPY", "JPY"), 600000.0);
  EXPECT_EQ(convert_amount(p, "2026-06-01", 1234.4, "BDT", "BDT"), 1234.0);
  // 600,000 yen at 150 yen and 120 taka to the dollar: 480,000 taka.
  EXPECT_EQ(convert_amount(p, "2026-06-01", 600000, "JPY", "BDT"), 480000.0);
  // From November the administrators' new yen rate holds: 450,000 taka.
  EXPECT_EQ(convert_amount(p, "2026-11-30", 600000, "JPY", "BDT"), 450000.0);
  EXPECT_EQ(convert_amount(p, "2026-06-01", 480000, "BDT", "JPY"), 600000.0);
}

TEST(MoneyView, ACurrencyWithoutARateOrANegativeAmountConvertsToNothing) {
  const auto p = pricing();
  EXPECT_FALSE(convert_amount(p, "2026-06-01", 100, "XAU", "BDT"));
  EXPECT_FALSE(convert_amount(p, "2026-06-01", 100, "JPY", "XTS"));
  EXPECT_FALSE(convert_amount(p, "2026-06-01", -1, "JPY", "BDT"));
  // Before any rate of the currency holds.
  EXPECT_FALSE(convert_amount(p, "2025-12-31", 100, "JPY", "BDT"));
}

}  // namespace
}  // namespace kakehashi::api
