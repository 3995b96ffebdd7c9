// Money, working time and Japanese over HTTP (issue 16): exchange rates as
// data that an administrator changes and every explanation follows, a
// currency without a rate named, the cost model, the JST overlap across a DST
// change, and the overlap and hours constraints with their reason codes.
#include <algorithm>
#include <cmath>
#include <set>

#include "api_fixture.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;

class MoneyTimeTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::tie(school_, school_key_) = organization("Dhaka Rate School", "training_provider");
    std::tie(firm_, firm_key_) = organization("Nagoya Rate Works", "firm");
  }

  std::string create_trainee(json body) {
    auto r = call("POST", "/v1/trainees", school_key_, body);
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  std::string open_project(json extra) {
    json body = {{"title", "Inspection model upkeep"},
                 {"skills", {{{"skill", "PyTorch"}, {"min_level", 3}}}},
                 {"headcount", 1},
                 {"start_date", "2027-01-04"},
                 {"duration_months", 2},
                 {"budget_monthly", {{"min", 300000}, {"max", 600000}, {"currency", "JPY"}}},
                 {"status", "open"}};
    if (extra.is_object()) body.update(extra);
    auto r = call("POST", "/v1/projects", firm_key_, body);
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  json explain(const std::string& project, const std::string& trainee) {
    auto r = call("GET", "/v1/projects/" + project + "/candidates/" + trainee, firm_key_);
    EXPECT_EQ(r.status(), 200) << r.http.body;
    return r.body;
  }

  static json component(const json& ex, const std::string& name) {
    for (const auto& c : ex["components"]) {
      if (c["name"] == name) return c;
    }
    return nullptr;
  }

  static std::vector<std::string> codes(const json& ex) {
    std::vector<std::string> out;
    for (const auto& r : ex["failed_constraints"]) out.push_back(r["code"]);
    return out;
  }

  std::string school_, school_key_, firm_, firm_key_;
};

TEST_F(MoneyTimeTest, ARateChangedByAnAdministratorChangesTheRateComponentAndIsNamed) {
  auto t = trainee("rate@example.org");
  t["expected_monthly_rate"] = {{"amount", 120000}, {"currency", "BDT"}};  // 1000 USD at 120
  const auto trainee_id = create_trainee(t);
  // Budget 300k-600k JPY = 2000-4000 USD at 150; the bill rate 2000 USD (x2.0).
  const auto project = open_project({});
  auto before = explain(project, trainee_id);
  EXPECT_DOUBLE_EQ(component(before, "rate")["value"].get<double>(), 1.0) << before.dump();
  EXPECT_EQ(before["rate_evidence"]["note"], "bill_rate_within_budget");
  EXPECT_EQ(before["rate_evidence"]["bill_rate"]["in_viewer_currency"]["currency"], "JPY");
  EXPECT_EQ(before["rate_evidence"]["bill_rate"]["in_viewer_currency"]["amount"], 300000);

  // Only administrators record rates; an unknown code is refused.
  expect_problem(call("PUT", "/v1/exchange-rates/BDT", firm_key_, {{"per_usd", 60}}), 403);
  auto bad = call("PUT", "/v1/exchange-rates/ABC", admin_, {{"per_usd", -1}});
  expect_problem(bad, 422);
  EXPECT_EQ(bad.body["errors"].size(), 2U) << bad.http.body;
  expect_problem(call("PUT", "/v1/exchange-rates/JPY", admin_,
                      {{"per_usd", 150}, {"valid_from", "2999-01-01"}}),
                 422);

  // 48 taka a dollar from 1 November: the bill rate becomes 2500 USD x 2 =
  // 5000 USD, a quarter over the 4000 USD maximum.
  auto put = call("PUT", "/v1/exchange-rates/BDT", admin_,
                  {{"per_usd", 48}, {"valid_from", "2026-11-01"}});
  ASSERT_EQ(put.status(), 200) << put.http.body;
  EXPECT_EQ(put.body["valid_from"], "2026-11-01");
  auto after = explain(project, trainee_id);
  EXPECT_DOUBLE_EQ(component(after, "rate")["value"].get<double>(), 0.5) << after.dump();
  EXPECT_EQ(after["rate_evidence"]["note"], "bill_rate_above_budget_maximum");
  const auto& rates = after["rate_evidence"]["rates"];
  const auto bdt = std::find_if(rates.begin(), rates.end(),
                                [](const json& r) { return r["currency"] == "BDT"; });
  ASSERT_NE(bdt, rates.end()) << after.dump();
  EXPECT_DOUBLE_EQ((*bdt)["per_usd"].get<double>(), 48.0);
  EXPECT_EQ((*bdt)["valid_from"], "2026-11-01");

  // The list shows both rows, the new one in force.
  auto list = call("GET", "/v1/exchange-rates", school_key_);
  ASSERT_EQ(list.status(), 200) << list.http.body;
  int bdt_rows = 0;
  for (const auto& r : list.body["items"]) {
    if (r["currency"] != "BDT") continue;
    ++bdt_rows;
    EXPECT_EQ(r["in_force"].get<bool>(), r["valid_from"] == "2026-11-01") << r.dump();
  }
  EXPECT_EQ(bdt_rows, 2);
}

TEST_F(MoneyTimeTest, ACurrencyWithoutARateIsNamedNotSilentlyScored) {
  auto t = trainee("xaf@example.org");
  t["expected_monthly_rate"] = {{"amount", 500000}, {"currency", "XAF"}};  // ISO 4217, no rate
  const auto trainee_id = create_trainee(t);
  auto bad = trainee("bad@example.org");
  bad["expected_monthly_rate"] = {{"amount", 5}, {"currency", "ABC"}};
  expect_problem(call("POST", "/v1/trainees", school_key_, bad), 422);
  // ISO 4217 but not money (testing, no currency, a fund), and tzdata names
  // that are not places: refused, each at its field (a probe stored them).
  bad["expected_monthly_rate"]["currency"] = "XTS";
  bad["timezone"] = "Factory";
  auto both = call("POST", "/v1/trainees", school_key_, bad);
  expect_problem(both, 422);
  std::set<std::string> at;
  for (const auto& e : both.body["errors"]) at.insert(e["pointer"].get<std::string>());
  EXPECT_TRUE(at.count("/expected_monthly_rate/currency")) << both.http.body;
  EXPECT_TRUE(at.count("/timezone")) << both.http.body;
  expect_problem(call("PUT", "/v1/exchange-rates/XXX", admin_, {{"per_usd", 1}}), 422);
  // An empty body says so.
  auto empty =
      request(service_->port(), "POST", "/v1/trainees", "",
              {{"Authorization", "Bearer " + school_key_}, {"Content-Type", "application/json"}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("the body is empty"), std::string::npos) << empty.body;
  const auto ex = explain(open_project({}), trainee_id);
  EXPECT_EQ(ex["rate_evidence"]["note"], "no_exchange_rate") << ex.dump();
  EXPECT_EQ(ex["rate_evidence"]["currencies_without_rate"], json::array({"XAF"}));
  EXPECT_TRUE(ex["rate_evidence"]["bill_rate"]["in_viewer_currency"].is_null());
}

TEST_F(MoneyTimeTest, TheCostModelTurnsSalaryIntoBillRate) {
  auto t = trainee("cost@example.org");
  t["expected_monthly_rate"] = {{"amount", 120000}, {"currency", "BDT"}};
  const auto trainee_id = create_trainee(t);
  const auto project = open_project({});
  // The school bills 1.2 x salary: 1200 USD, under the 2000 USD minimum.
  auto put = call("PUT", "/v1/organizations/" + school_ + "/pricing", school_key_,
                  {{"currency", "BDT"}, {"bill_rate_multiplier", 1.2}});
  ASSERT_EQ(put.status(), 200) << put.http.body;
  auto ex = explain(project, trainee_id);
  EXPECT_EQ(ex["rate_evidence"]["note"], "bill_rate_below_budget_minimum") << ex.dump();
  // The firm reads it to two significant figures: exact, it divided by the few
  // multipliers in use into one round salary (a probe named 74 of 90).
  EXPECT_DOUBLE_EQ(ex["rate_evidence"]["bill_rate"]["amount"].get<double>(), 140000);
  // The firm sees the bill rate, not the multiplier that gives the salary away;
  // the administrator (and the trainee's organization) see both.
  EXPECT_TRUE(ex["rate_evidence"]["multiplier"].is_null()) << ex.dump();
  auto as_admin = call("GET", "/v1/projects/" + project + "/candidates/" + trainee_id, admin_).body;
  EXPECT_DOUBLE_EQ(as_admin["rate_evidence"]["multiplier"].get<double>(), 1.2);
  EXPECT_DOUBLE_EQ(as_admin["rate_evidence"]["bill_rate"]["amount"].get<double>(), 144000);
  // Nor the salary's band: with the bill rate it gives the multiplier's range
  // (a probe told the organization, and so the salary, of 50 of 94 candidates).
  EXPECT_TRUE(ex["trainee"]["rate_band"].is_null()) << ex.dump();
  EXPECT_FALSE(as_admin["trainee"]["rate_band"].is_null()) << as_admin.dump();
  // A page of candidates the administrator read first is not served to the firm.
  const std::string page = "/v1/projects/" + project + "/candidates?limit=5";
  auto admin_page = call("GET", page, admin_);
  ASSERT_EQ(admin_page.status(), 200) << admin_page.http.body;
  ASSERT_FALSE(admin_page.body["items"].empty());
  EXPECT_FALSE(admin_page.body["items"][0]["rate_evidence"]["multiplier"].is_null());
  auto firm_page = call("GET", page, firm_key_);
  ASSERT_EQ(firm_page.status(), 200) << firm_page.http.body;
  ASSERT_FALSE(firm_page.body["items"].empty());
  for (const auto& item : firm_page.body["items"]) {
    EXPECT_TRUE(item["rate_evidence"]["multiplier"].is_null()) << item.dump();
    EXPECT_TRUE(item["trainee"]["rate_band"].is_null()) << item.dump();
  }
  // The rate component is scored on the rate the firm reads (140,000 BDT =
  // 1,166.67 USD), not the exact 144,000 (1,200 USD, 1 - 0.5 x 0.4): with its
  // budget, a firm inverted the component back into the exact rate (a probe).
  // (Amounts pass through the day's stored exchange rates: near, not equal.)
  EXPECT_NEAR(component(ex, "rate")["value"].get<double>(),
              1.0 - 0.5 * (1.0 - (140000.0 / 120.0) / 2000.0), 2e-4)
      << ex.dump();
  EXPECT_GT(std::abs(component(ex, "rate")["value"].get<double>() - (1.0 - 0.5 * 0.4)), 5e-3);
  EXPECT_NEAR(component(as_admin, "rate")["value"].get<double>(),
              component(ex, "rate")["value"].get<double>(), 1e-12);
  // A trainee's own multiplier overrides the organization's.
  auto patch =
      call("PATCH", "/v1/trainees/" + trainee_id, school_key_, {{"bill_rate_multiplier", 2.5}});
  ASSERT_EQ(patch.status(), 200) << patch.http.body;
  ex = explain(project, trainee_id);
  EXPECT_EQ(ex["rate_evidence"]["note"], "bill_rate_within_budget") << ex.dump();
  // A firm cannot set another organization's pricing, nor a multiplier.
  expect_problem(
      call("PUT", "/v1/organizations/" + school_ + "/pricing", firm_key_, {{"currency", "JPY"}}),
      404);
  expect_problem(call("PUT", "/v1/organizations/" + firm_ + "/pricing", firm_key_,
                      {{"currency", "JPY"}, {"bill_rate_multiplier", 2}}),
                 422);
}

// "Why so few?" says the budget's step in the budget's own currency too (a
// yen firm read "4,333 → 4,766 USD").
TEST_F(MoneyTimeTest, NearMissesStateTheBudgetStepInTheBudgetsCurrency) {
  create_trainee(trainee("budget@example.org"));
  const auto project = open_project({});
  auto r = call("GET", "/v1/projects/" + project + "/near-misses", firm_key_);
  ASSERT_EQ(r.status(), 200) << r.http.body;
  bool budget = false;
  for (const auto& x : r.body["relaxations"]) {
    if (x["constraint"] != "budget_max_usd") continue;
    budget = true;
    ASSERT_TRUE(x.contains("in_budget_currency")) << x.dump();
    EXPECT_EQ(x["in_budget_currency"]["currency"], "JPY");
    EXPECT_DOUBLE_EQ(x["in_budget_currency"]["from"].get<double>(), 600000);
    EXPECT_NEAR(x["in_budget_currency"]["to"].get<double>(), 660000, 200);
  }
  EXPECT_TRUE(budget) << r.body.dump();
}

TEST_F(MoneyTimeTest, JstOverlapInBerlinDiffersBetweenWinterAndSummerProjects) {
  auto t = trainee("berlin@example.org");
  t["timezone"] = "Europe/Berlin";
  t["working_hours"] = {{"start", "09:00"}, {"end", "18:00"}, {"days", {"mon", "tue", "wed"}}};
  const auto trainee_id = create_trainee(t);
  const auto winter = explain(open_project({{"start_date", "2027-01-04"}}), trainee_id);
  const auto summer = explain(open_project({{"start_date", "2027-06-01"}}), trainee_id);
  // 1 and 2 hours a day, averaged over Japan's five weekdays (three worked).
  EXPECT_DOUBLE_EQ(winter["working_time"]["jst_overlap_hours"].get<double>(), 1.0 * 3 / 5)
      << winter.dump();
  EXPECT_DOUBLE_EQ(summer["working_time"]["jst_overlap_hours"].get<double>(), 2.0 * 3 / 5)
      << summer.dump();
  EXPECT_EQ(winter["working_time"]["utc_offsets_minutes"], json::array({60}));
  EXPECT_EQ(summer["working_time"]["utc_offsets_minutes"], json::array({120}));
  EXPECT_LT(component(winter, "timezone_overlap")["value"].get<double>(),
            component(summer, "timezone_overlap")["value"].get<double>());
  EXPECT_EQ(winter["working_time"]["hours_per_week"], 27);  // 9 hours x 3 days
}

TEST_F(MoneyTimeTest, OverlapAndHoursConstraintsProduceTheirReasonCodes) {
  auto t = trainee("parttime@example.org");  // Dhaka: 6 hours of overlap
  t["hours_per_week"] = 20;
  const auto trainee_id = create_trainee(t);
  const auto strict = open_project({{"min_overlap_hours_jst", 7}, {"min_hours_per_week", 30}});
  const auto ex = explain(strict, trainee_id);
  EXPECT_FALSE(ex["eligible"].get<bool>());
  EXPECT_EQ(codes(ex),
            (std::vector<std::string>{"jst_overlap_below_minimum", "hours_per_week_below_minimum"}))
      << ex.dump();
  // Hours are shown as hours.
  for (const auto& r : ex["failed_constraints"]) {
    if (r["code"] == "jst_overlap_below_minimum") {
      EXPECT_DOUBLE_EQ(r["required"].get<double>(), 7.0);
      EXPECT_DOUBLE_EQ(r["actual"].get<double>(), 6.0);
    }
  }
  // Neither is a candidate of the strict project; the same trainee is of a lenient one.
  auto list = call("GET", "/v1/projects/" + strict + "/candidates", firm_key_);
  ASSERT_EQ(list.status(), 200);
  EXPECT_TRUE(list.body["items"].empty()) << list.http.body;
  const auto lenient = open_project({{"min_overlap_hours_jst", 5}, {"hours_per_week", 40}});
  const auto ok = explain(lenient, trainee_id);
  EXPECT_TRUE(ok["eligible"].get<bool>()) << ok.dump();
  EXPECT_DOUBLE_EQ(component(ok, "hours_per_week")["value"].get<double>(), 0.5);
  // Available two months after the start, with a tolerance of one: ineligible.
  auto late = trainee("late@example.org");
  late["available_from"] = "2027-03-04";
  const auto late_id = create_trainee(late);
  EXPECT_EQ(codes(explain(lenient, late_id)),
            std::vector<std::string>{"available_after_start_tolerance"});
}

TEST_F(MoneyTimeTest, CredentialsAndJapaneseEvidenceAreValidatedAndShownPseudonymously) {
  auto t = trainee("jlpt@example.org");
  t["languages"] = {{"japanese", "N2"}, {"japanese_certified", true}};
  auto missing_date = call("POST", "/v1/trainees", school_key_, t);
  expect_problem(missing_date, 422);
  t["languages"]["japanese_exam_date"] = "2025-12-07";
  t["languages"]["bjt_score"] = 480;
  t["certifications"] = {{{"name", "ITEE FE"}, {"year", 2025}, {"verified", true}}};
  const auto id = create_trainee(t);
  const auto ex = explain(open_project({{"japanese_min", "N3"}}), id);
  EXPECT_EQ(ex["trainee"]["certifications"],
            json::array({{{"name", "ITEE FE"}, {"year", 2025}, {"verified", true}}}));
  EXPECT_EQ(ex["trainee"]["languages"]["japanese_exam_year"], 2025);
  EXPECT_EQ(ex["trainee"]["languages"]["japanese_certified"], true);
  EXPECT_DOUBLE_EQ(component(ex, "japanese")["value"].get<double>(), 0.8);
  // No Japanese needed: no weight.
  const auto none = explain(open_project({}), id);
  EXPECT_DOUBLE_EQ(component(none, "japanese")["weight"].get<double>(), 0.0);
}

}  // namespace
}  // namespace kakehashi::testing
