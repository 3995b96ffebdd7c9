// JLPT and CEFR scales: every name round-trips, near misses are refused, and
// ranks rise in the order the scale lists its levels.
#include "domain/levels.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "matcher/types.hpp"

namespace kakehashi::domain {
namespace {

using namespace std::string_view_literals;

static_assert(parse_jlpt("N2") == Jlpt::kN2);
static_assert(jlpt_name(Jlpt::kN1) == "N1");
static_assert(jlpt_rank(Jlpt::kN1) == matcher::kJlptN1 && jlpt_rank(Jlpt::kN5) == matcher::kJlptN5);
static_assert(cefr_rank(Cefr::kNone) == matcher::kCefrNone &&
              cefr_rank(Cefr::kC2) == matcher::kCefrC2);

TEST(Levels, EveryJlptLevelRoundTrips) {
  ASSERT_EQ(kAllJlpt.size(), 6U);
  for (const auto level : kAllJlpt) {
    EXPECT_EQ(parse_jlpt(jlpt_name(level)), level) << jlpt_name(level);
    EXPECT_EQ(parse_jlpt(std::string(jlpt_name(level))), level);  // not by pointer identity
  }
}

TEST(Levels, EveryCefrLevelRoundTrips) {
  ASSERT_EQ(kAllCefr.size(), 7U);
  for (const auto level : kAllCefr) EXPECT_EQ(parse_cefr(cefr_name(level)), level);
}

TEST(Levels, NamesAreTheWireNames) {
  EXPECT_EQ(jlpt_name(Jlpt::kNone), "none");
  EXPECT_EQ(jlpt_name(Jlpt::kN5), "N5");
  EXPECT_EQ(jlpt_name(Jlpt::kN1), "N1");
  EXPECT_EQ(cefr_name(Cefr::kNone), "none");
  EXPECT_EQ(cefr_name(Cefr::kA1), "A1");
  EXPECT_EQ(cefr_name(Cefr::kC2), "C2");
}

TEST(Levels, UnknownAndWrongCaseNamesAreRefused) {
  for (const auto s : {"n2"sv, "N6"sv, "N0"sv, ""sv, "None"sv, "NONE"sv, " N2"sv, "N2 "sv, "N"sv,
                       "A1"sv, "N22"sv, "N2\0"sv}) {
    EXPECT_EQ(parse_jlpt(s), std::nullopt) << s;
  }
  for (const auto s : {"a1"sv, "C3"sv, "A0"sv, ""sv, "None"sv, "N5"sv, "B"sv, "b2"sv}) {
    EXPECT_EQ(parse_cefr(s), std::nullopt) << s;
  }
}

TEST(Levels, RanksIncreaseStrictlyFromNone) {
  for (std::size_t i = 0; i < kAllJlpt.size(); ++i)
    EXPECT_EQ(jlpt_rank(kAllJlpt[i]), static_cast<int>(i));
  for (std::size_t i = 0; i < kAllCefr.size(); ++i)
    EXPECT_EQ(cefr_rank(kAllCefr[i]), static_cast<int>(i));
  for (std::size_t i = 1; i < kAllJlpt.size(); ++i)
    EXPECT_LT(jlpt_rank(kAllJlpt[i - 1]), jlpt_rank(kAllJlpt[i])) << jlpt_name(kAllJlpt[i]);
  for (std::size_t i = 1; i < kAllCefr.size(); ++i)
    EXPECT_LT(cefr_rank(kAllCefr[i - 1]), cefr_rank(kAllCefr[i])) << cefr_name(kAllCefr[i]);
  EXPECT_LT(jlpt_rank(Jlpt::kN3), jlpt_rank(Jlpt::kN2));  // N1 is the highest
}

TEST(Levels, MessagesListEveryName) {
  EXPECT_EQ(jlpt_names_for_message(), "none, N5, N4, N3, N2, N1");
  EXPECT_EQ(cefr_names_for_message(), "none, A1, A2, B1, B2, C1, C2");
  const auto names = names_of<Jlpt>();
  ASSERT_EQ(names.size(), kAllJlpt.size());
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(names[i], jlpt_name(kAllJlpt[i]));
}

TEST(Levels, AValueOutsideTheScaleHasNoName) {
  EXPECT_EQ(jlpt_name(static_cast<Jlpt>(6)), "unknown");
  EXPECT_EQ(cefr_name(static_cast<Cefr>(200)), "unknown");
}

}  // namespace
}  // namespace kakehashi::domain
