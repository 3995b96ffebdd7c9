#include "matcher/scorer.hpp"

#include <gtest/gtest.h>

#include <random>

#include "matcher/generator.hpp"

namespace kakehashi::matcher {
namespace {

class ScorerTest : public ::testing::Test {
 protected:
  SkillId skill(const char* name) { return *graph_->resolve(name); }
  Project project() {
    Project p;
    p.id = 1;
    p.skills = {{skill("PyTorch"), 3, 3, true}, {skill("Computer Vision"), 3, 2, false}};
    p.jlpt_min = 2;  // N4
    p.start = 20'000;
    p.duration_months = 6;
    p.budget_min = 1000;
    p.budget_max = 2000;
    p.overlap_hours_jst = 4;
    p.domain = 2;
    p.engagement = kOffshore;
    return p;
  }
  Trainee strong() {
    Trainee t;
    t.id = 7;
    t.skills = {{skill("PyTorch"), 4, 3.0F}, {skill("Computer Vision"), 3, 2.0F}};
    t.jlpt = 3;
    t.cefr = 4;
    t.utc_offset_minutes = 360;  // Dhaka
    t.available_from = 19'990;
    t.expected_monthly_rate = 1500;
    t.domains = 1ULL << 2;
    t.engagement = kOffshore;
    t.consent_matching = true;
    return t;
  }
  std::shared_ptr<SkillGraph> graph_ = default_skill_graph();
};

TEST_F(ScorerTest, AnEmptyProfileEarnsNothing) {
  Project p = project();
  p.jlpt_min = 0;
  p.skills[0].must_have = false;
  Trainee empty;
  empty.consent_matching = true;
  const auto ex = explain(plan_project(p, *graph_), empty);
  EXPECT_TRUE(ex.eligible);
  EXPECT_DOUBLE_EQ(ex.score, 0.0);
  for (const auto& c : ex.components) EXPECT_DOUBLE_EQ(c.value, 0.0) << component_name(c.component);
}

TEST_F(ScorerTest, ContributionsAddUpAndWeightsAreNormalised) {
  const auto plan = plan_project(project(), *graph_);
  const auto ex = explain(plan, strong());
  ASSERT_TRUE(ex.eligible);
  double sum = 0;
  double weights = 0;
  for (const auto& c : ex.components) {
    EXPECT_NEAR(c.contribution, c.weight * c.value, 1e-12);
    sum += c.contribution;
    weights += c.weight;
  }
  EXPECT_NEAR(sum, ex.score, 1e-9);
  EXPECT_NEAR(weights, 1.0, 1e-12);
  EXPECT_EQ(score(plan, strong()), ex.score);
  EXPECT_EQ(ex.matched.size(), 2U);
  EXPECT_TRUE(ex.missing.empty());
}

TEST_F(ScorerTest, ComponentValuesForAKnownCase) {
  const auto ex = explain(plan_project(project(), *graph_), strong());
  EXPECT_DOUBLE_EQ(ex.components[kSkills].value, 1.0);
  EXPECT_DOUBLE_EQ(ex.components[kJapanese].value, 0.45);  // certified N3
  EXPECT_DOUBLE_EQ(ex.components[kEnglish].value, 4.0 / 6.0);
  // Dhaka 09:00-18:00 is 03:00-12:00 UTC; JST 09:00-18:00 is 00:00-09:00 UTC: 6 h.
  EXPECT_DOUBLE_EQ(jst_overlap_hours(strong()), 6.0);
  EXPECT_DOUBLE_EQ(ex.components[kTimezone].value, 1.0);
  EXPECT_DOUBLE_EQ(ex.components[kAvailability].value, 1.0);
  EXPECT_DOUBLE_EQ(ex.components[kRate].value, 1.0);
  EXPECT_DOUBLE_EQ(ex.components[kExperience].value, (3 * 3.0 / 5 + 2 * 2.0 / 5) / 5);
  EXPECT_DOUBLE_EQ(ex.components[kDomain].value, 1.0);
}

TEST_F(ScorerTest, TimeZoneOverlapAcrossMidnight) {
  EXPECT_DOUBLE_EQ(jst_overlap_hours(540, 9 * 60, 18 * 60), 9.0);   // Tokyo itself
  EXPECT_DOUBLE_EQ(jst_overlap_hours(60, 9 * 60, 18 * 60), 1.0);    // Lagos: 08:00-17:00 UTC
  EXPECT_DOUBLE_EQ(jst_overlap_hours(-300, 9 * 60, 18 * 60), 0.0);  // New York
  EXPECT_DOUBLE_EQ(jst_overlap_hours(-300, 20 * 60, 4 * 60), 8.0);  // a night shift in New York
  EXPECT_LT(jst_overlap_hours(kUnknownOffset, 9 * 60, 18 * 60), 0);
}

TEST_F(ScorerTest, RelatedSkillEarnsPartialCreditButNotAMustHave) {
  Project p = project();
  p.skills[0].must_have = false;
  Trainee t = strong();
  t.skills = {{skill("TensorFlow"), 4, 2.0F}};
  const auto ex = explain(plan_project(p, *graph_), t);
  ASSERT_EQ(ex.matched.size(), 1U);
  EXPECT_EQ(ex.matched[0].required, skill("PyTorch"));
  EXPECT_EQ(ex.matched[0].via, skill("TensorFlow"));
  EXPECT_DOUBLE_EQ(ex.matched[0].credit, 0.8);
  EXPECT_EQ(ex.missing.size(), 1U);
  p.skills[0].must_have = true;
  const auto strict = explain(plan_project(p, *graph_), t);
  EXPECT_FALSE(strict.eligible);
  ASSERT_EQ(strict.reasons.size(), 1U);
  EXPECT_EQ(strict.reasons[0].code, ReasonCode::kMissingMustHave);
  EXPECT_EQ(strict.reasons[0].required, 3);
  EXPECT_EQ(strict.reasons[0].actual, 0);
}

TEST_F(ScorerTest, EveryHardConstraintHasItsReason) {
  const auto plan = plan_project(project(), *graph_);
  auto reasons_of = [&](const Trainee& t) {
    std::vector<ReasonCode> out;
    for (const auto& r : explain(plan, t).reasons) out.push_back(r.code);
    EXPECT_FALSE(score(plan, t).has_value());
    return out;
  };
  Trainee t = strong();
  t.consent_matching = false;
  EXPECT_EQ(reasons_of(t), std::vector{ReasonCode::kNoConsent});
  t = strong();
  t.status = TraineeStatus::kPlaced;
  EXPECT_EQ(reasons_of(t), std::vector{ReasonCode::kNotActive});
  t = strong();
  t.skills[0].level = 2;
  EXPECT_EQ(reasons_of(t), std::vector{ReasonCode::kMissingMustHave});
  t = strong();
  t.jlpt = kUnknownLevel;  // unknown never satisfies a stated minimum
  EXPECT_EQ(reasons_of(t), std::vector{ReasonCode::kJapaneseBelowMinimum});
  t = strong();
  t.available_from = 20'000 + 200;  // six calendar months are 182 days from 2024-10-04
  EXPECT_EQ(reasons_of(t), std::vector{ReasonCode::kUnavailable});
  t = strong();
  t.engagement = kOnsiteJapan;
  EXPECT_EQ(reasons_of(t), std::vector{ReasonCode::kEngagementMismatch});
  Project english = project();
  english.cefr_min = 5;
  t = strong();
  const auto ex = explain(plan_project(english, *graph_), t);
  ASSERT_EQ(ex.reasons.size(), 1U);
  EXPECT_EQ(ex.reasons[0].code, ReasonCode::kEnglishBelowMinimum);
  EXPECT_EQ(ex.reasons[0].required, 5);
  EXPECT_EQ(ex.reasons[0].actual, 4);
}

TEST_F(ScorerTest, OverlapHoursAndToleranceConstraintsHaveTheirReasons) {
  Project p = project();
  p.min_overlap_hours_jst = 7;  // Dhaka 09:00-18:00 overlaps JST by 6 hours
  p.min_hours_per_week = 30;
  p.availability_tolerance_months = 1;
  const auto plan = plan_project(p, *graph_);
  Trainee t = strong();
  t.hours_per_week = 20;
  t.available_from = 20'000 + 40;  // 2024-11-13: after 2024-11-04, the start plus a month
  const auto ex = explain(plan, t);
  std::vector<ReasonCode> codes;
  for (const auto& r : ex.reasons) codes.push_back(r.code);
  EXPECT_EQ(codes, (std::vector{ReasonCode::kAvailableTooLate, ReasonCode::kOverlapBelowMinimum,
                                ReasonCode::kHoursBelowMinimum}));
  EXPECT_EQ(ex.reasons[0].required, 20'000 + 31);
  EXPECT_EQ(ex.reasons[1].required, 7 * 60);
  EXPECT_EQ(ex.reasons[1].actual, 6 * 60);
  EXPECT_EQ(ex.reasons[2].required, 30);
  EXPECT_EQ(ex.reasons[2].actual, 20);
  EXPECT_FALSE(score(plan, t));
  EXPECT_EQ(reason_name(ReasonCode::kOverlapBelowMinimum), "jst_overlap_below_minimum");
  EXPECT_EQ(reason_name(ReasonCode::kHoursBelowMinimum), "hours_per_week_below_minimum");
  EXPECT_EQ(reason_name(ReasonCode::kAvailableTooLate), "available_after_start_tolerance");
  // Within the tolerance the pair is eligible, and later is worth less.
  t.hours_per_week = 40;
  t.work_start_minutes = 7 * 60;  // 07:00-18:00 Dhaka: 01:00-12:00 UTC, 8 hours of overlap
  t.available_from = 20'000 + 10;
  p.min_overlap_hours_jst = 7;
  const auto early = explain(plan_project(p, *graph_), t);
  ASSERT_TRUE(early.eligible);
  t.available_from = 20'000 + 25;
  const auto later = explain(plan_project(p, *graph_), t);
  ASSERT_TRUE(later.eligible);
  EXPECT_LT(later.components[kAvailability].value, early.components[kAvailability].value);
  EXPECT_GE(later.components[kAvailability].value, 0.25);
  // Averaged over Japan's weekdays: a Sunday-Thursday week overlaps on four
  // of five; a trainee who works none of them overlaps by nothing.
  EXPECT_DOUBLE_EQ(project_overlap_hours(p, t), 8.0);
  t.work_days = 0x4F;  // Monday to Thursday, and Sunday
  EXPECT_DOUBLE_EQ(project_overlap_hours(p, t), 8.0 * 4 / 5);
  EXPECT_FALSE(explain(plan_project(p, *graph_), t).eligible) << "6.4 h is below the minimum 7";
  t.work_days = 0x60;  // Saturday and Sunday
  EXPECT_EQ(project_overlap_hours(p, t), 0.0);
}

TEST_F(ScorerTest, HoursPerWeekAreScoredAgainstTheProjectsNeed) {
  Project p = project();
  p.hours_per_week = 40;
  Trainee t = strong();
  t.hours_per_week = 20;
  EXPECT_DOUBLE_EQ(explain(plan_project(p, *graph_), t).components[kHours].value, 0.5);
  t.hours_per_week = 45;
  EXPECT_DOUBLE_EQ(explain(plan_project(p, *graph_), t).components[kHours].value, 1.0);
}

TEST_F(ScorerTest, JapaneseIsNotLinearAndWeighsNothingWhenNotNeeded) {
  // N5 -> N4 is worth far less than N3 -> N2.
  EXPECT_LT(jlpt_value(2) - jlpt_value(1), jlpt_value(4) - jlpt_value(3));
  EXPECT_DOUBLE_EQ(jlpt_value(5), 1.0);
  EXPECT_DOUBLE_EQ(japanese_value(4, false, -1), 0.8 * 0.85);  // self-declared N2
  EXPECT_DOUBLE_EQ(japanese_value(3, true, 540), 0.9);         // a BJT J1 score counts more
  Project p = project();
  p.jlpt_min = 0;
  const auto ex = explain(plan_project(p, *graph_), strong());
  EXPECT_DOUBLE_EQ(ex.components[kJapanese].weight, 0.0);
  EXPECT_DOUBLE_EQ(ex.components[kJapanese].contribution, 0.0);
}

TEST_F(ScorerTest, ABillRateUnderTheBudgetMinimumScoresLessThanOneWithin) {
  Project p = project();  // 1000 .. 2000
  Trainee t = strong();
  t.expected_monthly_rate = 1500;
  EXPECT_DOUBLE_EQ(explain(plan_project(p, *graph_), t).components[kRate].value, 1.0);
  t.expected_monthly_rate = 500;  // half the minimum
  EXPECT_DOUBLE_EQ(explain(plan_project(p, *graph_), t).components[kRate].value, 0.75);
  t.expected_monthly_rate = 2500;  // a quarter over the maximum
  EXPECT_DOUBLE_EQ(explain(plan_project(p, *graph_), t).components[kRate].value, 0.5);
}

TEST(CalendarMonths, AddMonthsClampsToTheMonthsLastDay) {
  // 2027-01-31 is day 20849.
  EXPECT_EQ(add_months(20849, 1), 20849 + 28);         // 2027-02-28
  EXPECT_EQ(add_months(20849, 13), 20849 + 29 + 365);  // 2028-02-29
  EXPECT_EQ(add_months(20849, 0), 20849);
  EXPECT_EQ(add_months(20849, -1), 20849 - 31);  // 2026-12-31
}

// Properties over thousands of generated pairs.
TEST_F(ScorerTest, PropertiesOverRandomInstances) {
  const auto inst = generate(*graph_, {.trainees = 400, .projects = 40, .seed = 7});
  std::mt19937 rng(3);
  std::size_t eligible = 0;
  for (const auto& p : inst.projects) {
    const auto plan = plan_project(p, *graph_);
    for (const auto& t : inst.trainees) {
      const auto ex = explain(plan, t);
      ASSERT_GE(ex.score, 0.0);
      ASSERT_LE(ex.score, 1.0 + 1e-12);
      double sum = 0;
      for (const auto& c : ex.components) {
        ASSERT_GE(c.value, 0.0);
        ASSERT_LE(c.value, 1.0);
        sum += c.contribution;
      }
      ASSERT_NEAR(sum, ex.score, 1e-9);
      const auto s = score(plan, t);
      ASSERT_EQ(s.has_value(), ex.eligible);
      if (s) {
        ++eligible;
        ASSERT_EQ(*s, ex.score);
      }
      // Raising the level of a required skill never lowers the score.
      if (!plan.skills.empty()) {
        Trainee raised = t;
        const auto req = plan.skills[rng() % plan.skills.size()].required.skill;
        bool found = false;
        for (auto& sk : raised.skills) {
          if (sk.skill == req) {
            if (sk.level < 5) ++sk.level;
            found = true;
          }
        }
        if (!found && raised.skills.size() < 10) raised.skills.push_back({req, 1, 0});
        const auto after = explain(plan, raised);
        ASSERT_GE(after.score, ex.score - 1e-12);
      }
    }
  }
  EXPECT_GT(eligible, 100U);  // the generator makes eligible pairs, so the checks above bite
}

TEST_F(ScorerTest, ProjectWeightsOverrideTheDefaults) {
  Project p = project();
  p.weights = Weights{.skills = 1,
                      .japanese = 0,
                      .english = 0,
                      .timezone = 0,
                      .availability = 0,
                      .rate = 0,
                      .experience = 0,
                      .domain = 0,
                      .hours = 0};
  const auto ex = explain(plan_project(p, *graph_), strong());
  EXPECT_DOUBLE_EQ(ex.components[kSkills].weight, 1.0);
  EXPECT_DOUBLE_EQ(ex.score, 1.0);
}

}  // namespace
}  // namespace kakehashi::matcher
