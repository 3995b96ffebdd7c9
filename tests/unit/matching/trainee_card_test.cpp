#include "matching/trainee_card.hpp"

#include <gtest/gtest.h>

namespace kakehashi::matching {
namespace {

domain::TraineeRecord full_record() {
  domain::TraineeRecord r;
  r.id = "0f3a58b6-c909-4ce8-969b-a98fa6632d27";
  r.seq = 4711;
  r.organization_id = "7092c993-015f-4be4-b88c-1814c66df232";
  r.alias = "KH-AA5581AAFA";
  r.version = 12;
  r.personal = domain::PersonalData{"Rahim Uddin", "rahim@example.com", "+8801700000000"};
  auto& p = r.profile;
  p.country = "BD";
  p.city = "ダッカ Dhaka, a city name longer than any short-string buffer";
  p.timezone = "Asia/Dhaka";
  p.program = "BJIT Academy 2026";
  p.skills = {{7, "python", 4, 2.5}, {300, "laravel", 2, std::nullopt}, {1, "php", 5, 0.0}};
  p.japanese = "N3";
  p.english = "B2";
  p.japanese_certified = true;
  p.japanese_exam_date = "2025-12-07";
  p.bjt_score = 480;
  p.certifications_json = R"([{"name":"ITEE FE","year":2025,"verified":true}])";
  p.work_start = "10:30";
  p.work_end = "19:00";
  p.work_days = {"sun", "mon", "tue", "wed", "thu"};
  p.bill_rate_multiplier = 1.75;
  p.available_from = "2027-01-04";
  p.hours_per_week = 32;
  p.expected_monthly_rate = domain::Money{120000.5, "BDT"};
  p.domains = {"fintech", "e-commerce"};
  p.engagement = {"offshore", "hybrid"};
  p.consent_matching = true;
  p.consent_share_abroad = false;
  p.consent_recorded_at = "2026-11-01T09:00:00Z";
  p.status = "active";
  return r;
}

TEST(TraineeCard, KeepsWhatAFirmMaySeeAndDropsTheRest) {
  const auto r = full_record();
  const TraineeCard card(r);
  EXPECT_EQ(card.seq(), 4711);
  EXPECT_EQ(card.version(), 12);
  EXPECT_EQ(card.id(), r.id);
  EXPECT_EQ(card.organization_id(), r.organization_id);
  EXPECT_EQ(card.alias(), r.alias);
  const auto p = card.profile();
  const auto& q = r.profile;
  EXPECT_EQ(p.country, q.country);
  EXPECT_EQ(p.city, q.city);
  EXPECT_EQ(p.timezone, q.timezone);
  EXPECT_FALSE(p.program) << "the program identifies a trainee";
  ASSERT_EQ(p.skills.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(p.skills[i].skill_id, q.skills[i].skill_id);
    EXPECT_EQ(p.skills[i].level, q.skills[i].level);
    EXPECT_EQ(p.skills[i].years, q.skills[i].years);
    EXPECT_EQ(p.skills[i].skill, "") << "named from the taxonomy when rendered";
  }
  EXPECT_EQ(p.japanese, q.japanese);
  EXPECT_EQ(p.english, q.english);
  EXPECT_TRUE(p.japanese_certified);
  EXPECT_EQ(p.japanese_exam_date, q.japanese_exam_date);
  EXPECT_EQ(p.bjt_score, q.bjt_score);
  EXPECT_EQ(p.certifications_json, q.certifications_json);
  EXPECT_EQ(p.work_start, q.work_start);
  EXPECT_EQ(p.work_end, q.work_end);
  EXPECT_EQ(p.work_days, q.work_days);
  EXPECT_EQ(p.bill_rate_multiplier, q.bill_rate_multiplier);
  EXPECT_EQ(p.available_from, q.available_from);
  EXPECT_EQ(p.hours_per_week, q.hours_per_week);
  ASSERT_TRUE(p.expected_monthly_rate);
  EXPECT_EQ(p.expected_monthly_rate->amount, 120000.5);
  EXPECT_EQ(p.expected_monthly_rate->currency, "BDT");
  EXPECT_EQ(p.domains, q.domains);
  EXPECT_EQ(p.engagement, q.engagement);
  EXPECT_TRUE(p.consent_matching);
  EXPECT_FALSE(p.consent_share_abroad);
  EXPECT_FALSE(p.consent_recorded_at);
  EXPECT_EQ(p.status, "active");
  // Nothing personal is packed at all.
  const std::string everything(card.id().data(), card.packed_size());
  EXPECT_EQ(everything.find("Rahim"), std::string::npos);
  EXPECT_EQ(everything.find("rahim@"), std::string::npos);
  EXPECT_EQ(everything.find("+880"), std::string::npos);
  EXPECT_EQ(everything.find("BJIT"), std::string::npos);
}

TEST(TraineeCard, EmptyProfileRoundTripsWithItsDefaults) {
  domain::TraineeRecord r;
  r.id = "a";
  r.organization_id = "";
  r.alias = "KH-1";
  const TraineeCard card(r);
  const auto p = card.profile();
  const domain::TraineeProfile d;
  EXPECT_FALSE(p.country || p.city || p.timezone || p.japanese || p.english || p.bjt_score ||
               p.bill_rate_multiplier || p.available_from || p.hours_per_week ||
               p.expected_monthly_rate);
  EXPECT_TRUE(p.skills.empty());
  EXPECT_EQ(p.work_start, d.work_start);
  EXPECT_EQ(p.work_days, d.work_days);
  EXPECT_EQ(p.certifications_json, d.certifications_json);
  EXPECT_EQ(p.status, d.status);
  EXPECT_EQ(card.id(), "a");
  EXPECT_EQ(card.organization_id(), "");
  EXPECT_EQ(card.alias(), "KH-1");
}

TEST(TraineeCard, IsSmallerThanTheProfileItReplaces) {
  const auto r = full_record();
  const TraineeCard card(r);
  // The old card held the record's profile: its struct alone before any of
  // its strings and vectors on the heap.
  EXPECT_LT(sizeof(TraineeCard) + card.packed_size(), sizeof(domain::TraineeProfile));
}

}  // namespace
}  // namespace kakehashi::matching
