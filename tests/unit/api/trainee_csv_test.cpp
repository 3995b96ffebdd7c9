// An import's CSV record read straight from its fields (CsvTraineeReader's
// quick reading) must give exactly what a single create's validation gives
// for the record's document, and must never accept a record that validation
// refuses: compared over many records mixing valid and invalid fields.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/trainee_csv.hpp"
#include "support/trainee_input_text.hpp"
#include "util/cpu_pool.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

using kakehashi::trainee_text::describe;
using kakehashi::trainee_text::kAllCsvColumns;

class TraineeCsvTest : public ::testing::Test {
 protected:
  TraineeCsvTest() {
    api_.taxonomy.load({{1, "Python", "language", {"py"}, {}, 1},
                        {2, "PyTorch", "ml", {"torch"}, {{3, 0.7}}, 1},
                        {3, "TensorFlow", "ml", {}, {{2, 0.7}}, 1},
                        {4, "C++", "language", {"cpp"}, {}, 1}});
    api_.timezones.insert("Asia/Dhaka");
    api_.timezones.insert("Asia/Tokyo");
  }
  // The quick reading agrees with validation of the document; true if it
  // read the record.
  bool agrees(const std::vector<std::string>& header, const std::vector<std::string>& row) {
    const CsvTraineeReader reader(header, api_);
    std::vector<http::FieldError> errors;
    const auto slow = parse_trainee(csv_document(header, row), api_, false, errors);
    const auto quick = reader.quick(row);
    std::string shown;
    for (const auto& f : row) shown += "[" + f + "]";
    if (quick) {
      EXPECT_TRUE(slow) << "the quick reading took a record validation refuses: " << shown
                        << (errors.empty() ? "" : " first error at " + errors.front().pointer);
      if (slow) {
        EXPECT_EQ(describe(*quick), describe(*slow)) << shown;
      }
    }
    // read() answers as validation does, quick or not.
    std::vector<http::FieldError> read_errors;
    const auto read = reader.read(row, read_errors);
    EXPECT_EQ(read.has_value(), slow.has_value()) << shown;
    if (read && slow) {
      EXPECT_EQ(describe(*read), describe(*slow)) << shown;
    }
    EXPECT_EQ(read_errors.size(), errors.size()) << shown;
    for (std::size_t i = 0; i < std::min(read_errors.size(), errors.size()); ++i) {
      EXPECT_EQ(http::field_error_json(read_errors[i]).dump(),
                http::field_error_json(errors[i]).dump())
          << shown;
    }
    return quick.has_value();
  }
  store::Database db_{store::DatabaseOptions{.url = "host=/nonexistent", .pool_size = 1}};
  util::CpuPool cpu_{1};
  ApiContext api_{db_, cpu_, {}, {}};
};

TEST_F(TraineeCsvTest, TheBenchmarksRowIsReadQuicklyAsValidationReadsIt) {
  const std::vector<std::string> header = {"full_name",
                                           "email",
                                           "country",
                                           "city",
                                           "timezone",
                                           "program",
                                           "skills",
                                           "japanese",
                                           "english",
                                           "available_from",
                                           "hours_per_week",
                                           "rate_amount",
                                           "rate_currency",
                                           "domains",
                                           "engagement",
                                           "consent_matching",
                                           "consent_share_abroad"};
  const std::vector<std::string> row = {"Trainee 1",
                                        "trainee1@example.com",
                                        "BD",
                                        "Dhaka",
                                        "Asia/Dhaka",
                                        "Cohort 2026, batch 1",
                                        "python:3:2.5;torch:4:0.1;c++:1:6",
                                        "N3",
                                        "B2",
                                        "2027-03-14",
                                        "40",
                                        "1200",
                                        "USD",
                                        "manufacturing;automotive",
                                        "offshore",
                                        "true",
                                        "yes"};
  EXPECT_TRUE(agrees(header, row));
}

