// Validation of request documents into domain commands, without a server:
// every field error at once with its JSON pointer, text limits in characters,
// read-only fields, names that resolve through the taxonomy.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/project_input.hpp"
#include "api/trainee_input.hpp"
#include "api/validation.hpp"
#include "util/cpu_pool.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

class ValidationTest : public ::testing::Test {
 protected:
  ValidationTest() {
    api_.taxonomy.load({{1, "Python", "language", {"py"}, {}, 1},
                        {2, "PyTorch", "ml", {"torch"}, {{3, 0.7}}, 1},
                        {3, "TensorFlow", "ml", {}, {{2, 0.7}}, 1}});
    api_.timezones.insert("Asia/Dhaka");
  }
  std::set<std::string> pointers() const {
    std::set<std::string> out;
    for (const auto& e : errors_) out.insert(e.pointer);
    return out;
  }
  // Never connects: the validation under test needs no database.
  store::Database db_{store::DatabaseOptions{.url = "host=/nonexistent", .pool_size = 1}};
  util::CpuPool cpu_{1};
  ApiContext api_{db_, cpu_, {}, {}};
  std::vector<http::FieldError> errors_;
};

TEST_F(ValidationTest, AValidTraineeBecomesACommand) {
  const json body = {{"full_name", "ヌスラト・ジャハン"},
                     {"email", "nusrat@example.com"},
                     {"timezone", "Asia/Dhaka"},
                     {"skills", {{{"skill", "ＰｙＴｏｒｃｈ"}, {"level", 4}, {"years", 2.5}}}},
                     {"languages", {{"japanese", "N3"}, {"english", "B2"}}},
                     {"expected_monthly_rate", {{"amount", 120000}, {"currency", "BDT"}}},
                     {"consent", {{"matching", true}, {"share_with_firms_abroad", false}}}};
  auto in = parse_trainee(body, api_, false, errors_);
  ASSERT_TRUE(in) << (errors_.empty() ? "" : errors_.front().pointer);
  EXPECT_EQ(in->personal.full_name, "ヌスラト・ジャハン");
  ASSERT_EQ(in->profile.skills.size(), 1U);
  EXPECT_EQ(in->profile.skills[0].skill_id, 2);  // full width resolves
  EXPECT_EQ(in->profile.skills[0].years, 2.5);
  EXPECT_EQ(in->profile.japanese, "N3");
  EXPECT_TRUE(in->profile.consent_matching);
  EXPECT_FALSE(in->profile.consent_recorded_at);  // the database's to set
}

TEST_F(ValidationTest, EveryFieldErrorIsReportedAtOnce) {
  const json body = {{"full_name", std::string("Ra\0him", 6)},
                     {"email", "not-an-email"},
                     {"timezone", "Mars/Olympus"},
                     {"skills", {{{"skill", "COBOL"}, {"level", 9}}}},
                     {"languages", {{"japanese", "N6"}}},
                     {"expected_monthly_rate", {{"amount", -1}, {"currency", "XYZ"}}},
                     {"consent",
                      {{"matching", true},
                       {"share_with_firms_abroad", true},
                       {"recorded_at", "2020-01-01T00:00:00Z"}}},
                     {"alias", "KH-FORGED"}};
  EXPECT_FALSE(parse_trainee(body, api_, false, errors_));
  const std::set<std::string> expected = {"/full_name",
                                          "/email",
                                          "/timezone",
                                          "/skills/0/skill",
                                          "/skills/0/level",
                                          "/languages/japanese",
                                          "/expected_monthly_rate/amount",
                                          "/expected_monthly_rate/currency",
                                          "/consent/recorded_at",
                                          "/alias"};
  const auto got = pointers();
  for (const auto& p : expected) EXPECT_TRUE(got.count(p)) << p << " not reported";
}

TEST_F(ValidationTest, TextLimitsCountCharactersNotBytes) {
  std::string name;
  for (int i = 0; i < 200; ++i) name += "名";  // 200 characters, 600 bytes
  json body = {{"full_name", name}, {"email", "a@example.com"}};
  EXPECT_TRUE(parse_trainee(body, api_, false, errors_));
  body["full_name"] = name + "名";
  EXPECT_FALSE(parse_trainee(body, api_, false, errors_));
  EXPECT_EQ(pointers(), std::set<std::string>{"/full_name"});
}

TEST_F(ValidationTest, AProjectReportsEveryErrorAndTakesAKnownCurrencyOnly) {
  const json bad = {{"title", ""},
                    {"skills", {{{"skill", "torch"}, {"min_level", 7}}}},
                    {"headcount", 0},
                    {"start_date", "2027-02-30"},
                    {"duration_months", 6},
                    {"japanese_min", "N0"},
                    {"budget_monthly", {{"max", 500000}, {"currency", "YEN"}}}};
  EXPECT_FALSE(parse_project(bad, api_, false, nullptr, errors_));
  const auto got = pointers();
  for (const auto* p : {"/title", "/skills/0/min_level", "/headcount", "/start_date",
                        "/japanese_min", "/budget_monthly/currency"}) {
    EXPECT_TRUE(got.count(p)) << p << " not reported";
  }
  errors_.clear();
  json good = bad;
  good["title"] = "外観検査AIの開発";
  good["skills"] = {{{"skill", "torch"}, {"min_level", 3}}};
  good["headcount"] = 2;
  good["start_date"] = "2027-02-01";
  good["japanese_min"] = "N4";
  good["budget_monthly"]["currency"] = "JPY";
  auto d = parse_project(good, api_, false, nullptr, errors_);
  ASSERT_TRUE(d) << (errors_.empty() ? ""
                                     : errors_.front().pointer + " " + errors_.front().message);
  EXPECT_EQ(d->skills.at(0).skill_id, 2);  // the alias resolves
  EXPECT_EQ(d->budget_currency, "JPY");
}

TEST(Timestamps, EveryPartIsRangeChecked) {
  EXPECT_TRUE(valid_timestamp("2026-11-29T23:59:59Z"));
  EXPECT_TRUE(valid_timestamp("2026-11-29T09:00:00.123+09:00"));
  EXPECT_TRUE(valid_timestamp("2026-11-29T09:00:00.123456Z"));
  for (const char* bad :
       {"2026-01-01T25:61:61Z", "2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z",
        "2026-01-01T23:59:60Z", "2026-02-29T00:00:00Z", "2026-01-01T00:00:00+16:00",
        "2026-01-01T00:00:00+09:60", "2026-01-01T00:00:00", "2026-01-01T00:00:00.1234567Z"}) {
    EXPECT_FALSE(valid_timestamp(bad)) << bad;
  }
}

TEST(JsonDepth, NestingIsBoundedBeforeParsing) {
  EXPECT_FALSE(json_deeper_than(std::string(64, '[') + std::string(64, ']'), 64));
  EXPECT_TRUE(json_deeper_than(std::string(65, '['), 64));
  // Brackets inside strings do not count, escaped quotes do not end them.
  EXPECT_FALSE(json_deeper_than(R"({"a":"[[[[[[\"[[[["})", 2));
  bool too_deep = false;
  EXPECT_FALSE(parse_json(std::string(100'000, '['), &too_deep));
  EXPECT_TRUE(too_deep);
}

}  // namespace
}  // namespace kakehashi::api
