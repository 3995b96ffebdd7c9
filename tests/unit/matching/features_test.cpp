// Stored records to the matcher's features: dates, levels, money, zones.
#include <gtest/gtest.h>

#include "matching/features.hpp"

namespace kakehashi::matching {
namespace {

TEST(Features, DaysRoundTripAndRejectNonsense) {
  EXPECT_EQ(parse_day("1970-01-01"), 0);
  EXPECT_EQ(parse_day("1970-01-02"), 1);
  EXPECT_EQ(parse_day("2000-03-01"), 11017);
  EXPECT_EQ(parse_day("1969-12-31"), -1);
  for (const char* d : {"2024-02-29", "2027-01-15", "1999-12-31", "2100-03-01"}) {
    auto day = parse_day(d);
    ASSERT_TRUE(day) << d;
    EXPECT_EQ(format_day(*day), d);
  }
  for (const char* bad : {"", "2027-1-15", "2027-13-01", "2027-00-10", "20x7-01-01", "2027/01/01"})
    EXPECT_FALSE(parse_day(bad)) << bad;
}

TEST(Features, LanguageLevelsAreOrdinalsAndUnknownStaysUnknown) {
  EXPECT_EQ(jlpt_ordinal(std::string("none")), 0);
  EXPECT_EQ(jlpt_ordinal(std::string("N5")), 1);
  EXPECT_EQ(jlpt_ordinal(std::string("N1")), 5);
  EXPECT_EQ(jlpt_ordinal(std::nullopt), matcher::kUnknownLevel);
  EXPECT_EQ(jlpt_ordinal(std::string("N6")), matcher::kUnknownLevel);
  EXPECT_EQ(cefr_ordinal(std::string("A1")), 1);
  EXPECT_EQ(cefr_ordinal(std::string("C2")), 6);
  EXPECT_EQ(cefr_ordinal(std::nullopt), matcher::kUnknownLevel);
}

TEST(Features, MoneyConvertsToDollarsAndUnknownCurrenciesStayUnknown) {
  EXPECT_EQ(to_usd(1400, "USD"), 1400);
  EXPECT_EQ(to_usd(300000, "JPY"), 2010);
  EXPECT_FALSE(to_usd(100, "XYZ"));
  EXPECT_FALSE(to_usd(-5, "USD"));
}

TEST(Features, TraineeFeaturesKeepWhatIsStatedAndNothingElse) {
  std::unordered_map<int, matcher::SkillId> skills = {{10, 0}, {11, 1}};
  std::unordered_map<std::string, int> zones = {{"Asia/Dhaka", 360}};
  Interner orgs, domains;
  FeatureContext ctx{&skills, &zones, &orgs, &domains};
  domain::TraineeRecord r;
  r.seq = 42;
  r.organization_id = "org-a";
  r.profile.skills = {{10, "Python", 4, 2.5}, {99, "Unknown", 5, std::nullopt}};
  r.profile.timezone = "Asia/Dhaka";
  r.profile.japanese = "N3";
  r.profile.expected_monthly_rate = domain::Money{1500, "USD"};
  r.profile.domains = {"automotive"};
  r.profile.engagement = {"offshore", "hybrid"};
  r.profile.consent_matching = true;
  const auto t = trainee_features(r, ctx);
  EXPECT_EQ(t.id, 42u);
  ASSERT_EQ(t.skills.size(), 1u);  // a skill the taxonomy lacks earns nothing
  EXPECT_EQ(t.skills[0].skill, 0u);
  EXPECT_EQ(t.skills[0].level, 4);
  EXPECT_EQ(t.utc_offset_minutes, 360);
  EXPECT_EQ(t.jlpt, 3);
  EXPECT_EQ(t.cefr, matcher::kUnknownLevel);
  EXPECT_EQ(t.available_from, matcher::kUnknownDay);
  EXPECT_EQ(t.expected_monthly_rate, 1500);
  EXPECT_EQ(t.engagement, matcher::kOffshore | matcher::kHybrid);
  EXPECT_EQ(t.domains, 1u);
  EXPECT_TRUE(t.consent_matching);
  // The same organization and domain intern to the same numbers.
  domain::ProjectRecord p;
  p.seq = 7;
  p.organization_id = "firm";
  p.data.domain = "automotive";
  p.data.start_date = "2027-02-01";
  p.data.skills = {{11, "PyTorch", 3, 5, true}};
  const auto proj = project_features(p, ctx);
  EXPECT_EQ(proj.domain, 0);
  EXPECT_EQ(proj.firm_id, 1u);
  EXPECT_EQ(proj.start, parse_day("2027-02-01"));
  ASSERT_EQ(proj.skills.size(), 1u);
  EXPECT_TRUE(proj.skills[0].must_have);
  EXPECT_EQ(trainee_features(r, ctx).organization_id, 0u);
}

}  // namespace
}  // namespace kakehashi::matching