TEST_F(TraineeCsvTest, JapaneseAndBengaliTextAtItsLimitsInCharacters) {
  const std::vector<std::string> header = {"full_name", "email", "city", "program", "district"};
  const std::string ja = "ヌスラト・ジャハン";  // 9 characters, 27 bytes
  std::string long_name;
  while (long_name.size() < 200 * 3) long_name += "あ";  // 200 characters
  std::string bn_program;
  for (int i = 0; i < 40; ++i) bn_program += "ঢাকা ";  // 5 characters each
  EXPECT_TRUE(agrees(header, {ja, "nusrat@example.com", "ঢাকা", bn_program, "চট্টগ্রাম"}));
  EXPECT_TRUE(agrees(header, {long_name, "a@example.com", "", "", ""}));
  EXPECT_FALSE(agrees(header, {long_name + "あ", "a@example.com", "", "", ""}));  // 201
  EXPECT_FALSE(agrees(header, {"  ", "a@example.com", "", "", ""}));              // blank
  EXPECT_FALSE(agrees(header, {std::string("a\x01") + "b", "a@example.com", "", "", ""}));
}

// Records drawn from valid and invalid values of every column.
TEST_F(TraineeCsvTest, AgreesWithValidationOnManyRecords) {
  const std::vector<std::vector<std::string>> values = {
      /* full_name */ {"Trainee 1", " Rahim Uddin ", "ヌスラト", "রহিম", "", "  ", "a\tb",
                       std::string(201, 'x'), std::string(200, 'x'), "x\n y", "\u3000\u3000",
                       "\u3000山田\u3000花子\u3000", "\u200b", "\ufeffRahim", "Ra\ufeffhim",
                       "Rahim\u202eUddin", "?????", "Rahim ?ddin"},
      /* email */
      {"a@example.com", " A@Example.COM ", "bad", "a@b", "a b@example.com", "",
       "ইমেইল@উদাহরণ.বাংলা", "a@@example.com"},
      /* phone */
      {"", "+880 1711 000000", std::string(41, '1'), " ", "০১৭১১", "1712345678", "01712345678",
       "8801712345678", "1212345678", "171234567", "8.80171E+12",
       "\uff11\uff17\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18"},
      /* gender */ {"", "female", "male", "other", "Female", " male"},
      /* district */ {"", "Dhaka", "ঢাকা", std::string(101, 'd')},
      /* country */ {"", "BD", "JP", "bd", "BDX", " JP ", "B", "日本", "XX", "EU"},
      /* city */ {"", "Dhaka", "東京", " ", "\u00a0", " 東京\u3000", "\u2066東京\u2069"},
      /* timezone */ {"", "Asia/Dhaka", "Asia/Tokyo", " Asia/Dhaka", "Mars/Base", "asia/dhaka"},
      /* program */ {"", "Cohort 2026, batch 3", "コース"},
      /* skills */
      {"",
       "python:3",
       "python:3:2.5",
       "python:3:2.5;torch:4",
       "Python:5:60",
       "python:6",
       "python:0",
       "python:3:61",
       "python:3:-1",
       "python:3:1e1",
       "python",
       "python:x",
       "python:3;py:2",
       "rust:3",
       "python:3:2:9",
       " python : 3 : 1.5 ",
       "python::3",
       "ＰｙＴｏｒｃｈ:2",
       "c++:1",
       ";;",
       "python:3;",
       ":3",
       "python:+3",
       "python:03",
       "python:3:.5",
       "python:3:5.",
       "python:3:-0"},
      /* japanese */ {"", "none", "N5", "N1", "n3", "N6", " N3"},
      /* english */ {"", "B2", "C2", "none", "b2", "D1"},
      /* available_from */
      {"", "2027-01-15", "2027-02-30", "2027-1-5", "1899-12-31", " 2027-01-15 ", "tomorrow"},
      /* hours_per_week */
      {"", "40", "0", "81", "80", "1", "4O", "40.0", "-5", " 40", "40\u3000",
       "99999999999999999999", "-99999999999999999999"},
      /* rate_amount */
      {"",
       "1200",
       "1200.50",
       "0",
       "-1",
       "1e3",
       "1000000001",
       "abc",
       "12.",
       "45,000",
       "4,50,000",
       "1,234,567.50",
       "12,34,567",
       "4,5",
       "45,00,0",
       ",450",
       "450,",
       "1,,000",
       "-1,000",
       "1,000,000,001",
       "45,000.",
       "1,00,00,000",
       " 1200 ",
       "\u00a045,000\u00a0",
       std::string(400, '9'),
       "0." + std::string(400, '0') + "1"},
      /* rate_currency */ {"", "USD", "BDT", "JPY", "usd", "XXX1", "EUR ", "ZZZ", "XTS"},
      /* domains */
      {"", "automotive", "manufacturing;automotive", "Automotive", "a;a", "a;b;c;d;e;f;g;h;i;j",
       "a;b;c;d;e;f;g;h;i;j;k", " ; ", "1abc"},
      /* engagement */
      {"", "offshore", "offshore;hybrid", "onsite_japan;offshore;hybrid", "remote",
       "offshore;offshore"},
      /* consent_matching */ {"", "true", "false", "TRUE", "yes", "No", "1", "0", "maybe"},
      /* consent_share_abroad */ {"", "true", "false", "Yes", "0", "2"},
      /* certifications */
      {"", "AWS SAA:2024", "JLPT N3", "AWS SAA:2024;CCNA:2023", "Old:1979", "Far:2101",
       "Name:", ":2024", "AWS: SAA:2024", " ; ", "日本語能力試験:2025", "x:20x4"},
      /* work_start */ {"", "08:00", "8:00", "24:00", "18:00", " 08:00", "0800", "08:00:00"},
      /* work_end */ {"", "17:00", "09:00", "23:59", "25:00", "5pm"},
      /* work_days */
      {"", "sun;mon;tue;wed;thu", "mon", "Mon", "mon;mon", "fri;sat;sun;mon;tue;wed;thu",
       "fri;sat;sun;mon;tue;wed;thu;fri", " ; ", "monday"}};
  ASSERT_EQ(values.size(), kAllCsvColumns.size());
  std::mt19937 rng(20261130);
  int quick = 0;
  constexpr int kRecords = 6000;
  for (int n = 0; n < kRecords; ++n) {
    std::vector<std::string> row;
    for (const auto& pool : values) {
      // Mostly the first valid value, so that some records are valid whole.
      std::uniform_int_distribution<std::size_t> any(0, pool.size() - 1);
      const bool plain = rng() % 8 != 0;
      row.push_back(plain ? pool[std::min<std::size_t>(1, pool.size() - 1)] : pool[any(rng)]);
    }
    if (agrees(kAllCsvColumns, row)) ++quick;
    if (HasFailure()) break;
  }
  // Both outcomes occur: the comparison is not empty on either side.
  EXPECT_GT(quick, kRecords / 100);
  EXPECT_LT(quick, kRecords);
}

