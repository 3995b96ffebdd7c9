// Validation of request documents into domain commands, without a server:
// every field error at once with its JSON pointer, text limits in characters,
// read-only fields, names that resolve through the taxonomy.
#include <gtest/gtest.h>

#include <tuple>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/project_input.hpp"
#include "api/trainee_input.hpp"
#include "api/validation.hpp"
#include "domain/text.hpp"
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

// A name typed with a Japanese keyboard's spaces, or of invisible marks
// only, is blank; padding at the ends is dropped, inside it is kept.
TEST_F(ValidationTest, UnicodeSpacesAndInvisibleMarksAreBlankAndTrimmed) {
  json body = {{"full_name", "\u3000\u200b\u3000"}, {"email", "a@example.com"}, {"city", "\ufeff"}};
  EXPECT_FALSE(parse_trainee(body, api_, false, errors_));
  EXPECT_EQ(pointers(), (std::set<std::string>{"/full_name", "/city"}));
  for (const auto& e : errors_) EXPECT_EQ(e.code, http::FieldCode::kBlank) << e.pointer;
  errors_.clear();
  body["full_name"] = "\u3000山田\u3000花子\u00a0";
  body.erase("city");
  const auto input = parse_trainee(body, api_, false, errors_);
  ASSERT_TRUE(input) << errors_.size();
  EXPECT_EQ(input->personal.full_name, "山田\u3000花子");
}

// A direction override inside a name would show it reversed to a reviewer,
// and a byte order mark inside splits it invisibly: both are refused, each
// field at once; at the ends a mark is padding, as above.
TEST_F(ValidationTest, DirectionOverridesAndMarksInsideTextAreRefused) {
  json body = {{"full_name", "Rahim \u202eniddU"},
               {"email", "a@example.com"},
               {"city", "Dha\ufeffka"},
               {"district", "\u2066Sylhet\u2069"}};
  EXPECT_FALSE(parse_trainee(body, api_, false, errors_));
  EXPECT_EQ(pointers(), (std::set<std::string>{"/full_name", "/city", "/district"}));
  for (const auto& e : errors_) EXPECT_EQ(e.code, http::FieldCode::kInvalidText) << e.pointer;
  errors_.clear();
  body = {{"full_name", "\ufeffনুসরাত জাহান\ufeff"}, {"email", "a@example.com"}};
  const auto input = parse_trainee(body, api_, false, errors_);
  ASSERT_TRUE(input) << errors_.size();
  EXPECT_EQ(input->personal.full_name, "নুসরাত জাহান");
}

// An address, not text around one: each of these would otherwise be another
// trainee's email to the duplicate checks.
TEST(Email, TextAroundAnAddressIsNotOne) {
  for (const char* valid : {"angle@example.com", "o'brien+cohort@example.co.jp",
                            "ইমেইল@উদাহরণ.বাংলা", "yamada@トヨダ.jp", "a_b@x-y.example"}) {
    EXPECT_TRUE(valid_email(valid)) << valid;
  }
  for (const char* invalid :
       {"<angle@example.com>", "angle@example.com,", "angle@example.com;",
        "mailto:angle@example.com", "angle@example.com'", "\"angle\"@example.com", "a@b",
        "a@.example.com", "a@example..com", "a@example.com.", "angle@exa(mple).com",
        "a b@example.com", "a@b@example.com"}) {
    EXPECT_FALSE(valid_email(invalid)) << invalid;
  }
  // In full-width forms too: the email key reads them as ASCII (a probe got
  // each past as another trainee than angle@example.com).
  for (const char* invalid : {"\uFF1Cangle@example.com\uFF1E", "mailto\uFF1Aangle@example.com",
                              "angle@example.com\uFF1B", "angle@example.com\uFF0C",
                              "\uFF08angle@example.com\uFF09", "\uFF41ngle\uFF20example.com@b.jp",
                              "angle@example\u3002\u3002com", "angle@example.com\uFF0E"}) {
    EXPECT_FALSE(valid_email(invalid)) << invalid;
  }
  EXPECT_TRUE(valid_email("\uFF41\uFF4E\uFF47\uFF4C\uFF45@example.com"));  // ａｎｇｌｅ@
  EXPECT_TRUE(valid_email("angle@mail.example\u3002com"));                 // 。 as a dot
  EXPECT_EQ(domain::fold_width("\uFF32\uFF41\uFF48\uFF49\uFF4D\uFF20\u30C6\u3002\uFF4A\uFF50"),
            "Rahim@\u30C6.jp");
}

