#include "matcher/skill_graph.hpp"

#include <gtest/gtest.h>

#include "matcher/generator.hpp"

namespace kakehashi::matcher {
namespace {

TEST(SkillGraph, AliasesResolveAsWholeNamesIgnoringCase) {
  auto g = default_skill_graph();
  EXPECT_EQ(g->resolve("torch"), g->resolve("PyTorch"));
  EXPECT_EQ(g->resolve("  TORCH "), g->resolve("pytorch"));
  EXPECT_EQ(g->resolve("Java"), g->resolve("java"));
  EXPECT_NE(g->resolve("java"), g->resolve("javascript"));
  EXPECT_EQ(g->resolve("js"), g->resolve("JavaScript"));
  EXPECT_FALSE(g->resolve("jav"));
  EXPECT_FALSE(g->resolve("py torch"));
}

TEST(SkillGraph, RelatedSkillsAreSymmetricWithSimilarity) {
  auto g = default_skill_graph();
  const auto pt = *g->resolve("PyTorch");
  const auto tf = *g->resolve("TensorFlow");
  EXPECT_DOUBLE_EQ(g->similarity(pt, tf), 0.8);
  EXPECT_DOUBLE_EQ(g->similarity(tf, pt), 0.8);
  EXPECT_DOUBLE_EQ(g->similarity(pt, pt), 1.0);
  EXPECT_DOUBLE_EQ(g->similarity(pt, *g->resolve("SQL")), 0.0);
  EXPECT_FALSE(g->add_related(pt, pt, 0.5));
}

TEST(SkillGraph, AnAliasCannotBeTakenTwice) {
  SkillGraph g;
  const auto a = g.add_skill("Alpha");
  const auto b = g.add_skill("Beta");
  EXPECT_TRUE(g.add_alias("al", a));
  EXPECT_FALSE(g.add_alias("al", b));
  EXPECT_EQ(g.add_skill("alpha"), a);
}

TEST(SkillGraph, ClosestSuggestsNearNames) {
  auto g = default_skill_graph();
  auto near = g->closest("pytorh", 3);
  ASSERT_FALSE(near.empty());
  EXPECT_EQ(near.front(), "PyTorch");
  EXPECT_EQ(g->closest("kubernets", 1).front(), "Kubernetes");
}

}  // namespace
}  // namespace kakehashi::matcher
