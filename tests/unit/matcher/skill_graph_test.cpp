#include "matcher/skill_graph.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <set>
#include <string>
#include <string_view>

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

// Issue 16: suggestions for a misspelt PHP name are PHP-ish. Distances are
// relative to length (a one-letter "C" is not near everything), and the
// nearest skill's related skills come right after it.
TEST(SkillGraph, ClosestPutsTheNearestSkillsRelatedSkillsNext) {
  SkillGraph g;
  for (const char* name : {"Python", "C++", "C", "R", "Go", "SQL"}) g.add_skill(name);
  const auto php = g.add_skill("PHP");
  const auto laravel = g.add_skill("Laravel");
  const auto symfony = g.add_skill("Symfony");
  ASSERT_TRUE(g.add_alias("ララベル", laravel));
  ASSERT_TRUE(g.add_related(php, laravel, 0.7));
  ASSERT_TRUE(g.add_related(php, symfony, 0.6));
  EXPECT_EQ(g.closest("phpp", 3), (std::vector<std::string>{"PHP", "Laravel", "Symfony"}));
  EXPECT_EQ(g.closest("Ｐｈｐ８", 3), (std::vector<std::string>{"PHP", "Laravel", "Symfony"}));
  EXPECT_EQ(g.closest("Laravell", 2), (std::vector<std::string>{"Laravel", "PHP"}));
  // Japanese is compared by characters, not bytes: one character off.
  EXPECT_EQ(g.closest("ララベ", 1), (std::vector<std::string>{"Laravel"}));
  EXPECT_EQ(g.resolve("ララベル"), laravel);
  EXPECT_EQ(g.resolve("ＰＨＰ"), php);
  // Never more than asked, never one twice.
  const auto all = g.closest("x", 100);
  EXPECT_EQ(all.size(), g.size());
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size());
}

// The function as it was before width folding, for the equality test below.
std::string normalise_before_width_folding(std::string_view name) {
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) {
    name.remove_prefix(1);
  }
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) {
    name.remove_suffix(1);
  }
  std::string out;
  bool space = false;
  for (char c : name) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

TEST(SkillGraph, FullWidthNamesResolveLikeTheirAsciiForms) {
  auto g = default_skill_graph();
  const auto pytorch = g->resolve("PyTorch");
  ASSERT_TRUE(pytorch);
  EXPECT_EQ(g->resolve("ＰｙＴｏｒｃｈ"), pytorch);
  EXPECT_EQ(g->resolve("ｐｙｔｏｒｃｈ"), pytorch);
  EXPECT_EQ(g->resolve("ＴＯＲＣＨ"), pytorch);  // an alias, full-width
  const auto python = g->resolve("Python");
  ASSERT_TRUE(python);
  EXPECT_EQ(g->resolve("Ｐython"), python);  // mixed widths
  EXPECT_EQ(g->resolve("ｐｙｔｈｏｎ３"), python);
  const auto ml = g->resolve("Machine Learning");
  ASSERT_TRUE(ml);
  EXPECT_EQ(g->resolve("Ｍａｃｈｉｎｅ　Ｌｅａｒｎｉｎｇ"), ml);  // ideographic space
  EXPECT_EQ(g->resolve("　Ｍａｃｈｉｎｅ　　　Learning　"), ml);
  EXPECT_EQ(g->resolve("\u3000ＭＬ\u3000"), ml);
  EXPECT_NE(g->resolve("Ｊａｖａ"), g->resolve("JavaScript"));
  EXPECT_FALSE(g->resolve("ｐｙ　ｔｏｒｃｈ"));  // still whole names only
}

TEST(SkillGraph, AFullWidthNameIsTheSameSkillWhenAdded) {
  SkillGraph g;
  const auto cpp = g.add_skill("C++");
  EXPECT_EQ(g.add_skill("Ｃ＋＋"), cpp);
  EXPECT_EQ(g.size(), 1U);
  EXPECT_TRUE(g.add_alias("ｃｐｐ", cpp));
  EXPECT_EQ(g.resolve("CPP"), cpp);
}

TEST(NormaliseSkillName, FoldsExactlyTheFullWidthAsciiRangeAndTheIdeographicSpace) {
  EXPECT_EQ(normalise_skill_name("ＰｙＴｏｒｃｈ"), "pytorch");
  EXPECT_EQ(normalise_skill_name("！"), "!");  // U+FF01, the first
  EXPECT_EQ(normalise_skill_name("＿"), "_");  // U+FF3F, the last with lead EF BC
  EXPECT_EQ(normalise_skill_name("｀"), "`");  // U+FF40, the first with lead EF BD
  EXPECT_EQ(normalise_skill_name("～"), "~");  // U+FF5E, the last
  EXPECT_EQ(normalise_skill_name("Ｃ＃／．ＮＥＴ"), "c#/.net");
  EXPECT_EQ(normalise_skill_name("Ａ　\tＢ"), "a b");
  // Neighbours keep their bytes: U+FF00, U+FF5F (fullwidth white parenthesis),
  // U+FF61 and U+FF71 (half-width katakana: NFKC would widen them, we do not),
  // U+3001 (ideographic comma), U+00A0 (no-break space is not ASCII space).
  for (const std::string_view s : {"\xEF\xBC\x80", "\xEF\xBD\x9F", "｡", "ｱ", "、", "\xC2\xA0"}) {
    EXPECT_EQ(normalise_skill_name(s), s) << testing::PrintToString(s);
  }
  EXPECT_EQ(normalise_skill_name("機械学習"), "機械学習");
  EXPECT_EQ(normalise_skill_name("Ｒｕｓｔ入門"), "rust入門");
  // Truncated sequences at the end are copied, not read past.
  EXPECT_EQ(normalise_skill_name("a\xEF\xBC"), "a\xEF\xBC");
  EXPECT_EQ(normalise_skill_name("a\xE3\x80"), "a\xE3\x80");
}

TEST(NormaliseSkillName, InputWithoutFullWidthFormsIsUnchangedFromBefore) {
  // Every single byte, then random strings over every byte but the two lead
  // bytes that folding looks at, biased towards spaces and letters.
  for (int b = 0; b < 256; ++b) {
    const std::string s(1, static_cast<char>(b));
    ASSERT_EQ(normalise_skill_name(s), normalise_before_width_folding(s)) << b;
  }
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<int> pick(0, 299);
  constexpr std::string_view kCommon = " \t\n\v\f\rAaZz09+#.-_";
  for (int round = 0; round < 20000; ++round) {
    std::string s(static_cast<std::size_t>(pick(rng) % 12), ' ');
    for (auto& c : s) {
      int v = pick(rng);
      if (v >= 256) {
        v = static_cast<unsigned char>(kCommon[static_cast<std::size_t>(v) % kCommon.size()]);
      }
      if (v == 0xE3 || v == 0xEF) v = 'x';
      c = static_cast<char>(v);
    }
    ASSERT_EQ(normalise_skill_name(s), normalise_before_width_folding(s))
        << testing::PrintToString(s);
  }
}

}  // namespace
}  // namespace kakehashi::matcher