// Invisible characters make an address that looks like another and is not
// (a probe: rahim<U+200B>14@ beside rahim14@ was neither refused nor flagged).
TEST(Email, InvisibleCharactersAreNotPartOfAnAddress) {
  for (const char* invisible :
       {"rahim\u200B14@example.com", "ra\u00ADhim@example.com", "rahim\u200D@example.com",
        "rahim@exa\u2060mple.com", "rahim\uFE0F@example.com", "rahim\U000E0041@example.com",
        "rahim\uFFF9x\uFFFB@example.com"}) {
    EXPECT_FALSE(valid_email(invisible)) << invisible;
  }
  EXPECT_TRUE(valid_email("rahim14@example.com"));
  EXPECT_TRUE(valid_email("\u30E9\u30D2\u30E0@example.jp"));  // ラヒム: visible, kept
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

// The code and parameters a client translates, by pointer.
const http::FieldError* error_at(const std::vector<http::FieldError>& errors,
                                 const std::string& pointer) {
  for (const auto& e : errors) {
    if (e.pointer == pointer) return &e;
  }
  return nullptr;
}

template <typename T>
const T* param(const http::FieldError& e, const std::string& name) {
  for (const auto& [n, v] : e.params) {
    if (n == name) return std::get_if<T>(&v);
  }
  return nullptr;
}

TEST_F(ValidationTest, EachFieldErrorCarriesAStableCodeAndItsParameters) {
  const json body = {{"full_name", std::string(201, 'x')},
                     {"email", "not-an-email"},
                     {"phone", "   "},
                     {"timezone", 7},
                     {"skills", {{{"skill", "Pytorc"}, {"level", 9}}}},
                     {"languages", {{"japanese", "N6"}}},
                     {"hours_per_week", "forty"},
                     {"available_from", "2026-02-30"},
                     {"consent", {{"matching", "yes"}, {"share_with_firms_abroad", true}}},
                     {"alias", "KH-FORGED"}};
  EXPECT_FALSE(parse_trainee(body, api_, false, errors_));
  using http::FieldCode;
  const auto* name = error_at(errors_, "/full_name");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->code, FieldCode::kTooLong);
  ASSERT_TRUE(param<long long>(*name, "max_length"));
  EXPECT_EQ(*param<long long>(*name, "max_length"), 200);

  ASSERT_TRUE(error_at(errors_, "/email"));
  EXPECT_EQ(error_at(errors_, "/email")->code, FieldCode::kInvalidFormat);
  EXPECT_EQ(*param<std::string>(*error_at(errors_, "/email"), "format"), "email");
  EXPECT_EQ(error_at(errors_, "/phone")->code, FieldCode::kBlank);
  EXPECT_EQ(error_at(errors_, "/timezone")->code, FieldCode::kWrongType);
  EXPECT_EQ(*param<std::string>(*error_at(errors_, "/timezone"), "expected"), "string");

  const auto* skill = error_at(errors_, "/skills/0/skill");
  ASSERT_TRUE(skill);
  EXPECT_EQ(skill->code, FieldCode::kUnknownSkill);
  EXPECT_EQ(*param<std::string>(*skill, "skill"), "Pytorc");
  const auto* closest = param<std::vector<std::string>>(*skill, "closest");
  ASSERT_TRUE(closest);
  EXPECT_NE(std::find(closest->begin(), closest->end(), "PyTorch"), closest->end());

  const auto* level = error_at(errors_, "/skills/0/level");
  ASSERT_TRUE(level);
  EXPECT_EQ(level->code, FieldCode::kOutOfRange);
  EXPECT_EQ(*param<long long>(*level, "min"), 1);
  EXPECT_EQ(*param<long long>(*level, "max"), 5);

  const auto* jlpt = error_at(errors_, "/languages/japanese");
  ASSERT_TRUE(jlpt);
  EXPECT_EQ(jlpt->code, FieldCode::kInvalidChoice);
  const auto* allowed = param<std::vector<std::string>>(*jlpt, "allowed");
  ASSERT_TRUE(allowed);
  EXPECT_EQ(*allowed, (std::vector<std::string>{"none", "N5", "N4", "N3", "N2", "N1"}));

  EXPECT_EQ(error_at(errors_, "/hours_per_week")->code, FieldCode::kWrongType);
  EXPECT_EQ(error_at(errors_, "/available_from")->code, FieldCode::kInvalidFormat);
  EXPECT_EQ(error_at(errors_, "/consent/matching")->code, FieldCode::kWrongType);
  EXPECT_EQ(error_at(errors_, "/alias")->code, FieldCode::kUnknownField);
}

