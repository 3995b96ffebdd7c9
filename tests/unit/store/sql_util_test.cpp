// The text encodings of folded columns (store/sql_util): what the index load
// and every trainee read split, and what writes join.
#include "store/sql_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kakehashi::store {
namespace {

using Items = std::vector<std::string>;

TEST(SqlUtil, SplitKeepsInnerEmptyItemsAndDropsOnlyTheOneAfterAFinalSeparator) {
  EXPECT_EQ(split("", '\n'), Items{});
  EXPECT_EQ(split("a", '\n'), Items{"a"});
  EXPECT_EQ(split("a\nb", '\n'), (Items{"a", "b"}));
  EXPECT_EQ(split("a\n\nb", '\n'), (Items{"a", "", "b"}));
  EXPECT_EQ(split("a\n", '\n'), Items{"a"});
  EXPECT_EQ(split("\n", '\n'), Items{""});
  EXPECT_EQ(split("\na", '\n'), (Items{"", "a"}));
  EXPECT_EQ(split("12\t3\t\n", '\t'), (Items{"12", "3", "\n"}));
}

TEST(SqlUtil, JoinLinesIsTheInverseOfSplitForNonEmptyItems) {
  for (const Items& items : {Items{}, Items{"fintech"}, Items{"ai", "web", "ヘルスケア"}}) {
    EXPECT_EQ(split(join_lines(items), '\n'), items);
  }
}

}  // namespace
}  // namespace kakehashi::store
