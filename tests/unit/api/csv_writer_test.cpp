// CSV for spreadsheets: RFC 4180 quoting and formula neutralisation.
#include "api/csv_writer.hpp"

#include <gtest/gtest.h>

namespace kakehashi::api {
namespace {

TEST(CsvWriter, CellsThatASpreadsheetWouldRunAsFormulasAreNeutralised) {
  for (const std::string cell :
       {"=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx",
        "\uFF1DHYPERLINK(\"http://x\")", "\uFF0B1", "\uFF0D2", "\uFF20SUM(A1)",
        "\uFE66HYPERLINK(\"http://x\")", "\uFE621", "\uFE632", "\uFE6BSUM(A1)"}) {
    EXPECT_EQ(neutralise_cell(cell), "'" + cell) << cell;
  }
  for (const std::string cell :
       {"Dhaka AI Academy", "ダッカ", "", "1=1", "a-b", "\uFF21I", "\uFE50x"}) {
    EXPECT_EQ(neutralise_cell(cell), cell) << cell;
  }
}

TEST(CsvWriter, RecordsQuoteWhatRfc4180NeedsAndEndInCrlf) {
  EXPECT_EQ(csv_record({"a", "b,c", "say \"hi\"", "two\nlines"}),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
  // A neutralised cell that also needs quoting is both.
  EXPECT_EQ(csv_record({"=1,2"}), "\"'=1,2\"\r\n");
}

TEST(CsvWriter, NumericColumnsAreWrittenAsTheyAre) {
  EXPECT_EQ(csv_record({"-5", "-5"}, {true, false}), "-5,'-5\r\n");
}

TEST(CsvWriter, TheByteOrderMarkIsUtf8s) { EXPECT_EQ(kUtf8Bom, "\xEF\xBB\xBF"); }

}  // namespace
}  // namespace kakehashi::api
