#include "matching/page_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kakehashi::matching {
namespace {

const PageStamp kStamp{1, 1};

std::string body(char c, std::size_t n) { return std::string(n, c); }

TEST(PageCache, AnswersAPageUnderItsStampAndDropsItUnderAnother) {
  PageCache cache(1000);
  cache.put("a", kStamp, "page a");
  ASSERT_TRUE(cache.find("a", kStamp));
  EXPECT_EQ(*cache.find("a", kStamp), "page a");
  EXPECT_FALSE(cache.find("b", kStamp));
  // A change moved the project's stamp on: the old page is not answered, and
  // its bytes go at once rather than waiting to be pushed out.
  EXPECT_FALSE(cache.find("a", PageStamp{1, 2}));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(PageCache, LetsTheLeastRecentlyUsedPagesGoToStayWithinItsBudget) {
  // Each page costs its key (1 byte) and its body (99 bytes): three fit.
  PageCache cache(300);
  cache.put("a", kStamp, body('a', 99));
  cache.put("b", kStamp, body('b', 99));
  cache.put("c", kStamp, body('c', 99));
  EXPECT_EQ(cache.bytes(), 300u);
  ASSERT_TRUE(cache.find("a", kStamp));   // a is now the most recently used
  cache.put("d", kStamp, body('d', 99));  // b, the least recently used, goes
  EXPECT_FALSE(cache.find("b", kStamp));
  EXPECT_TRUE(cache.find("a", kStamp));
  EXPECT_TRUE(cache.find("c", kStamp));
  EXPECT_TRUE(cache.find("d", kStamp));
  EXPECT_EQ(cache.bytes(), 300u);
  EXPECT_EQ(cache.size(), 3u);
}

TEST(PageCache, ReplacingAPageCountsOnlyItsNewBody) {
  PageCache cache(1000);
  cache.put("a", kStamp, body('x', 500));
  cache.put("a", PageStamp{1, 2}, body('y', 100));
  EXPECT_EQ(cache.bytes(), 101u);
  EXPECT_FALSE(cache.find("a", kStamp));
  cache.put("a", kStamp, body('z', 10));
  ASSERT_TRUE(cache.find("a", kStamp));
  EXPECT_EQ(*cache.find("a", kStamp), body('z', 10));
}

TEST(PageCache, APageLargerThanTheBudgetIsNotHeldAndTakesNothingWithIt) {
  PageCache cache(100);
  cache.put("a", kStamp, body('a', 50));
  cache.put("b", kStamp, body('b', 200));
  EXPECT_FALSE(cache.find("b", kStamp));
  EXPECT_TRUE(cache.find("a", kStamp));
}

TEST(PageCache, ASmallerBudgetLetsTheOldestGoAtOnce) {
  PageCache cache(1000);
  for (char c : std::string("abcde")) cache.put(std::string(1, c), kStamp, body(c, 99));
  cache.set_budget(200);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.find("d", kStamp));
  EXPECT_TRUE(cache.find("e", kStamp));
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

}  // namespace
}  // namespace kakehashi::matching
