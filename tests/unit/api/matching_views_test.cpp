// A round's statistics as the API renders them from the typed result.
#include "api/matching_views.hpp"

#include <gtest/gtest.h>

namespace kakehashi::api {
namespace {

TEST(RoundStatistics, RenderEveryFigureOfTheResult) {
  matching::RoundResult r;
  r.proposals.resize(3);
  r.projects = 2;
  r.seats = 5;
  r.available_trainees = 40;
  r.considered_trainees = 12;
  r.eligible_pairs = 30;
  r.unmatched = 37;
  r.not_shortlisted = 28;
  r.unmatched_by_reason = {{"no_eligible_project", 7}, {"outranked", 2}};
  r.unmatched_listed = {{"t-1", "KH-AAAAA", "outranked"}};
  r.unfilled_seats = 2;
  r.unfilled = {{"p-1", "", "外観検査AI", 2, "no_eligible_trainee"},
                {"p-2", "bridge_se", "Vision team / Bridge SE", 1, "trainees_placed_elsewhere"}};
  r.total_score = 2.25;
  r.mean_score = 0.75;
  r.per_organization = {{"org-1", 2, 10}, {"org-2", 1, 0}};
  r.shortlist_passes = 2;
  const auto j = round_statistics_json(r);
  EXPECT_EQ(j["assigned"], 3);  // the proposals, not a separate count
  EXPECT_EQ(j["projects"], 2);
  EXPECT_EQ(j["seats"], 5);
  EXPECT_EQ(j["available_trainees"], 40);
  EXPECT_EQ(j["considered_trainees"], 12);
  EXPECT_EQ(j["eligible_pairs"], 30);
  EXPECT_EQ(j["unmatched"]["count"], 37);
  EXPECT_EQ(j["unmatched"]["not_shortlisted"], 28);
  EXPECT_EQ(j["unmatched"]["by_reason"]["no_eligible_project"], 7);
  EXPECT_EQ(j["unmatched"]["items"][0]["alias"], "KH-AAAAA");
  EXPECT_EQ(j["unfilled_seats"], 2);
  EXPECT_EQ(j["unfilled"][0]["title"], "外観検査AI");
  EXPECT_TRUE(j["unfilled"][0]["role"].is_null());  // a project without roles
  EXPECT_EQ(j["unfilled"][1]["role"], "bridge_se");
  EXPECT_DOUBLE_EQ(j["total_score"].get<double>(), 2.25);
  EXPECT_DOUBLE_EQ(j["mean_score"].get<double>(), 0.75);
  ASSERT_EQ(j["per_organization"].size(), 2U);
  EXPECT_EQ(j["per_organization"][1]["organization_id"], "org-2");
  EXPECT_EQ(j["per_organization"][1]["assigned"], 1);
  EXPECT_EQ(j["per_organization"][0]["pool"], 10);
  EXPECT_DOUBLE_EQ(j["per_organization"][0]["placement_rate"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(j["per_organization"][1]["placement_rate"].get<double>(), 0.0);  // no pool
  EXPECT_EQ(j["shortlist_passes"], 2);
  EXPECT_FALSE(j.contains("stability"));  // not checked: a max_score round
  r.stability_checked = true;
  r.blocking_pairs = 3;
  r.stability_pairs_checked = 120;
  r.shortlisted_whole = 1;
  const auto checked = round_statistics_json(r);
  EXPECT_EQ(checked["stability"]["stable"], false);
  EXPECT_EQ(checked["stability"]["blocking_pairs"], 3);
  EXPECT_EQ(checked["stability"]["pairs_checked"], 120);
  EXPECT_EQ(checked["stability"]["shortlisted_whole"], 1);
}

}  // namespace
}  // namespace kakehashi::api