// A whole number too long for 64 bits is out of range, as a smaller one past
// the limit is (JSON reads it as a double, or above 2^63 as unsigned); a
// fraction stays of the wrong type.
TEST_F(ValidationTest, AWholeNumberBeyond64BitsIsOutOfRange) {
  using http::FieldCode;
  for (const char* text :
       {"99999999999999999999", "18446744073709551615", "-99999999999999999999", "1e300", "81"}) {
    errors_.clear();
    const json body = {{"full_name", "Rahim Uddin"},
                       {"email", "r@example.com"},
                       {"hours_per_week", json::parse(text)}};
    EXPECT_FALSE(parse_trainee(body, api_, false, errors_)) << text;
    ASSERT_EQ(errors_.size(), 1U) << text;
    EXPECT_EQ(errors_[0].pointer, "/hours_per_week") << text;
    EXPECT_EQ(errors_[0].code, FieldCode::kOutOfRange) << text;
  }
  errors_.clear();
  EXPECT_FALSE(parse_trainee(
      {{"full_name", "Rahim Uddin"}, {"email", "r@example.com"}, {"hours_per_week", 40.5}}, api_,
      false, errors_));
  ASSERT_EQ(errors_.size(), 1U);
  EXPECT_EQ(errors_[0].code, FieldCode::kWrongType);
}

TEST_F(ValidationTest, MissingAndServerOwnedFieldsHaveTheirOwnCodes) {
  const json body = {{"consent",
                      {{"matching", true},
                       {"share_with_firms_abroad", true},
                       {"recorded_at", "2020-01-01T00:00:00Z"}}},
                     {"status", "placed"}};
  EXPECT_FALSE(parse_trainee(body, api_, false, errors_));
  ASSERT_TRUE(error_at(errors_, "/full_name"));
  EXPECT_EQ(error_at(errors_, "/full_name")->code, http::FieldCode::kRequired);
  EXPECT_TRUE(error_at(errors_, "/full_name")->params.empty());
  EXPECT_EQ(error_at(errors_, "/consent/recorded_at")->code, http::FieldCode::kReadOnly);
  EXPECT_EQ(error_at(errors_, "/status")->code, http::FieldCode::kInvalidState);
}

TEST_F(ValidationTest, AProjectBudgetWithMinAboveMaxIsACombinationError) {
  const json body = {{"title", "t"},
                     {"headcount", 1},
                     {"start_date", "2027-01-01"},
                     {"duration_months", 6},
                     {"skills", json::array({{{"skill", "Python"}, {"min_level", 1}},
                                             {{"skill", "py"}, {"min_level", 2}}})},
                     {"budget_monthly", {{"min", 9}, {"max", 1}, {"currency", "JPY"}}}};
  EXPECT_FALSE(parse_project(body, api_, false, nullptr, errors_));
  ASSERT_TRUE(error_at(errors_, "/budget_monthly/min"));
  EXPECT_EQ(error_at(errors_, "/budget_monthly/min")->code, http::FieldCode::kInvalidCombination);
  ASSERT_TRUE(error_at(errors_, "/skills/1/skill"));  // "py" is Python again
  EXPECT_EQ(error_at(errors_, "/skills/1/skill")->code, http::FieldCode::kDuplicate);
}

