// The cold read's JSON pieces write what nlohmann's dump() writes for the
// same value (the whole document is compared in trainee_reads_test).
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "api/trainee_document.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

std::string dumped(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

TEST(TraineeDocument, StringsAreEscapedAsNlohmannDoes) {
  std::string every_byte;
  for (int c = 1; c < 0x80; ++c) every_byte.push_back(static_cast<char>(c));
  for (const std::string& s :
       {std::string(), std::string("plain"), std::string("quote \" backslash \\ slash /"),
        std::string("tab\tnew\nline\rform\fback\b"), every_byte,
        std::string("日本語 ও বাংলা 🙂"), std::string("\x7f del"),
        std::string("bad \xff byte"), std::string("cut \xe6\x97"), std::string("\xed\xa0\x80"),
        std::string("overlong \xc0\xaf"), std::string(1, '\0') + "nul"}) {
    std::string out;
    write_json_string(out, s);
    EXPECT_EQ(out, dumped(json(s))) << s;
  }
}

TEST(TraineeDocument, DoublesAreWrittenAsNlohmannDoes) {
  for (const char* text : {"0", "2", "2.5", "0.5", "1.25", "123456.78", "100000", "1e+20", "0.0001",
                           "1e-07", "999999999", "3.3333333333333335", "-0"}) {
    std::string out;
    write_json_double(out, text);
    EXPECT_EQ(out, dumped(json(std::stod(text)))) << text;
  }
  for (const char* bad : {"", "NaN", "Infinity", "-Infinity", "x", "1.5x"}) {
    std::string out;
    write_json_double(out, bad);
    EXPECT_EQ(out, "null") << bad;
  }
}

}  // namespace
}  // namespace kakehashi::api
