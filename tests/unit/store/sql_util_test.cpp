// The text encodings of folded columns (store/sql_util): what the index load
// and every trainee read split, and what writes join.
#include "store/sql_util.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include "../util/capture_stdout.hpp"

#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "util/log.hpp"

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

// decimal_text writes what an ostringstream of precision 15 wrote (the
// numeric parameters' text, and as_stored's rounding reads it back).
TEST(SqlUtil, DecimalTextIsWhatAStreamOfPrecision15Wrote) {
  EXPECT_EQ(decimal_text(std::nullopt), std::nullopt);
  for (const double v : {0.0, -0.0, 1.0, 2.5, 0.1, 1.0 / 3, 1234.565, 1e15, 1e16, 123456789012345.6,
                         1e-4, 1e-5, 0.000123456789, -2.675, 60.0, 3000.0, 1.005, 9.95e-5}) {
    std::ostringstream stream;
    stream.precision(15);
    stream << v;
    EXPECT_EQ(decimal_text(v), stream.str()) << v;
  }
}

TEST(StatementShape, FoldsWhitespaceAndKeepsTheTailOfALongStatement) {
  EXPECT_EQ(statement_shape("SELECT a,\n       b\n  FROM t\n WHERE id = $1\n"),
            "SELECT a, b FROM t WHERE id = $1");
  const std::string list(400, 'c');
  const auto shape = statement_shape("SELECT " + list + " FROM trainees WHERE seq > $1");
  EXPECT_LT(shape.size(), 220U);
  EXPECT_EQ(shape.rfind("SELECT ccc", 0), 0U);
  EXPECT_NE(shape.find(" ... "), std::string::npos);
  EXPECT_NE(shape.find("FROM trainees WHERE seq > $1"), std::string::npos);
}

// What log() writes to standard output while `run` runs.
std::string logged(const std::function<void()>& run) { return testing::capture_stdout(run); }

TEST(StatementTimer, LogsOnlyStatementsOverTheThresholdWithTheRequestId) {
  set_slow_statement_threshold(std::chrono::milliseconds(20));
  util::set_log_context("req-slow", "");
  const std::string out = logged([] {
    { const StatementTimer fast("SELECT 1"); }
    const StatementTimer slow("UPDATE trainees SET city = $2 WHERE id = $1");
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  });
  util::clear_log_context();
  set_slow_statement_threshold(std::chrono::milliseconds(0));
  EXPECT_EQ(out.find("SELECT 1"), std::string::npos) << out;
  EXPECT_NE(out.find("\"msg\":\"slow statement\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"statement\":\"UPDATE trainees SET city = $2 WHERE id = $1\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\"request_id\":\"req-slow\""), std::string::npos) << out;
}

TEST(StatementTimer, OffAtZero) {
  set_slow_statement_threshold(std::chrono::milliseconds(0));
  const std::string out = logged([] {
    const StatementTimer t("SELECT pg_sleep(1)");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  });
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace kakehashi::store