// Probe F5: digits past 64 bits in a whole-number cell are out of range at
// their field, as in JSON, not "no number".
TEST_F(TraineeCsvTest, AWholeNumberCellTooLongForAnyTypeIsOutOfRange) {
  const std::vector<std::string> header = {"full_name", "email", "hours_per_week", "skills"};
  const CsvTraineeReader reader(header, api_);
  std::vector<http::FieldError> errors;
  const std::vector<std::string> row = {"Rahim Uddin", "r@example.com", "99999999999999999999",
                                        "python:99999999999999999999"};
  agrees(header, row);
  EXPECT_FALSE(reader.read(row, errors));
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(errors[0].pointer, "/skills/0/level");
  EXPECT_EQ(errors[0].code, http::FieldCode::kOutOfRange);
  EXPECT_EQ(errors[1].pointer, "/hours_per_week");
  EXPECT_EQ(errors[1].code, http::FieldCode::kOutOfRange);
}

TEST_F(TraineeCsvTest, ARecordWithTheWrongNumberOfFieldsIsNeverReadQuickly) {
  const std::vector<std::string> header = {"full_name", "email"};
  const CsvTraineeReader reader(header, api_);
  EXPECT_FALSE(reader.quick({"A"}));
  EXPECT_FALSE(reader.quick({"A", "a@example.com", "x"}));
  EXPECT_TRUE(reader.quick({"A", "a@example.com"}));
}

TEST_F(TraineeCsvTest, AColumnTheQuickReadingDoesNotKnowSendsEveryRecordToValidation) {
  const std::vector<std::string> header = {"full_name", "email", "nickname"};
  const CsvTraineeReader reader(header, api_);
  EXPECT_FALSE(reader.quick({"A", "a@example.com", ""}));
  std::vector<http::FieldError> errors;
  EXPECT_TRUE(reader.read({"A", "a@example.com", ""}, errors));  // an empty field is absent
  EXPECT_FALSE(reader.read({"A", "a@example.com", "x"}, errors));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].pointer, "/nickname");
}