// Hard minimums above the wishes they bound are contradictions, as a budget
// min above its max is; given alone, a minimum stands.
TEST_F(ValidationTest, AProjectsMinimumsMayNotExceedItsWishes) {
  json body = {{"title", "t"},
               {"headcount", 1},
               {"start_date", "2027-01-01"},
               {"duration_months", 6},
               {"skills", json::array({{{"skill", "Python"}, {"min_level", 1}}})},
               {"hours_per_week", 20},
               {"min_hours_per_week", 30},
               {"overlap_hours_jst", 2},
               {"min_overlap_hours_jst", 4}};
  EXPECT_FALSE(parse_project(body, api_, false, nullptr, errors_));
  ASSERT_TRUE(error_at(errors_, "/min_hours_per_week"));
  EXPECT_EQ(error_at(errors_, "/min_hours_per_week")->code, http::FieldCode::kInvalidCombination);
  ASSERT_TRUE(error_at(errors_, "/min_overlap_hours_jst"));
  EXPECT_EQ(error_at(errors_, "/min_overlap_hours_jst")->code,
            http::FieldCode::kInvalidCombination);
  errors_.clear();
  body.erase("hours_per_week");
  body.erase("overlap_hours_jst");
  EXPECT_TRUE(parse_project(body, api_, false, nullptr, errors_)) << errors_.size();
}

// RFC 6901: a member name holding "/" or "~" is one reference token, escaped.
TEST_F(ValidationTest, PointersEscapeSlashAndTildeInMemberNames) {
  const json body = {{"a/b", 1}, {"c~d", 2}, {"~1", 3}};
  Validator v(body, "", errors_);
  v.only({});
  EXPECT_EQ(pointers(), (std::set<std::string>{"/a~1b", "/c~0d", "/~01"}));
  errors_.clear();
  EXPECT_FALSE(parse_trainee({{"full_name", "x"}, {"email", "a@example.com"}, {"x/y", 1}}, api_,
                             false, errors_));
  EXPECT_EQ(pointers(), std::set<std::string>{"/x~1y"});
  errors_.clear();
  EXPECT_FALSE(parse_trainee({{"full_name", "x"}, {"email", "a@example.com"}, {"x/y", 1}}, api_,
                             true, errors_));
  EXPECT_TRUE(pointers().count("/x~1y"));
  errors_.clear();
  EXPECT_FALSE(parse_project({{"title", "t"},
                              {"headcount", 1},
                              {"start_date", "2027-01-01"},
                              {"duration_months", 6},
                              {"~", 1}},
                             api_, false, nullptr, errors_));
  EXPECT_EQ(pointers(), std::set<std::string>{"/~0"});
  EXPECT_EQ(http::pointer_to("/consent", "a/b~"), "/consent/a~1b~0");
}

