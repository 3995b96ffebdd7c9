#include "matching/trainee_card.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <map>

namespace kakehashi::matching {
namespace {

domain::TraineeRecord full_record() {
  domain::TraineeRecord r;
  r.id = "0f3a58b6-c909-4ce8-969b-a98fa6632d27";
  r.seq = 4711;
  r.organization_id = "7092c993-015f-4be4-b88c-1814c66df232";
  r.alias = "KH-AA5581AAFA";
  r.version = 12;
  r.personal =
      domain::PersonalData{"Rahim Uddin", "rahim@example.com", "+8801700000000", "male", "Rangpur"};
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
  p.placed_elsewhere = true;
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
  EXPECT_TRUE(p.placed_elsewhere);
  // Nothing personal is packed at all.
  const std::string everything(card.packed());
  EXPECT_EQ(everything.find("Rahim"), std::string::npos);
  EXPECT_EQ(everything.find("rahim@"), std::string::npos);
  EXPECT_EQ(everything.find("+880"), std::string::npos);
  EXPECT_EQ(everything.find("BJIT"), std::string::npos);
  EXPECT_EQ(everything.find("Rangpur"), std::string::npos);
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

// Ids, levels, dates, clocks, days, status and decimals are packed compactly
// when they read back exactly; anything else is kept as given.
TEST(TraineeCard, CompactFormsGiveBackExactlyWhatWasGiven) {
  struct Case {
    std::string id, organization;
    std::optional<double> years;
    std::optional<std::string> japanese, english, date;
    std::string clock;
    std::vector<std::string> days;
    std::optional<double> multiplier;
    double amount;
    std::string status;
  };
  const std::vector<Case> cases{
      {"0F3A58B6-C909-4CE8-969B-A98FA6632D27",
       "org-1",
       1.1,
       "N6",
       "c2",
       "2027-02-30",
       "9:00",
       {"sun", "mon"},
       1.0 / 3,
       0.1 + 0.2,
       "placed"},
      {"0f3a58b6-c909-4ce8-969b-a98fa6632d2",
       "7092c993-015f-4be4-b88c-1814c66df232",
       1.0 / 3,
       "none",
       "none",
       "1969-12-31",
       "24:00",
       {"mon", "mon"},
       -1.5,
       1e300,
       "withdrawn"},
      {"x",
       "7092c993-015f-4be4-b88c-1814c66df23g",
       -2.5,
       "N1",
       "A1",
       "2027-1-4",
       "00:00",
       {},
       0.0,
       -3.25,
       "weird"},
      {"", "", 1e300, std::nullopt, std::nullopt, "0000-01-01", "23:59", {"xyz"}, 100.0 / 7, 0, ""},
      {"0f3a58b6-c909-4ce8-969b-a98fa6632d27",
       "",
       0.05,
       "N5",
       "C1",
       "2026-12-31",
       "12:5",
       {"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
       std::nullopt,
       99999999.99,
       "erased"},
  };
  for (const auto& c : cases) {
    auto r = full_record();
    r.id = c.id;
    r.organization_id = c.organization;
    auto& q = r.profile;
    q.skills = {{3, "", 2, c.years}};
    q.japanese = c.japanese;
    q.english = c.english;
    q.japanese_exam_date = c.date;
    q.available_from = c.date;
    q.work_start = c.clock;
    q.work_end = c.clock;
    q.work_days = c.days;
    q.bill_rate_multiplier = c.multiplier;
    q.expected_monthly_rate = domain::Money{c.amount, "USD"};
    q.status = c.status;
    const TraineeCard card(r);
    const auto p = card.profile();
    EXPECT_EQ(card.id(), c.id);
    EXPECT_EQ(card.organization_id(), c.organization);
    ASSERT_EQ(p.skills.size(), 1u);
    EXPECT_EQ(p.skills[0].years, c.years) << c.id;
    EXPECT_EQ(p.japanese, c.japanese);
    EXPECT_EQ(p.english, c.english);
    EXPECT_EQ(p.japanese_exam_date, c.date);
    EXPECT_EQ(p.available_from, c.date);
    EXPECT_EQ(p.work_start, c.clock);
    EXPECT_EQ(p.work_end, c.clock);
    EXPECT_EQ(p.work_days, c.days);
    EXPECT_EQ(p.bill_rate_multiplier, c.multiplier);
    ASSERT_TRUE(p.expected_monthly_rate);
    EXPECT_EQ(p.expected_monthly_rate->amount, c.amount);
    EXPECT_EQ(p.status, c.status);
  }
}

TEST(TraineeCard, HoldsAUuidAsItsSixteenBytes) {
  auto r = full_record();
  const TraineeCard compact(r);
  // The same ids in upper case are not the database's form: kept as text.
  for (auto* id : {&r.id, &r.organization_id}) {
    for (auto& ch : *id) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  const TraineeCard text(r);
  EXPECT_EQ(text.packed_size() - compact.packed_size(), 2u * (36 - 16));
  EXPECT_EQ(text.id(), r.id);
}

domain::TraineeRecord numbered(std::int64_t seq, const std::string& organization) {
  auto r = full_record();
  r.seq = seq;
  r.version = seq * 10;
  char id[40];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012lld", static_cast<long long>(seq));
  r.id = id;
  r.organization_id = organization;
  r.alias = "KH-" + std::to_string(seq);
  return r;
}

TEST(TraineeCards, FindReplaceEraseAndCountByOrganization) {
  const std::string a = "7092c993-015f-4be4-b88c-1814c66df232";
  const std::string b = "not-a-uuid";
  TraineeCards cards;
  for (std::int64_t seq = 1; seq <= 30; ++seq)
    cards.put(TraineeCard(numbered(seq, seq % 3 ? a : b)));
  EXPECT_EQ(cards.size(), 30u);
  auto r = numbered(7, b);
  r.version = 99;
  r.profile.city = "Chattogram";
  cards.put(TraineeCard(r));  // replaces
  EXPECT_EQ(cards.size(), 30u);
  const auto seven = cards.find(7);
  ASSERT_TRUE(seven);
  EXPECT_EQ(seven->seq(), 7);
  EXPECT_EQ(seven->version(), 99);
  EXPECT_EQ(seven->organization_id(), b);
  EXPECT_EQ(seven->profile().city, "Chattogram");
  EXPECT_EQ(cards.id(7), "00000000-0000-4000-8000-000000000007");
  EXPECT_TRUE(cards.erase(8));
  EXPECT_FALSE(cards.erase(8));
  EXPECT_FALSE(cards.find(8));
  EXPECT_FALSE(cards.id(8));
  std::map<std::string, int> by;
  cards.for_each_organization(
      [&](std::int64_t, std::string_view key) { ++by[TraineeCards::organization_id(key)]; });
  // 1..30 without 8; 7 moved from a to b; multiples of 3 are b.
  EXPECT_EQ(by[a], 30 - 10 - 1 - 1);
  EXPECT_EQ(by[b], 10 + 1);
  EXPECT_EQ(TraineeCards::organization_id(TraineeCards::organization_key(a)), a);
  EXPECT_EQ(TraineeCards::organization_id(TraineeCards::organization_key(b)), b);
}

TEST(TraineeCards, ReplacedCardsDoNotPileUp) {
  TraineeCards cards;
  for (std::int64_t seq = 1; seq <= 100; ++seq) cards.put(TraineeCard(numbered(seq, "o")));
  const auto one = cards.bytes();
  // Each round replaces every card: without compaction the buffer would hold
  // 200 rounds of garbage.
  for (int round = 0; round < 200; ++round) {
    for (std::int64_t seq = 1; seq <= 100; ++seq) {
      auto r = numbered(seq, "o");
      r.version = round;
      cards.put(TraineeCard(r));
    }
  }
  EXPECT_LT(cards.bytes(), 8 * one + (4u << 20));
  for (std::int64_t seq = 1; seq <= 100; ++seq) {
    const auto card = cards.find(seq);
    ASSERT_TRUE(card);
    EXPECT_EQ(card->version(), 199);
    EXPECT_EQ(card->alias(), "KH-" + std::to_string(seq));
  }
}

TEST(TraineeCards, AppendedCardsAreFoundOnceFinished) {
  TraineeCards cards;
  cards.put(TraineeCard(numbered(1, "o")));
  for (std::int64_t seq = 2; seq <= 5; ++seq) cards.append(TraineeCard(numbered(seq, "o")));
  auto again = numbered(3, "p");
  cards.append(TraineeCard(again));  // a later duplicate wins
  cards.finish_appending();
  cards.shrink();
  EXPECT_EQ(cards.size(), 5u);
  for (std::int64_t seq = 1; seq <= 5; ++seq) {
    const auto card = cards.find(seq);
    ASSERT_TRUE(card) << seq;
    EXPECT_EQ(card->alias(), "KH-" + std::to_string(seq));
    EXPECT_EQ(card->organization_id(), seq == 3 ? "p" : "o");
  }
}

}  // namespace
}  // namespace kakehashi::matching