// What a coordinator's spreadsheet holds: amounts grouped as Excel shows
// them (by thousands, or by lakhs as taka are written), the trainee's own
// working week; and what Excel did to a file, named at its field: a mobile
// number without its leading 0, a name whose letters became "?".
TEST_F(TraineeCsvTest, WhatASpreadsheetWritesIsReadOrNamedAtItsField) {
  const std::vector<std::string> header = {"full_name",     "email",      "phone",    "rate_amount",
                                           "rate_currency", "work_start", "work_end", "work_days"};
  const CsvTraineeReader reader(header, api_);
  const auto read = [&](std::vector<std::string> row, std::vector<http::FieldError>& errors) {
    agrees(header, row);
    return reader.read(row, errors);
  };
  std::vector<http::FieldError> errors;
  const std::vector<std::string> good = {
      "Rahim Uddin", "r@example.com", "01712345678", "4,50,000",
      "BDT",         "08:00",         "17:00",       "sun;mon;tue;wed;thu"};
  EXPECT_TRUE(reader.quick(good)) << "a grouped amount and the working week stay on the quick path";
  const auto in = read(good, errors);
  ASSERT_TRUE(in) << (errors.empty() ? "" : errors.front().pointer);
  ASSERT_TRUE(in->profile.expected_monthly_rate);
  EXPECT_EQ(in->profile.expected_monthly_rate->amount, 450000);
  EXPECT_EQ(in->profile.work_start, "08:00");
  EXPECT_EQ(in->profile.work_end, "17:00");
  EXPECT_EQ(in->profile.work_days, (std::vector<std::string>{"sun", "mon", "tue", "wed", "thu"}));
  for (const auto& [text, amount] : std::vector<std::pair<std::string, double>>{
           {"45,000", 45000}, {"1,234,567.50", 1234567.5}, {"1,00,00,000", 10000000}}) {
    auto row = good;
    row[3] = text;
    const auto grouped = read(row, errors);
    ASSERT_TRUE(grouped) << text;
    EXPECT_EQ(grouped->profile.expected_monthly_rate->amount, amount) << text;
  }
  for (const std::string text :
       {"4,5", "45,00,0", ",450", "1,,000", "450,", "00,045", "0,45,000"}) {
    auto row = good;
    row[3] = text;
    errors.clear();
    EXPECT_FALSE(read(row, errors)) << text;
    ASSERT_EQ(errors.size(), 1U) << text;
    EXPECT_EQ(errors[0].pointer, "/expected_monthly_rate/amount") << text;
  }
  const auto refused = [&](std::size_t column, const std::string& text) {
    auto row = good;
    row[column] = text;
    errors.clear();
    EXPECT_FALSE(read(row, errors)) << text;
    return errors.size() == 1 ? http::field_error_json(errors[0]) : nlohmann::json();
  };
  // A cell's padding goes, as it does from text fields; a number too long
  // for any type is out of range, not "no number" (probes F2 and F5).
  for (const std::string text : {" 45,000 ", "\u00a045000\u3000", "\t45000"}) {
    auto row = good;
    row[3] = text;
    errors.clear();
    const auto padded = read(row, errors);
    ASSERT_TRUE(padded) << text << (errors.empty() ? "" : " " + errors.front().pointer);
    EXPECT_EQ(padded->profile.expected_monthly_rate->amount, 45000) << text;
  }
  const auto huge = refused(3, std::string(400, '9'));
  EXPECT_EQ(huge["pointer"], "/expected_monthly_rate/amount");
  EXPECT_EQ(huge["code"], "out_of_range");
  const auto tiny = refused(3, "0." + std::string(400, '0') + "1");
  EXPECT_EQ(tiny["code"], "wrong_type") << "never read as 0";
  const auto phone = refused(2, "1712345678");
  EXPECT_EQ(phone["pointer"], "/phone");
  EXPECT_EQ(phone["code"], "invalid_format");
  EXPECT_EQ(phone["params"]["seen"], "leading_zero_lost");
  const auto wide = refused(2, "\uff11\uff17\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18");
  EXPECT_EQ(wide["params"]["seen"], "leading_zero_lost") << "full-width digits (F6)";
  const auto name = refused(0, "????? ?????");
  EXPECT_EQ(name["pointer"], "/full_name");
  EXPECT_EQ(name["code"], "invalid_text");
  EXPECT_EQ(name["params"]["reason"], "question_marks");
  EXPECT_EQ(refused(7, "sun;sunday")["pointer"], "/working_hours/days/1");
  EXPECT_EQ(refused(5, "17:00")["pointer"], "/working_hours/end") << "start and end the same";
}

}  // namespace
}  // namespace kakehashi::api
