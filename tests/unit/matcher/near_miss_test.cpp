// Near-miss counts against a brute force over generated instances: every
// trainee scored against the demand and against each relaxed demand, with
// no pruning.
#include "matcher/near_miss.hpp"

#include <gtest/gtest.h>

#include "matcher/generator.hpp"

namespace kakehashi::matcher {
namespace {

TEST(NearMiss, CountsEqualABruteForceCount) {
  auto graph = default_skill_graph();
  GeneratorOptions options;
  options.trainees = 1500;
  options.projects = 40;
  options.seed = 15;
  auto inst = generate(*graph, options);
  std::size_t relaxations_seen = 0, newly_seen = 0;
  for (auto project : inst.projects) {
    // Harder demands than the generator's, so exclusions are common.
    if (project.id % 2 == 0) project.jlpt_min = 3;  // N3
    if (project.id % 3 == 0) project.cefr_min = 4;  // B2
    if (!project.skills.empty()) project.skills[0].must_have = true;
    const auto got = count_near_misses(inst.trainees, project, *graph);
    const auto plan = plan_project(project, *graph);
    std::size_t eligible = 0;
    std::array<std::size_t, 8> excluded{};
    for (const auto& t : inst.trainees) {
      const auto e = explain(plan, t);
      if (score(plan, t)) ++eligible;
      std::array<bool, 8> seen{};
      for (const auto& r : e.reasons) seen[static_cast<std::size_t>(r.code)] = true;
      for (std::size_t c = 0; c < seen.size(); ++c) excluded[c] += seen[c];
    }
    EXPECT_EQ(got.pool, inst.trainees.size());
    EXPECT_EQ(got.eligible, eligible);
    EXPECT_EQ(got.excluded_by, excluded);
    const auto relaxations = relaxations_of(project);
    ASSERT_EQ(got.relaxations.size(), relaxations.size());
    for (std::size_t i = 0; i < relaxations.size(); ++i) {
      const auto relaxed = plan_project(relaxations[i].project, *graph);
      std::size_t newly = 0;
      for (const auto& t : inst.trainees) newly += score(relaxed, t) && !score(plan, t);
      EXPECT_EQ(got.relaxations[i].newly_eligible, newly)
          << "project " << project.id << " relaxation " << i;
      ++relaxations_seen;
      newly_seen += newly > 0;
    }
  }
  EXPECT_GT(relaxations_seen, 40u);
  EXPECT_GT(newly_seen, 10u);  // the relaxations made someone eligible
}

TEST(NearMiss, NoRelaxationBelowNone) {
  Project p;
  p.jlpt_min = kJlptNone;
  p.cefr_min = kCefrNone;
  p.start = kUnknownDay;
  EXPECT_TRUE(relaxations_of(p).empty());
  p.jlpt_min = 2;  // N4
  ASSERT_EQ(relaxations_of(p).size(), 1u);
  EXPECT_EQ(relaxations_of(p)[0].to, 1);
}

// A start a month later only while a date can name it (9999-12-31 was
// offered "10000-01-30").
TEST(NearMiss, NoLaterStartPastTheLastDay) {
  Project p;
  p.jlpt_min = kJlptNone;
  p.cefr_min = kCefrNone;
  p.start = kLastDay - 30;
  ASSERT_EQ(relaxations_of(p).size(), 1u);
  EXPECT_EQ(relaxations_of(p)[0].to, kLastDay);
  p.start = kLastDay - 29;
  EXPECT_TRUE(relaxations_of(p).empty());
}

}  // namespace
}  // namespace kakehashi::matcher
