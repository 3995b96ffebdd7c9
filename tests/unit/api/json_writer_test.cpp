// JsonWriter against nlohmann's dump of the same values: the hot lists it
// writes must read as the tree they replaced.
#include "api/json_writer.hpp"

#include <gtest/gtest.h>

#include <limits>

#include <nlohmann/json.hpp>

namespace kakehashi::api {
namespace {

using nlohmann::json;

std::string writer_reference(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST(JsonWriterTest, ScalarsReadAsNlohmannDumpsThem) {
  const std::vector<std::string> texts = {"",
                                          "plain",
                                          "quote \" and \\ back",
                                          "\n\r\t\b\f",
                                          std::string("\x01\x1f\x7f", 3),
                                          "日本語 ১২৩",
                                          "emoji \xF0\x9F\x98\x80"};
  for (const auto& t : texts) {
    std::string out;
    JsonWriter(out).value(t);
    EXPECT_EQ(out, writer_reference(json(t))) << t;
  }
  for (double d : {0.0, -0.0, 1.0, 2.5, 0.1, 1e-7, 123456789.125, 1e21, 1.0 / 3}) {
    std::string out;
    JsonWriter(out).value(d);
    EXPECT_EQ(json::parse(out), json(d)) << out;
    EXPECT_EQ(json::parse(out).is_number_float(), true) << out;
  }
  std::string nan;
  JsonWriter(nan).value(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(nan, "null");
  for (long long n : {0LL, -1LL, 42LL, std::numeric_limits<long long>::min()}) {
    std::string out;
    JsonWriter(out).value(n);
    EXPECT_EQ(out, writer_reference(json(n)));
  }
}

TEST(JsonWriterTest, InvalidUtf8BecomesReplacementCharacters) {
  for (const std::string bad :
       {"a\xFFz", "\xC0\xAF", "\xED\xA0\x80", "\xE6\x97", "\xF4\x90\x80\x80"}) {
    std::string out;
    JsonWriter(out).value(bad);
    const json back = json::parse(out);  // throws on invalid UTF-8
    EXPECT_NE(back.get<std::string>().find("\xEF\xBF\xBD"), std::string::npos) << out;
  }
}

TEST(JsonWriterTest, NestingPlacesEveryComma) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().member("a", 1).key("b").begin_array().value(true).value(nullptr);
  w.begin_object().end_object().begin_array().end_array().end_array();
  w.member("c", std::optional<std::string>()).member("d", std::vector<std::string>{"x", "y"});
  w.key("e").raw("{\"k\":[1]}").end_object();
  EXPECT_EQ(json::parse(out),
            json::parse(R"({"a":1,"b":[true,null,{},[]],"c":null,"d":["x","y"],"e":{"k":[1]}})"));
  EXPECT_EQ(out, R"({"a":1,"b":[true,null,{},[]],"c":null,"d":["x","y"],"e":{"k":[1]}})");
}

}  // namespace
}  // namespace kakehashi::api
