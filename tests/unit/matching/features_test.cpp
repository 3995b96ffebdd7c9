// Stored records to the matcher's features: dates, levels, money, zones.
#include <gtest/gtest.h>

#include "matching/features.hpp"

#include <fstream>
#include <iterator>

#include "matcher/scorer.hpp"

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

TEST(Features, MoneyConvertsAtTheRateInForceAndUnknownCurrenciesStayUnknown) {
  domain::Pricing pricing;
  pricing.rates = {{"JPY", 150, "2026-01-01", ""}, {"JPY", 155, "2026-11-01", ""}};
  EXPECT_EQ(to_usd(1400, "USD", pricing, "2026-11-30"), 1400);
  EXPECT_EQ(to_usd(300000, "JPY", pricing, "2026-06-30"), 2000);  // 150 yen a dollar then
  EXPECT_EQ(to_usd(310000, "JPY", pricing, "2026-11-30"), 2000);  // 155 from 1 November
  EXPECT_FALSE(to_usd(300000, "JPY", pricing, "2025-12-31"));     // no rate yet
  EXPECT_FALSE(to_usd(100, "XYZ", pricing, "2026-11-30"));
  EXPECT_FALSE(to_usd(-5, "USD", pricing, "2026-11-30"));
}

TEST(Features, TheBillRateIsTheSalaryTimesTheMultiplier) {
  std::unordered_map<int, matcher::SkillId> skills;
  std::unordered_map<std::string, int> zones;
  Interner orgs, domains;
  domain::Pricing pricing;
  pricing.rates = {{"BDT", 120, "2026-01-01", ""}};
  pricing.organizations["org-a"] = {"BDT", 2.5};
  FeatureContext ctx{&skills, &zones, &orgs, &domains, &pricing, "2026-11-30", nullptr};
  domain::TraineeRecord r;
  r.organization_id = "org-a";
  r.profile.expected_monthly_rate = domain::Money{120000, "BDT"};
  EXPECT_EQ(trainee_features(r, ctx).expected_monthly_rate, 2500);  // 1000 USD x 2.5
  r.profile.bill_rate_multiplier = 1.5;                             // the trainee's own
  EXPECT_EQ(trainee_features(r, ctx).expected_monthly_rate, 1500);
  r.profile.expected_monthly_rate = domain::Money{1000, "XAF"};  // no rate: unknown
  EXPECT_EQ(trainee_features(r, ctx).expected_monthly_rate, matcher::kUnknownAmount);
}

TEST(Features, HoursPerWeekComeFromTheWorkingHoursWhenNotStated) {
  std::unordered_map<int, matcher::SkillId> skills;
  std::unordered_map<std::string, int> zones;
  Interner orgs, domains;
  FeatureContext ctx{&skills, &zones, &orgs, &domains};
  domain::TraineeRecord r;
  r.profile.work_start = "10:00";
  r.profile.work_end = "14:30";
  r.profile.work_days = {"sun", "mon", "tue", "wed", "thu"};
  const auto t = trainee_features(r, ctx);
  EXPECT_EQ(t.work_start_minutes, 600);
  EXPECT_EQ(t.work_end_minutes, 870);
  EXPECT_EQ(t.work_days, 0x40 | 0x0F);
  EXPECT_EQ(t.hours_per_week, 22);  // 4.5 hours x 5 days, whole hours
  r.profile.hours_per_week = 30;
  EXPECT_EQ(trainee_features(r, ctx).hours_per_week, 30);
}