// A merge patch answers for the members it changes and for rules that name
// one of them with another; every member it leaves unchanged (not named, or
// named with its stored value) keeps its stored value, if it can be kept
// alone, and its errors go.
TEST(ErrorsOfPatch, ThePatchAnswersForWhatItChanges) {
  using http::FieldCode;
  const json before = {{"phone", "8.80171E+12"},
                       {"city", "Dh\uFFFDka"},
                       {"hours", 40},
                       {"min_hours", 20},
                       {"consent", {{"matching", true}}},
                       {"roles", json::array()},
                       {"name", " Aoi "}};
  json after = before;
  after.merge_patch({{"consent", {{"matching", false}}},
                     {"hours", 10},
                     {"name", " Aoi "},  // as a form sends it back: unchanged
                     {"a/b", 1}});
  std::vector<http::FieldError> found = {
      {"/phone", FieldCode::kInvalidFormat, "stored, unchanged"},
      {"/consent/matching", FieldCode::kWrongType, "changed, nested"},
      {"/min_hours", FieldCode::kInvalidCombination, "with a changed member", {{"with", "/hours"}}},
      {"/city", FieldCode::kInvalidCombination, "with an unchanged one", {{"with", "/phone"}}},
      {"/roles", FieldCode::kUnknownField, "not kept alone"},
      {"/name", FieldCode::kInvalidText, "named with its stored value"},
      {"", FieldCode::kWrongType, "the document itself"},
      {"/a~1b", FieldCode::kUnknownField, "an escaped name"}};
  std::set<std::string> kept;
  auto answered = errors_of_patch(before, after, found, [&](std::string_view member) {
    if (member == "roles") return false;
    kept.emplace(member);
    return true;
  });
  std::vector<std::string> pointers;
  for (const auto& e : answered) pointers.push_back(e.pointer);
  EXPECT_EQ(pointers,
            (std::vector<std::string>{"/consent/matching", "/min_hours", "/roles", "", "/a~1b"}));
  EXPECT_EQ(kept, (std::set<std::string>{"phone", "city", "min_hours", "name"}));
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

// Dates as a coordinator's Excel writes them: read the ways they can be
// meant, so the message can say which date to type.
TEST(SpreadsheetDates, ExcelSerialsAndOtherOrdersAreReadAsTheirDates) {
  using Readings = std::vector<std::string>;
  const auto excel = spreadsheet_date("45383");
  ASSERT_TRUE(excel);
  EXPECT_EQ(excel->seen, "excel_serial");
  EXPECT_EQ(excel->readings, Readings{"2024-04-01"});
  EXPECT_EQ(spreadsheet_date("61000")->readings, Readings{"2067-01-03"});
  EXPECT_EQ(spreadsheet_date("2027/4/1")->readings, Readings{"2027-04-01"});
  EXPECT_EQ(spreadsheet_date("2027.04.01")->seen, "other_order");
  EXPECT_EQ(spreadsheet_date("01/04/2027")->readings, (Readings{"2027-04-01", "2027-01-04"}));
  EXPECT_EQ(spreadsheet_date("25-12-2027")->readings, Readings{"2027-12-25"});
  EXPECT_EQ(spreadsheet_date("12/25/2027")->readings, Readings{"2027-12-25"});
  EXPECT_EQ(spreadsheet_date("4/4/2027")->readings, Readings{"2027-04-04"});  // one date
  // Excel's date and time, a serial with its time of day.
  EXPECT_EQ(spreadsheet_date("4/1/2027 0:00")->readings, (Readings{"2027-01-04", "2027-04-01"}));
  EXPECT_EQ(spreadsheet_date("01/04/2027 09:30:00")->readings,
            (Readings{"2027-04-01", "2027-01-04"}));
  EXPECT_EQ(spreadsheet_date("2027-04-01 00:00")->readings, Readings{"2027-04-01"});
  EXPECT_EQ(spreadsheet_date("45383.5")->readings, Readings{"2024-04-01"});
  EXPECT_EQ(spreadsheet_date("45383.5")->seen, "excel_serial");
  // No real date in it: no reading to offer (the plain message).
  for (const char* not_one : {"31/31/2027",
                              "29/02/2027",
                              "2027-02-30",
                              "2027/13/01",
                              "2027",
                              "450000",
                              "1/2/3",
                              "2027/04",
                              "a/b/2027",
                              "2027//01",
                              "01/04/27",
                              "1/2/3/2027",
                              "",
                              "-",
                              "2027-04-01x",
                              "00000",
                              "00060",
                              "45383.",
                              "45383.5x",
                              "4/1/2027 0:0",
                              "4/1/2027 :00",
                              "4/1/2027 00:00:0",
                              "4/1/2027 x",
                              "4/1/2027 123:00",
                              " 4/1/2027"}) {
    EXPECT_FALSE(spreadsheet_date(not_one)) << not_one;
  }
}

// A working time a spreadsheet or a keyboard wrote its own way is named with
// the HH:MM it reads as (a coordinator's "6:00 PM" was "at most 5 characters").
TEST_F(ValidationTest, ATimeWrittenAnotherWaySaysWhatItReadsAs) {
  for (const auto& [text, seen, reading] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"6:00 PM", "12_hour", "18:00"},
           {"6 pm", "12_hour", "18:00"},
           {"12:30 a.m.", "12_hour", "00:30"},
           {"12 PM", "12_hour", "12:00"},
           {"18:00:00", "seconds", "18:00"},
           {"9:00", "one_digit_hour", "09:00"},
           {"0.75", "excel_serial", "18:00"},
           {"\uff11\uff18\uff1a\uff10\uff10", "other_digits", "18:00"},
           {"\u09e7\u09ee:\u09e6\u09e6", "other_digits", "18:00"}}) {
    SCOPED_TRACE(text);
    const auto read = spreadsheet_time(text);
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->seen, seen);
    EXPECT_EQ(read->reading, reading);
  }
  for (const std::string text : {"25:00", "6:70 PM", "13 PM", "0 AM", "noon", "18", "1.5", ""}) {
    EXPECT_FALSE(spreadsheet_time(text).has_value()) << text;
  }
  json body = {{"full_name", "Nusrat Jahan"},
               {"email", "nusrat@example.com"},
               {"working_hours", {{"start", "9:00 AM"}, {"end", "6:00 PM"}}}};
  parse_trainee(body, api_, false, errors_);
  ASSERT_EQ(errors_.size(), 2U);
  EXPECT_EQ(errors_[0].pointer, "/working_hours/start");
  EXPECT_EQ(errors_[1].pointer, "/working_hours/end");
  EXPECT_EQ(errors_[1].message,
            "must be a local time HH:MM in 24 hours and the digits 0-9: 6:00 PM is 18:00");
  ASSERT_EQ(errors_[1].params.size(), 3U);
  EXPECT_EQ(std::get<std::string>(errors_[1].params[1].second), "12_hour");
  errors_.clear();
  body["working_hours"] = {{"start", "nine"}, {"end", "18:00"}};
  parse_trainee(body, api_, false, errors_);
  ASSERT_EQ(errors_.size(), 1U);
  EXPECT_EQ(errors_[0].message, "must be a local time HH:MM such as 09:00");
  EXPECT_EQ(errors_[0].params.size(), 1U);
}

