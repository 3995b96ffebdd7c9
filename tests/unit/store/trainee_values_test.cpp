// store::stored_decimal and as_stored: the values a row holds for what the
// import writes, so that the records it publishes equal a read-back.
#include "store/trainee_values.hpp"

#include <gtest/gtest.h>

namespace kakehashi::store {
namespace {

TEST(TraineeValuesTest, DecimalsRoundAsNumericRoundsTheirText) {
  // Half away from zero on the decimal text, not on the binary double
  // (2.55 and 0.15 are a little below those as doubles).
  EXPECT_EQ(stored_decimal(2.55, 1), 2.6);
  EXPECT_EQ(stored_decimal(0.15, 1), 0.2);
  EXPECT_EQ(stored_decimal(0.25, 1), 0.3);
  EXPECT_EQ(stored_decimal(2.54, 1), 2.5);
  EXPECT_EQ(stored_decimal(9.96, 1), 10.0);
  EXPECT_EQ(stored_decimal(59.95, 1), 60.0);
  EXPECT_EQ(stored_decimal(1200.555, 2), 1200.56);
  EXPECT_EQ(stored_decimal(1200.554, 2), 1200.55);
  EXPECT_EQ(stored_decimal(999.995, 2), 1000.0);
  EXPECT_EQ(stored_decimal(-0.05, 1), -0.1);
  EXPECT_EQ(stored_decimal(-0.04, 1), 0.0);
  EXPECT_EQ(stored_decimal(3, 1), 3.0);
  EXPECT_EQ(stored_decimal(0.00001, 2), 0.0);  // written with an exponent
  EXPECT_EQ(stored_decimal(2.5, 1), 2.5);
}

TEST(TraineeValuesTest, AProfileAsItsRowHoldsIt) {
  domain::TraineeProfile p;
  p.skills = {{30, "b", 3, 1.25}, {4, "a", 5, std::nullopt}, {12, "c", 1, 0.15}};
  p.expected_monthly_rate = domain::Money{1000.005, "USD"};
  p.bill_rate_multiplier = 2.345;
  as_stored(p);
  ASSERT_EQ(p.skills.size(), 3U);
  EXPECT_EQ(p.skills[0].skill_id, 4);
  EXPECT_FALSE(p.skills[0].years);
  EXPECT_EQ(p.skills[1].skill_id, 12);
  EXPECT_EQ(p.skills[1].years, 0.2);
  EXPECT_EQ(p.skills[2].skill_id, 30);
  EXPECT_EQ(p.skills[2].years, 1.3);
  EXPECT_EQ(p.expected_monthly_rate->amount, 1000.01);
  EXPECT_EQ(p.bill_rate_multiplier, 2.35);
  EXPECT_EQ(skill_arrays(p).years, "{NULL,0.2,1.3}");
}

}  // namespace
}  // namespace kakehashi::store