TEST(Features, TraineeFeaturesKeepWhatIsStatedAndNothingElse) {
  std::unordered_map<int, matcher::SkillId> skills = {{10, 0}, {11, 1}};
  std::unordered_map<std::string, int> zones = {{"Asia/Dhaka", 360}};
  Interner orgs, domains;
  domain::Pricing pricing;
  pricing.organizations["org-a"] = {"BDT", 1.0};
  FeatureContext ctx{&skills, &zones, &orgs, &domains, &pricing, "2026-11-30", nullptr};
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

namespace kakehashi::matching {
namespace {

// A trainee in Berlin working 09:00-18:00 overlaps 09:00-18:00 JST by one hour
// in winter (UTC+1: 08:00-17:00 UTC against 00:00-09:00 UTC) and by two in
// summer (UTC+2). The overlap follows the project's dates, not today's offset.
TEST(Features, JstOverlapAcrossADstChangeDiffersByDate) {
  std::ifstream in("/usr/share/zoneinfo/Europe/Berlin", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto berlin = domain::ZoneRules::parse(bytes);
  ASSERT_TRUE(berlin);
  ZoneTable zones;
  zones.add("Europe/Berlin", *berlin);
  std::unordered_map<int, matcher::SkillId> skills;
  std::unordered_map<std::string, int> offsets = {{"Europe/Berlin", 60}};  // today's: winter
  Interner orgs, domains;
  FeatureContext ctx{&skills, &offsets, &orgs, &domains, nullptr, "2026-11-30", &zones};
  domain::TraineeRecord r;
  r.profile.timezone = "Europe/Berlin";
  const auto t = trainee_features(r, ctx);
  auto overlap = [&](const char* start, int months) {
    domain::ProjectRecord p;
    p.data.start_date = start;
    p.data.duration_months = months;
    return matcher::project_overlap_hours(project_features(p, ctx), t);
  };
  EXPECT_DOUBLE_EQ(overlap("2027-01-04", 2), 1.0);  // winter only
  EXPECT_DOUBLE_EQ(overlap("2027-06-01", 2), 2.0);  // summer only
  EXPECT_DOUBLE_EQ(overlap("2027-02-01", 3), 1.0);  // across 28 March: the worst day
  // A zone without rules falls back to today's offset.
  domain::TraineeRecord dhaka;
  dhaka.profile.timezone = "Asia/Dhaka";
  offsets["Asia/Dhaka"] = 360;
  domain::ProjectRecord p;
  p.data.start_date = "2027-06-01";
  EXPECT_DOUBLE_EQ(
      matcher::project_overlap_hours(project_features(p, ctx), trainee_features(dhaka, ctx)), 6.0);
}

// Names that share rules (links: "Japan" is "Asia/Tokyo") share one zone
// number, and a project carries one offset per distinct rules, not per name.
// Rules added to a table that has some are numbered after them; a name whose
// number is past the rules given is left out.
TEST(Features, NamesThatShareRulesShareOneNumber) {
  ZoneTable zones;
  zones.add("Europe/Berlin", domain::ZoneRules::fixed(60 * 60));
  std::vector<domain::ZoneRules> rules = {domain::ZoneRules::fixed(9 * 3600),
                                          domain::ZoneRules::fixed(6 * 3600)};
  zones.add_all(std::move(rules),
                {{"Asia/Tokyo", 0}, {"Japan", 0}, {"Asia/Dhaka", 1}, {"Nowhere/Past_The_End", 2}});
  ASSERT_EQ(zones.rules.size(), 3U);
  ASSERT_EQ(zones.ids.size(), 4U);
  EXPECT_EQ(zones.ids.at("Europe/Berlin"), 0);
  EXPECT_EQ(zones.ids.at("Asia/Tokyo"), 1);
  EXPECT_EQ(zones.ids.at("Japan"), 1);
  EXPECT_EQ(zones.ids.at("Asia/Dhaka"), 2);
  EXPECT_FALSE(zones.ids.contains("Nowhere/Past_The_End"));

  std::unordered_map<int, matcher::SkillId> skills;
  std::unordered_map<std::string, int> offsets;
  Interner orgs, domains;
  FeatureContext ctx{&skills, &offsets, &orgs, &domains, nullptr, "2026-11-30", &zones};
  domain::ProjectRecord p;
  p.data.start_date = "2027-06-01";
  const auto project = project_features(p, ctx);
  ASSERT_EQ(project.zone_offsets.size(), 3U);
  domain::TraineeRecord japan, dhaka;
  japan.profile.timezone = "Japan";
  dhaka.profile.timezone = "Asia/Dhaka";
  const auto in_japan = trainee_features(japan, ctx);
  const auto in_dhaka = trainee_features(dhaka, ctx);
  ASSERT_EQ(in_japan.zone, 1);
  ASSERT_EQ(in_dhaka.zone, 2);
  EXPECT_EQ(project.zone_offsets.at(in_japan.zone).first, 9 * 60);
  EXPECT_EQ(project.zone_offsets.at(in_dhaka.zone).first, 6 * 60);
}

// A table has at most the matcher's last zone number of rules: rules past
// it, and the names numbered to them, are left out.
TEST(Features, AZoneTableStopsAtTheMatchersLastZoneNumber) {
  ZoneTable zones;
  std::vector<domain::ZoneRules> rules(matcher::kUnknownZone + 2, domain::ZoneRules::fixed(0));
  zones.add_all(
      std::move(rules),
      {{"First", 0}, {"Last", matcher::kUnknownZone - 1}, {"One_Too_Many", matcher::kUnknownZone}});
  EXPECT_EQ(zones.rules.size(), matcher::kUnknownZone);
  EXPECT_EQ(zones.ids.at("Last"), matcher::kUnknownZone - 1);
  EXPECT_FALSE(zones.ids.contains("One_Too_Many"));
  zones.add("Another", domain::ZoneRules::fixed(0));
  EXPECT_FALSE(zones.ids.contains("Another"));
}

}  // namespace
}  // namespace kakehashi::matching