TEST_F(ValidationTest, ADateExcelRewroteSaysWhatItCanMean) {
  json body = {{"full_name", "Nusrat Jahan"},
               {"email", "nusrat@example.com"},
               {"available_from", "01/04/2027"}};
  parse_trainee(body, api_, false, errors_);
  ASSERT_EQ(errors_.size(), 1U);
  EXPECT_EQ(errors_[0].pointer, "/available_from");
  EXPECT_EQ(errors_[0].message,
            "must be written YYYY-MM-DD: 01/04/2027 is 2027-04-01 or 2027-01-04");
  ASSERT_EQ(errors_[0].params.size(), 3U);
  EXPECT_EQ(std::get<std::string>(errors_[0].params[1].second), "other_order");
  errors_.clear();
  body["available_from"] = "46478";
  parse_trainee(body, api_, false, errors_);
  ASSERT_EQ(errors_.size(), 1U);
  EXPECT_EQ(errors_[0].message,
            "must be a date as YYYY-MM-DD; 46478 is how Excel stores a date as a number "
            "(2027-04-01): format the column as Text and type the dates as YYYY-MM-DD");
  errors_.clear();
  body["available_from"] = "2027-02-30";
  parse_trainee(body, api_, false, errors_);
  ASSERT_EQ(errors_.size(), 1U);
  EXPECT_EQ(errors_[0].message, "must be a real date, YYYY-MM-DD, from 1900-01-01 on");
  EXPECT_EQ(errors_[0].params.size(), 1U);
  // Typed with a Bengali keyboard or a Japanese IME: what it is in 0-9.
  for (const auto& [text, seen, reading] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"\u09e8\u09e6\u09e8\u09ed-\u09e6\u09e7-\u09e7\u09eb", "other_digits", "2027-01-15"},
           {"\uff12\uff10\uff12\uff17\uff0d\uff10\uff11\uff0d\uff11\uff15", "other_digits",
            "2027-01-15"},
           {"\uff12\uff10\uff12\uff17/4/1", "other_order", "2027-04-01"}}) {
    errors_.clear();
    body["available_from"] = text;
    parse_trainee(body, api_, false, errors_);
    ASSERT_EQ(errors_.size(), 1U) << text;
    ASSERT_EQ(errors_[0].params.size(), 3U) << text;
    EXPECT_EQ(std::get<std::string>(errors_[0].params[1].second), seen) << text;
    EXPECT_EQ(std::get<std::vector<std::string>>(errors_[0].params[2].second),
              std::vector<std::string>{reading})
        << text;
  }
  EXPECT_EQ(errors_[0].message,
            "must be written YYYY-MM-DD: \uff12\uff10\uff12\uff17/4/1 is 2027-04-01");
  errors_.clear();
  body["available_from"] = "\u09e8\u09e6\u09e8\u09ed-\u09e6\u09e8-\u09e9\u09e6";  // 2027-02-30
  parse_trainee(body, api_, false, errors_);
  ASSERT_EQ(errors_.size(), 1U);
  EXPECT_EQ(errors_[0].params.size(), 1U) << "no real date: the plain message";
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
