// Issue 17 over HTTP: programme reports (figures against SQL of the test's own,
// small cells suppressed, CSV safe for spreadsheets), duplicates across
// organizations (create and import, no contact data across tenants, a placed
// person not proposed again), and the retention job.
#include <algorithm>
#include <cmath>
#include <set>
#include <thread>

#include <pqxx/pqxx>

#include "integration/api_fixture.hpp"
#include "support/eventually.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;

const std::string kContactKey = "8c1f0e5a7d2b4c6e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60";

class IssueSeventeenTest : public ApiTest {
 protected:
  std::map<std::string, std::string> service_env() const override {
    auto env = db_.env();
    env["KAKEHASHI_CONTACT_HASH_KEY"] = kContactKey;
    return env;
  }

  std::string add_trainee(const std::string& key, const std::string& email,
                          json overrides = json::object()) {
    json t = trainee(email);
    t["skills"] = {{{"skill", "Python"}, {"level", 5}}};
    t["available_from"] = "2027-01-01";
    t["engagement"] = {"offshore"};
    t.merge_patch(overrides);
    auto r = call("POST", "/v1/trainees", key, t);
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  std::string add_project(const std::string& key, int headcount) {
    json p = {
        {"title", "Inspection AI"},
        {"skills", {{{"skill", "Python"}, {"min_level", 3}, {"weight", 5}, {"required", true}}}},
        {"headcount", headcount},
        {"start_date", "2027-02-01"},
        {"duration_months", 6},
        {"engagement", "offshore"},
        {"status", "open"}};
    auto r = call("POST", "/v1/projects", key, p);
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  ApiResponse move(const std::string& match, const std::string& key, const std::string& to) {
    auto current = call("GET", "/v1/matches/" + match, key);
    json body = {{"to", to}};
    if (to == "withdrawn" || to == "rejected") body["reason"] = "test";
    return call("POST", "/v1/matches/" + match + "/transitions", key, body,
                {{"If-Match", current.http.header("ETag").value_or("")}});
  }

  // A firm shortlists the trainee and moves the match to `last`.
  std::string pipeline(const std::string& firm_key, const std::string& school_key,
                       const std::string& project, const std::string& trainee,
                       const std::string& last) {
    auto created =
        call("POST", "/v1/matches", firm_key, {{"project_id", project}, {"trainee_id", trainee}});
    EXPECT_EQ(created.status(), 201) << created.http.body;
    const std::string match = created.body.value("id", "");
    const std::vector<std::pair<std::string, const std::string*>> steps = {
        {"interviewing", &firm_key},
        {"offered", &firm_key},
        {"accepted", &school_key},
        {"approved", &admin_}};
    if (last == "shortlisted") return match;
    for (const auto& [to, key] : steps) {
      auto r = move(match, *key, to);
      EXPECT_EQ(r.status(), 200) << to << ": " << r.http.body;
      if (to == last) break;
    }
    return match;
  }

  ApiResponse upload_csv(const std::string& key, const std::string& body) {
    ApiResponse r{request(service_->port(), "POST", "/v1/trainees/import", body,
                          {{"Authorization", "Bearer " + key}, {"Content-Type", "text/csv"}}),
                  nullptr};
    r.body = json::parse(r.http.body, nullptr, false);
    return r;
  }

  long sql_count(const std::string& sql) { return std::stol(db_.query_value(sql)); }

  // A date range around today (UTC), so a run across midnight still holds.
  std::string range() {
    const auto from = db_.query_value("SELECT ((now() AT TIME ZONE 'UTC')::date - 1)::text");
    const auto to = db_.query_value("SELECT ((now() AT TIME ZONE 'UTC')::date + 1)::text");
    return "from=" + from + "&to=" + to;
  }

  static const json& group(const json& report, const std::string& key) {
    for (const auto& g : report["groups"]) {
      if (g["key"] == key) return g;
    }
    static const json none;
    ADD_FAILURE() << "no group " << key << " in " << report.dump();
    return none;
  }
};

TEST_F(IssueSeventeenTest, ReportFiguresEqualCountsComputedIndependentlyInSql) {
  auto [a, a_key] = organization("Dhaka AI Academy", "training_provider");
  auto [b, b_key] = organization("Chattogram Tech", "training_provider");
  auto [c, c_key] = organization("Sylhet Code", "training_provider");
  auto [firm, firm_key] = organization("Toyota Vision Works", "firm");
  const auto project = add_project(firm_key, 20);
  std::vector<std::string> at, bt;
  for (int i = 0; i < 12; ++i) {
    json extra = {{"program", i < 6 ? "cohort-1" : "cohort-2"},
                  {"expected_monthly_rate", {{"amount", 1000 + 100 * i}, {"currency", "USD"}}}};
    if (i < 8) extra["gender"] = "female";
    if (i >= 8 && i < 11) extra["gender"] = "male";
    if (i == 5) extra["consent"] = {{"matching", false}};
    extra["district"] = "Dhaka";
    at.push_back(add_trainee(a_key, "a" + std::to_string(i) + "@example.com", extra));
  }
  for (int i = 0; i < 7; ++i) {
    bt.push_back(
        add_trainee(b_key, "b" + std::to_string(i) + "@example.com",
                    {{"expected_monthly_rate", {{"amount", 150000}, {"currency", "BDT"}}}}));
  }
  for (int i = 0; i < 3; ++i) add_trainee(c_key, "c" + std::to_string(i) + "@example.com");
  // A: six placed, two offered, one shortlisted; B: five placed.
  for (int i = 0; i < 6; ++i)
    pipeline(firm_key, a_key, project, at[i + (i >= 5 ? 1 : 0)], "approved");
  for (int i = 7; i < 9; ++i) pipeline(firm_key, a_key, project, at[i], "offered");
  pipeline(firm_key, a_key, project, at[9], "shortlisted");
  for (int i = 0; i < 5; ++i) pipeline(firm_key, b_key, project, bt[i], "approved");

  auto r = call("GET", "/v1/reports/programme?" + range() + "&group_by=organization", admin_);
  ASSERT_EQ(r.status(), 200) << r.http.body;
  const auto& ga = group(r.body, a);
  // Every figure of A, against SQL over the current tables (not the audit
  // trail the report reads).
  const std::string of_a = "organization_id = '" + a + "'";
  EXPECT_EQ(ga["label"], "Dhaka AI Academy");
  EXPECT_EQ(ga["registered"], sql_count("SELECT count(*) FROM trainees WHERE " + of_a));
  EXPECT_EQ(ga["active"], sql_count("SELECT count(*) FROM trainees WHERE status IN ('active', "
                                    "'placed') AND " +
                                    of_a));
  EXPECT_EQ(ga["consenting"],
            sql_count("SELECT count(*) FROM trainees WHERE consent_matching AND " + of_a));
  auto reached = [&, &a = a](const std::string& states) {
    return sql_count("SELECT count(DISTINCT trainee_id) FROM matches WHERE training_org_id = '" +
                     a + "' AND state IN (" + states + ")");
  };
  EXPECT_EQ(ga["proposed"], reached("'proposed','shortlisted','interviewing','offered','accepted',"
                                    "'approved'"));
  EXPECT_EQ(ga["shortlisted"],
            reached("'shortlisted','interviewing','offered','accepted','approved'"));
  EXPECT_EQ(ga["offered"], reached("'offered','accepted','approved'"));
  EXPECT_EQ(ga["accepted"], reached("'accepted','approved'"));
  EXPECT_EQ(ga["approved"], reached("'approved'"));
  EXPECT_EQ(ga["approved"], 6);
  EXPECT_NEAR(ga["placement_rate"].get<double>(), 6.0 / 12.0, 1e-4);
  const double median_days = std::stod(db_.query_value(
      "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM m.updated_at - "
      "t.created_at) / 86400) FROM matches m JOIN trainees t ON t.id = m.trainee_id "
      "WHERE m.state = 'approved' AND t." +
      of_a));
  EXPECT_NEAR(ga["median_days_to_placement"].get<double>(), median_days, 0.051);
  // Bill rates: the placed trainees' monthly rates (in USD here).
  const double median_usd = std::stod(db_.query_value(
      "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t.rate_amount) FROM trainees t "
      "JOIN matches m ON m.trainee_id = t.id AND m.state = 'approved' WHERE t." +
      of_a));
  const double mean_usd = std::stod(db_.query_value(
      "SELECT avg(t.rate_amount) FROM trainees t JOIN matches m ON m.trainee_id = t.id "
      "AND m.state = 'approved' WHERE t." +
      of_a));
  // In yen at the exchange-rate table's rate in force on the range's last day.
  const double yen_per_usd = std::stod(
      db_.query_value("SELECT per_usd FROM exchange_rates WHERE currency = 'JPY' AND valid_from <= "
                      "(now() AT TIME ZONE 'UTC')::date + 1 ORDER BY valid_from DESC LIMIT 1"));
  EXPECT_NEAR(ga["bill_rate_jpy"]["median"].get<double>(), median_usd * yen_per_usd, 2);
  EXPECT_NEAR(ga["bill_rate_jpy"]["mean"].get<double>(), mean_usd * yen_per_usd, 2);

  // C has 3 trainees: every count hidden. B (7) is hidden beside it, or
  // total - A would be C's registrations.
  const auto& gb = group(r.body, b);
  const auto& gc = group(r.body, c);
  for (const char* col : {"registered", "active", "consenting", "proposed", "approved"}) {
    EXPECT_TRUE(gc[col].is_null()) << col;
  }
  EXPECT_TRUE(gb["registered"].is_null());
  EXPECT_TRUE(gb["approved"].is_null());  // 5 beside C's 0: both hidden, together 5
  EXPECT_TRUE(gb["placement_rate"].is_null());
  EXPECT_TRUE(gb["bill_rate_jpy"]["median"].is_null());
  EXPECT_EQ(r.body["total"]["registered"], sql_count("SELECT count(*) FROM trainees"));
  EXPECT_EQ(r.body["total"]["approved"],
            sql_count("SELECT count(*) FROM matches WHERE state = 'approved'"));
  // In each column, either nothing is hidden or at least two cells are, and
  // what the total leaves for them is at least 5 people.
  for (const char* col : {"registered", "active", "consenting", "proposed", "shortlisted",
                          "offered", "accepted", "approved"}) {
    long shown = 0;
    int hidden = 0;
    for (const auto& g : r.body["groups"]) {
      if (g[col].is_null()) {
        ++hidden;
      } else {
        shown += g[col].get<long>();
        EXPECT_GE(g[col].get<long>(), 5) << col;
      }
    }
    if (hidden == 0) continue;
    EXPECT_GE(hidden, 2) << col;
    if (!r.body["total"][col].is_null()) {
      EXPECT_GE(r.body["total"][col].get<long>() - shown, 5) << col;
    }
  }

  // Demographics only in aggregate: female 8 shown; male 3 hidden, and the
  // smallest other group (the 8 women or the not stated) with it.
  auto by_gender = call("GET", "/v1/reports/programme?" + range() + "&group_by=gender", admin_);
  ASSERT_EQ(by_gender.status(), 200) << by_gender.http.body;
  EXPECT_TRUE(group(by_gender.body, "male")["registered"].is_null());
  EXPECT_TRUE(group(by_gender.body, "female")["registered"].is_null());
  const auto& unstated = by_gender.body["groups"].back();
  EXPECT_TRUE(unstated["key"].is_null());
  EXPECT_EQ(unstated["registered"],
            sql_count("SELECT count(*) FROM trainees t LEFT JOIN trainee_personal p ON "
                      "p.trainee_id = t.id WHERE p.gender IS NULL"));
  auto by_cohort = call("GET", "/v1/reports/programme?" + range() + "&group_by=cohort", admin_);
  ASSERT_EQ(by_cohort.status(), 200);
  EXPECT_EQ(group(by_cohort.body, "cohort-1")["registered"], 6);
  EXPECT_EQ(group(by_cohort.body, "cohort-2")["registered"], 6);
  for (const char* dim : {"skill", "month", "district"}) {
    auto other = call("GET", "/v1/reports/programme?" + range() + "&group_by=" + dim, admin_);
    EXPECT_EQ(other.status(), 200) << dim << ": " << other.http.body;
    EXPECT_EQ(other.body["total"]["registered"], 22) << dim;
  }
  // A range before everything: no groups, a suppressed total.
  auto empty = call("GET", "/v1/reports/programme?from=2020-01-01&to=2020-12-31", admin_);
  ASSERT_EQ(empty.status(), 200);
  EXPECT_EQ(empty.body["groups"].size(), 0u);
  EXPECT_TRUE(empty.body["total"]["registered"].is_null());
}

TEST_F(IssueSeventeenTest, CsvIsExcelReadyAndNeutralisesFormulaCells) {
  auto [a, a_key] = organization("=HYPERLINK(\"http://evil\",\"x\")", "training_provider");
  // Five in each cohort: a cohort of fewer is not named (merged into "other").
  for (int i = 0; i < 30; ++i) {
    const char* programs[] = {"+cohort", "-cohort", "@cohort", "-2+3", "=1+1", "plain, \"q\""};
    add_trainee(a_key, "t" + std::to_string(i) + "@example.com", {{"program", programs[i % 6]}});
  }
  auto r = call("GET", "/v1/reports/programme?" + range() + "&format=csv", admin_);
  ASSERT_EQ(r.status(), 200) << r.http.body;
  EXPECT_EQ(r.http.header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(r.http.header("Content-Disposition").value_or("").find("attachment"),
            std::string::npos);
  const std::string& csv = r.http.body;
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u) << "no UTF-8 byte-order mark";
  EXPECT_EQ(csv.substr(3, csv.find("\r\n") - 3),
            "group_by,key,label,registered,active,consenting,proposed,shortlisted,offered,"
            "accepted,approved,placement_rate,median_days_to_placement,median_bill_rate_jpy,"
            "mean_bill_rate_jpy");
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",30,"), std::string::npos)
      << csv;
  auto cohorts =
      call("GET", "/v1/reports/programme?" + range() + "&format=csv&group_by=cohort", admin_);
  ASSERT_EQ(cohorts.status(), 200);
  for (const std::string cell : {"'+cohort", "'-cohort", "'@cohort", "'-2+3", "'=1+1"}) {
    EXPECT_NE(cohorts.http.body.find("," + cell + "," + cell + ","), std::string::npos)
        << cell << " in " << cohorts.http.body;
  }
  EXPECT_NE(cohorts.http.body.find(",\"plain, \"\"q\"\"\",\"plain, \"\"q\"\"\","),
            std::string::npos);
  // No line of the file starts a cell with a formula character.
  for (const std::string bad : {",=", ",+", ",-", ",@", "\n=", "\n+", "\n-", "\n@"}) {
    EXPECT_EQ(cohorts.http.body.find(bad), std::string::npos) << bad;
  }
}

// A district or cohort of fewer than 5 trainees is not named: its name alone
// (a rare district) points at the trainee. Such groups are one "other" row.
TEST_F(IssueSeventeenTest, SmallFreeTextGroupsAreMergedUnnamed) {
  const auto org = organization("Dhaka AI Academy", "training_provider");
  const std::string a_key = org.second;
  int n = 0;
  auto add = [&](const char* district, const char* program, int count) {
    for (int i = 0; i < count; ++i) {
      add_trainee(a_key, "d" + std::to_string(n++) + "@example.com",
                  {{"district", district}, {"program", program}});
    }
  };
  add("Dhaka", "METI cohort 2026", 6);
  add("Rangpur", "METI cohort 2026", 2);
  add("Kurigram", "Evening class Sylhet", 1);
  add("Bandarban", "Evening class Sylhet", 1);
  add_trainee(a_key, "nodistrict@example.com");  // district and cohort not stated
  for (const char* dim : {"district", "cohort"}) {
    auto r = call("GET", "/v1/reports/programme?" + range() + "&group_by=" + dim, admin_);
    ASSERT_EQ(r.status(), 200) << r.http.body;
    const auto& groups = r.body["groups"];
    ASSERT_EQ(groups.size(), 3u) << dim << ": " << r.http.body;
    EXPECT_TRUE(groups[1]["key"].is_null()) << dim;
    EXPECT_EQ(groups[1]["label"], "(other: groups under 5)") << dim;
    EXPECT_EQ(groups[1]["merged_groups"], std::string(dim) == "district" ? 3 : 1) << dim;
    EXPECT_TRUE(groups[1]["registered"].is_null()) << dim;  // 4 or 2: under 5
    EXPECT_TRUE(groups[2]["key"].is_null()) << dim;         // not stated, last
    EXPECT_FALSE(groups[2].contains("merged_groups")) << dim;
    EXPECT_EQ(r.body["total"]["registered"], 11) << dim;
    auto csv =
        call("GET", "/v1/reports/programme?" + range() + "&format=csv&group_by=" + dim, admin_);
    for (const std::string name : {"Rangpur", "Kurigram", "Bandarban", "Evening class"}) {
      EXPECT_EQ(r.http.body.find(name), std::string::npos) << name;
      EXPECT_EQ(csv.http.body.find(name), std::string::npos) << name;
    }
    EXPECT_NE(csv.http.body.find("(other: groups under 5)"), std::string::npos) << csv.http.body;
  }
  auto by_district = call("GET", "/v1/reports/programme?" + range() + "&group_by=district", admin_);
  EXPECT_EQ(by_district.body["groups"][0]["key"], "Dhaka");
  EXPECT_EQ(by_district.body["groups"][0]["registered"], 6);
  // Other dimensions name their small groups (hiding only their counts).
  auto by_org = call("GET", "/v1/reports/programme?" + range() + "&group_by=gender", admin_);
  for (const auto& g : by_org.body["groups"]) EXPECT_FALSE(g.contains("merged_groups"));
}

TEST_F(IssueSeventeenTest, ReportAndDuplicatesAreForAdministratorsAndValidateTheirParameters) {
  auto [a, a_key] = organization("Dhaka AI Academy", "training_provider");
  auto [f, f_key] = organization("Toyota Vision Works", "firm");
  const std::string q = "/v1/reports/programme?" + range();
  expect_problem(call("GET", q, a_key), 403);
  expect_problem(call("GET", q, f_key), 403);
  expect_problem(call("GET", q, ""), 401);
  expect_problem(call("GET", "/v1/duplicates", a_key), 403);
  expect_problem(call("GET", "/v1/duplicates", f_key), 403);
  auto bad =
      call("GET", "/v1/reports/programme?from=2026-13-01&group_by=age&format=xlsx&x=1", admin_);
  expect_problem(bad, 422);
  std::set<std::string> pointers;
  for (const auto& e : bad.body["errors"]) pointers.insert(e["pointer"]);
  EXPECT_EQ(pointers, (std::set<std::string>{"from", "to", "group_by", "format", "x"}));
  auto backwards = call("GET", "/v1/reports/programme?from=2026-02-01&to=2026-01-01", admin_);
  expect_problem(backwards, 422);
  EXPECT_EQ(backwards.body["errors"][0]["code"], "invalid_combination");
  // A well-formed date before 1900 is refused saying why (it read "must be a
  // date YYYY-MM-DD", which 0001-01-01 is).
  auto ancient = call("GET", "/v1/reports/programme?from=0001-01-01&to=2026-01-01", admin_);
  expect_problem(ancient, 422);
  ASSERT_EQ(ancient.body["errors"].size(), 1u) << ancient.http.body;
  EXPECT_NE(ancient.body["errors"][0]["detail"].get<std::string>().find("from 1900-01-01 on"),
            std::string::npos)
      << ancient.http.body;
  expect_problem(call("GET", "/v1/duplicates?organization_id=nope&limit=0", admin_), 422);
}

TEST_F(IssueSeventeenTest, DuplicateFlaggedAcrossOrganizationsThroughCreateAndImport) {
  auto [a, a_key] = organization("Dhaka AI Academy", "training_provider");
  auto [b, b_key] = organization("Chattogram Tech", "training_provider");
  auto [c, c_key] = organization("Sylhet Code", "training_provider");
  const auto ta =
      add_trainee(a_key, "Rahim.Uddin+dhaka@Example.com", {{"phone", "+880 1712-345678"}});
  // Create: the same email, spelled differently, at another organization.
  const auto tb = add_trainee(b_key, "rahim.uddin@example.com");
  // Import: the same phone in national form, another email.
  auto imported = upload_csv(c_key,
                             "full_name,email,phone,consent_matching,consent_share_abroad\n"
                             "Rahim Uddin,rahim.work@example.org,01712-345678,true,true\n"
                             "Someone Else,someone@example.org,01899999999,true,true\n");
  ASSERT_EQ(imported.status(), 201) << imported.http.body;
  // The same organization never flags itself.
  add_trainee(b_key, "one@example.com", {{"phone", "01555555555"}});
  add_trainee(b_key, "two@example.com", {{"phone", "+8801555555555"}});

  auto flags = call("GET", "/v1/duplicates", admin_);
  ASSERT_EQ(flags.status(), 200) << flags.http.body;
  ASSERT_EQ(flags.body["items"].size(), 2u) << flags.http.body;
  std::map<std::string, json> by_org;  // the other side's organization -> flag
  for (const auto& item : flags.body["items"]) {
    std::set<std::string> orgs;
    for (const auto& side : item["trainees"]) orgs.insert(side["organization_id"]);
    EXPECT_TRUE(orgs.count(a)) << item.dump();
    by_org[orgs.count(b) ? b : c] = item;
  }
  EXPECT_EQ(by_org[b]["matched_on"], json({"email"}));
  EXPECT_EQ(by_org[c]["matched_on"], json({"phone"}));
  // No contact data in the list, nor anywhere another organization can look.
  for (const std::string contact : {"example", "rahim", "1712", "Rahim"}) {
    EXPECT_EQ(flags.http.body.find(contact), std::string::npos) << contact;
  }
  auto b_own = call("GET", "/v1/trainees/" + tb, b_key);
  ASSERT_EQ(b_own.status(), 200);
  EXPECT_EQ(b_own.http.body.find(ta), std::string::npos);
  EXPECT_EQ(b_own.http.body.find(a), std::string::npos);
  EXPECT_EQ(b_own.http.body.find("+dhaka"), std::string::npos);
  expect_problem(call("GET", "/v1/trainees/" + ta, b_key), 404);
  auto b_list = call("GET", "/v1/trainees", b_key);
  EXPECT_EQ(b_list.http.body.find("1712"), std::string::npos);
  EXPECT_EQ(b_list.http.body.find("Example.com"), std::string::npos);
  // Stored as keyed digests only.
  EXPECT_EQ(sql_count("SELECT count(*) FROM contact_fingerprints WHERE length(email) <> 32 "
                      "OR length(phone) <> 32"),
            0);
  EXPECT_EQ(sql_count("SELECT count(*) FROM contact_fingerprints WHERE email = "
                      "sha256(convert_to('rahim.uddin@example.com', 'UTF8'))"),
            0);
  // Filtered by organization; paged.
  auto only_c = call("GET", "/v1/duplicates?organization_id=" + c, admin_);
  ASSERT_EQ(only_c.body["items"].size(), 1u);
  auto page = call("GET", "/v1/duplicates?limit=1", admin_);
  ASSERT_EQ(page.body["items"].size(), 1u);
  ASSERT_TRUE(page.body["next_cursor"].is_string());
  auto rest =
      call("GET", "/v1/duplicates?limit=1&cursor=" + page.body["next_cursor"].get<std::string>(),
           admin_);
  ASSERT_EQ(rest.body["items"].size(), 1u);
  EXPECT_NE(rest.body["items"][0]["id"], page.body["items"][0]["id"]);

  // A change of contact re-fingerprints: B's trainee no longer matches.
  auto current = call("GET", "/v1/trainees/" + tb, b_key);
  auto patched = call("PATCH", "/v1/trainees/" + tb, b_key, {{"email", "new@example.net"}},
                      {{"If-Match", current.http.header("ETag").value_or("")}});
  ASSERT_EQ(patched.status(), 200) << patched.http.body;
  EXPECT_EQ(call("GET", "/v1/duplicates", admin_).body["items"].size(), 1u);
  // Erasure takes the fingerprints and flags with the personal data.
  ASSERT_EQ(call("DELETE", "/v1/trainees/" + ta, a_key).status(), 204);
  EXPECT_EQ(call("GET", "/v1/duplicates", admin_).body["items"].size(), 0u);
  EXPECT_EQ(sql_count("SELECT count(*) FROM contact_fingerprints WHERE trainee_id = '" + ta + "'"),
            0);
}

// Migration 0100: the digits people type are digits. One number written with
// a Japanese keyboard's full-width digits, in Bengali digits (a Dhaka
// spreadsheet) and in ASCII, at three organizations, is one person; before,
// the first two had no phone fingerprint at all.
TEST_F(IssueSeventeenTest, APhoneInFullWidthOrBengaliDigitsIsTheSameNumber) {
  auto [a, a_key] = organization("Dhaka AI Academy", "training_provider");
  auto [b, b_key] = organization("Chattogram Tech", "training_provider");
  auto [c, c_key] = organization("Sylhet Code", "training_provider");
  add_trainee(a_key, "first@example.com", {{"phone", "０１７１２－３４５６７８"}});
  add_trainee(b_key, "second@example.com", {{"phone", "০১৭১২-৩৪৫৬৭৮"}});
  add_trainee(c_key, "third@example.com", {{"phone", "+880 1712 345678"}});
  // Another number in Devanagari digits matches nobody.
  add_trainee(c_key, "fourth@example.com", {{"phone", "०१९९९-८८८७७७"}});
  EXPECT_EQ(sql_count("SELECT count(*) FROM contact_fingerprints WHERE phone IS NOT NULL"), 4);
  auto flags = call("GET", "/v1/duplicates", admin_);
  ASSERT_EQ(flags.status(), 200) << flags.http.body;
  ASSERT_EQ(flags.body["items"].size(), 3u) << flags.http.body;
  std::set<std::set<std::string>> pairs;
  for (const auto& item : flags.body["items"]) {
    EXPECT_EQ(item["matched_on"], json({"phone"})) << item.dump();
    std::set<std::string> orgs;
    for (const auto& side : item["trainees"]) orgs.insert(side["organization_id"]);
    pairs.insert(orgs);
  }
  EXPECT_EQ(pairs, (std::set<std::set<std::string>>{{a, b}, {a, c}, {b, c}}));
}

// Migration 0109: an email's full-width ASCII is read as ASCII, and the email
// in Unicode NFC, before it is compared. The
// same address typed with a Japanese IME's full-width letters, and one with
// é decomposed (e + U+0301, as a Mac keyboard gives it) against the composed
// é of a spreadsheet, are each one person at two organizations; before, each
// spelling had its own digest and nothing was flagged.
TEST_F(IssueSeventeenTest, AnEmailInFullWidthOrDecomposedLettersIsTheSameAddress) {
  auto [a, a_key] = organization("Dhaka AI Academy", "training_provider");
  auto [b, b_key] = organization("Chattogram Tech", "training_provider");
  const auto wide = add_trainee(a_key, "\uFF52\uFF41\uFF48\uFF49\uFF4D@example.com");
  const auto narrow = add_trainee(b_key, "Rahim@example.com");
  const auto composed = add_trainee(a_key, "ren\u00E9@example.fr");
  const auto decomposed = add_trainee(b_key, "rene\u0301@example.fr");
  // A different address in full-width letters matches nobody; nor do
  // addresses that only NFKC would make another's (a superscript digit, a
  // circled letter: one organization could have another's trainee held back
  // as the twin of an address it made up).
  add_trainee(b_key, "\uFF4B\uFF41\uFF52\uFF49\uFF4D@example.com");
  add_trainee(a_key, "rahim117@example.com");
  add_trainee(b_key, "rahim\u00B917@example.com");
  add_trainee(a_key, "\u24E1ahim@example.com");
  auto flags = call("GET", "/v1/duplicates", admin_);
  ASSERT_EQ(flags.status(), 200) << flags.http.body;
  ASSERT_EQ(flags.body["items"].size(), 2u) << flags.http.body;
  std::set<std::set<std::string>> pairs;
  for (const auto& item : flags.body["items"]) {
    EXPECT_EQ(item["matched_on"], json({"email"})) << item.dump();
    std::set<std::string> ids;
    for (const auto& side : item["trainees"]) ids.insert(side["trainee_id"]);
    pairs.insert(ids);
  }
  EXPECT_EQ(pairs, (std::set<std::set<std::string>>{{wide, narrow}, {composed, decomposed}}));
}

TEST_F(IssueSeventeenTest, APlacedPersonIsNotProposedAgainThroughAnotherOrganization) {
  auto [a, a_key] = organization("Dhaka AI Academy", "training_provider");
  auto [b, b_key] = organization("Chattogram Tech", "training_provider");
  auto [firm, firm_key] = organization("Toyota Vision Works", "firm");
  const auto ta = add_trainee(a_key, "same@example.com");
  const auto tb = add_trainee(b_key, "Same@Example.com");
  const auto other = add_trainee(b_key, "other@example.com");
  const auto first = add_project(firm_key, 1);
  const auto second = add_project(firm_key, 3);
  auto candidates = [&](const std::string& project) {
    std::set<std::string> ids;
    auto r = call("GET", "/v1/projects/" + project + "/candidates?limit=50", admin_);
    EXPECT_EQ(r.status(), 200) << r.http.body;
    for (const auto& item : r.body["items"]) ids.insert(item["trainee"]["id"]);
    return ids;
  };
  EXPECT_TRUE(candidates(second).count(tb));
  // B's record was offered and accepted before A's placement.
  const auto twin_match = pipeline(firm_key, b_key, second, tb, "accepted");
  const auto placement = pipeline(firm_key, a_key, first, ta, "approved");
  // Placed through A: B's record of the same person leaves the candidates and
  // rounds at once (this replica's index follows the approval's commit).
  EXPECT_FALSE(candidates(second).count(tb));
  // Nor can it be placed, shortlisted or explained to the firm by hand (a
  // probe placed both records of one person on one project).
  auto approved = move(twin_match, admin_, "approved");
  expect_problem(approved, 409, "already-placed");
  EXPECT_EQ(call("GET", "/v1/matches/" + twin_match, admin_).body["state"], "accepted");
  expect_problem(call("GET", "/v1/projects/" + second + "/candidates/" + tb, firm_key), 404);
  // The placed trainee is no candidate either: its explanation told a firm
  // "not_active", that is, placed (a probe); administrators still read it.
  expect_problem(call("GET", "/v1/projects/" + second + "/candidates/" + ta, firm_key), 404);
  EXPECT_EQ(call("GET", "/v1/projects/" + second + "/candidates/" + ta, admin_).status(), 200);
  ASSERT_EQ(move(twin_match, b_key, "withdrawn").status(), 200);
  expect_problem(
      call("POST", "/v1/matches", firm_key, {{"project_id", second}, {"trainee_id", tb}}), 409,
      "already-placed");
  EXPECT_TRUE(candidates(second).count(other));
  auto round = call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "stable"}});
  ASSERT_EQ(round.status(), 201) << round.http.body;
  auto proposed =
      call("GET", "/v1/matches?round_id=" + round.body["id"].get<std::string>(), admin_);
  std::set<std::string> in_round;
  for (const auto& m : proposed.body["items"]) in_round.insert(m["trainee_id"]);
  EXPECT_FALSE(in_round.count(tb));
  EXPECT_TRUE(in_round.count(other));
  // The placement ends: B's record is matchable again.
  ASSERT_EQ(move(placement, admin_, "withdrawn").status(), 200);
  EXPECT_TRUE(candidates(second).count(tb));
  // Placed again, then erased: the erasure ends the placement and the flag.
  const auto third = add_project(firm_key, 1);
  pipeline(firm_key, a_key, third, ta, "approved");
  EXPECT_FALSE(candidates(second).count(tb));
  ASSERT_EQ(call("DELETE", "/v1/trainees/" + ta, a_key).status(), 204);
  EXPECT_TRUE(candidates(second).count(tb));
}

// From a probe: a project whose headcount is lowered to its approved
// placements closes (it stayed open, ranking candidates it could never
// approve); a trainee withdrawn from the programme leaves its open matches
// (one was approved and never placed); an erasure on request is audited.
TEST_F(IssueSeventeenTest, FullProjectsCloseWithdrawnTraineesLeaveMatchesErasuresAreAudited) {
  auto [a, a_key] = organization("Dhaka AI Academy", "training_provider");
  auto [firm, firm_key] = organization("Toyota Vision Works", "firm");
  const auto project = add_project(firm_key, 2);
  pipeline(firm_key, a_key, project, add_trainee(a_key, "placed@example.com"), "approved");
  auto lowered = call("PATCH", "/v1/projects/" + project, firm_key, {{"headcount", 1}});
  ASSERT_EQ(lowered.status(), 200) << lowered.http.body;
  EXPECT_EQ(call("GET", "/v1/projects/" + project, firm_key).body["status"], "closed");

  const auto other = add_project(firm_key, 3);
  const auto leaving = add_trainee(a_key, "leaving@example.com");
  const auto match = pipeline(firm_key, a_key, other, leaving, "offered");
  auto withdrawn = call("PATCH", "/v1/trainees/" + leaving, a_key, {{"status", "withdrawn"}});
  ASSERT_EQ(withdrawn.status(), 200) << withdrawn.http.body;
  EXPECT_EQ(call("GET", "/v1/matches/" + match, firm_key).body["state"], "withdrawn");
  EXPECT_NE(move(match, a_key, "accepted").status(), 200);
  EXPECT_NE(move(match, admin_, "approved").status(), 200);

  // Consent to matching withdrawn: the open match ends too, and the firm no
  // longer reads the profile's later edits through it (a probe's firm went on
  // to offer). A placement already approved stands.
  const auto consenting = add_trainee(a_key, "consent@example.com");
  const auto placed = add_trainee(a_key, "kept@example.com");
  const auto open_match = pipeline(firm_key, a_key, other, consenting, "interviewing");
  const auto placement = pipeline(firm_key, a_key, other, placed, "approved");
  for (const auto& id : {consenting, placed}) {
    auto revoked = call("PATCH", "/v1/trainees/" + id, a_key, {{"consent", {{"matching", false}}}});
    ASSERT_EQ(revoked.status(), 200) << revoked.http.body;
  }
  const auto ended = call("GET", "/v1/matches/" + open_match, firm_key);
  EXPECT_EQ(ended.body["state"], "withdrawn");
  EXPECT_TRUE(ended.body["trainee"].is_null()) << ended.http.body;  // no later edits to follow
  EXPECT_FALSE(call("GET", "/v1/matches/" + open_match, admin_).body["trainee"].is_null());
  EXPECT_NE(move(open_match, firm_key, "offered").status(), 200);
  EXPECT_EQ(call("GET", "/v1/matches/" + placement, firm_key).body["state"], "approved");

  // A match made while the consent is being withdrawn waits for it, and is
  // refused (a probe's firm got in between the two and offered): the row is
  // held by another transaction while the shortlisting comes, then its
  // consent goes.
  const auto racing = add_trainee(a_key, "racing@example.com");
  pqxx::connection c(db_.url());
  pqxx::work hold(c);
  hold.exec("SELECT 1 FROM trainees WHERE id = '" + racing + "' FOR UPDATE");
  int shortlisted = 0;
  const std::string firm_secret = firm_key;  // a structured binding is not captured
  std::thread shortlist([&] {
    shortlisted =
        request(service_->port(), "POST", "/v1/matches",
                json{{"project_id", other}, {"trainee_id", racing}}.dump(),
                {{"Authorization", "Bearer " + firm_secret}, {"Content-Type", "application/json"}})
            .status;
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  hold.exec("SET LOCAL kakehashi.actor_label = 'race test'");
  hold.exec("SET LOCAL kakehashi.actor_role = 'admin'");
  hold.exec("UPDATE trainees SET consent_matching = false WHERE id = '" + racing + "'");
  hold.commit();
  shortlist.join();
  EXPECT_EQ(shortlisted, 422);
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM matches WHERE trainee_id = '" + racing + "'"),
            "0");

  const auto gone = add_trainee(a_key, "gone@example.com");
  ASSERT_EQ(call("DELETE", "/v1/trainees/" + gone, a_key).status(), 204);
  auto audit = call("GET", "/v1/audit?kind=erasure&trainee_id=" + gone, admin_);
  ASSERT_EQ(audit.status(), 200) << audit.http.body;
  ASSERT_EQ(audit.body["items"].size(), 1u) << audit.http.body;
  EXPECT_EQ(audit.body["items"][0]["actor"]["organization_id"], a);
  EXPECT_EQ(audit.body["items"][0]["details"]["previous_status"], "active");
  EXPECT_EQ(audit.http.body.find("gone@example.com"), std::string::npos);
}

// An approval takes the trainee's row before the match, as a change of the
// trainee does (its row, then its matches): the two wait for each other. The
// approval used to take the match first, and a PATCH at the same moment
// deadlocked with it (PostgreSQL ended one of them after a second).
TEST_F(IssueSeventeenTest, AnApprovalAndATraineesChangeTakeTheirLocksInOneOrder) {
  auto [firm, firm_key] = organization("Nagoya Robotics", "firm");
  auto [school, school_key] = organization("Chittagong AI School", "training_provider");
  const auto project = add_project(firm_key, 2);
  const auto trainee = add_trainee(school_key, "order@example.com");
  const auto match = pipeline(firm_key, school_key, project, trainee, "accepted");
  const auto etag = call("GET", "/v1/matches/" + match, admin_).http.header("ETag").value_or("");
  // The first half of a trainee's PATCH: its row.
  pqxx::connection c(db_.url());
  pqxx::work hold(c);
  hold.exec("SELECT 1 FROM trainees WHERE id = '" + trainee + "' FOR UPDATE");
  int approved = 0;
  const std::string admin_secret = admin_;
  std::thread approve([&] {
    approved = request(service_->port(), "POST", "/v1/matches/" + match + "/transitions",
                       json{{"to", "approved"}}.dump(),
                       {{"Authorization", "Bearer " + admin_secret},
                        {"Content-Type", "application/json"},
                        {"If-Match", etag}})
                   .status;
  });
  // Once the approval waits for a lock (the trainee's row)...
  for (int i = 0; i < 200 && db_.query_value("SELECT count(*) FROM pg_stat_activity WHERE "
                                             "wait_event_type = 'Lock'") == "0";
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // ...the second half: its matches, as withdraw_open_matches takes them. An
  // approval that held the match here was a deadlock, found at once by this
  // side (the service's transaction was then retried, a second later).
  hold.exec("SET LOCAL deadlock_timeout = '10ms'");
  EXPECT_NO_THROW(hold.exec("SELECT 1 FROM matches WHERE id = '" + match + "' FOR UPDATE"));
  hold.commit();
  approve.join();
  EXPECT_EQ(approved, 200);
  EXPECT_EQ(call("GET", "/v1/matches/" + match, admin_).body["state"], "approved");
}

class RetentionTest : public IssueSeventeenTest {
 protected:
  std::map<std::string, std::string> service_env() const override {
    auto env = IssueSeventeenTest::service_env();
    env["KAKEHASHI_RETENTION_MONTHS"] = "6";
    env["KAKEHASHI_EVENT_RETENTION_DAYS"] = "30";
    env["KAKEHASHI_RETENTION_INTERVAL_S"] = "1";
    return env;
  }
};

TEST_F(RetentionTest, ErasesTraineesInactiveForTheConfiguredMonthsAndNothingElse) {
  // A second replica runs the same job on the same database.
  ServiceProcess second(service_env());
  wait_ready(second.port());
  auto [a, a_key] = organization("Dhaka AI Academy", "training_provider");
  auto [b, b_key] = organization("Chattogram Tech", "training_provider");
  auto [firm, firm_key] = organization("Toyota Vision Works", "firm");
  const auto project = add_project(firm_key, 5);
  const auto old_withdrawn = add_trainee(a_key, "w@example.com", {{"status", "withdrawn"}});
  const auto old_active = add_trainee(b_key, "idle@example.com", {{"phone", "01712000000"}});
  const auto dup_of_idle = add_trainee(a_key, "x@example.com", {{"phone", "01712000000"}});
  const auto recent_withdrawn = add_trainee(a_key, "r@example.com", {{"status", "withdrawn"}});
  const auto old_placed = add_trainee(a_key, "p@example.com");
  const auto old_busy = add_trainee(a_key, "busy@example.com");
  pipeline(firm_key, a_key, project, old_placed, "approved");
  pipeline(firm_key, a_key, project, old_busy, "shortlisted");
  auto backdate = [&](const std::string& id, const std::string& age) {
    db_.exec("UPDATE trainees SET updated_at = now() - interval '" + age + "' WHERE id = '" + id +
             "'");
  };
  for (const auto& id : {old_withdrawn, old_active, old_placed, old_busy}) backdate(id, "7 months");
  backdate(recent_withdrawn, "5 months");
  // Idempotency records: one two days old, one fresh.
  const auto key_id = db_.query_value("SELECT id FROM api_keys ORDER BY created_at LIMIT 1");
  db_.exec(
      "INSERT INTO idempotency_keys (api_key_id, key, method, path, request_hash, status, "
      "created_at) VALUES ('" +
      key_id +
      "', 'old', 'POST', '/v1/trainees', 'h', 201, "
      "now() - interval '2 days'), ('" +
      key_id +
      "', 'fresh', 'POST', '/v1/trainees', 'h', "
      "201, now())");

  // Organizations' events: the pipelines' are backdated 40 days, but for one
  // 20 days old. Of the old ones, one has a delivery an enabled endpoint is
  // still retrying (it stays), one a disabled endpoint's waiting delivery (given
  // up, it goes), one a failed delivery with its attempt (both go); read marks
  // go with their events.
  const auto endpoint = [&, &firm = firm](bool enabled) {
    return db_.query_value(
        "INSERT INTO webhooks (organization_id, url, events, secret, enabled) VALUES ('" + firm +
        "', 'https://hooks.example.com/x', ARRAY['round.completed'], repeat('s', 32), " +
        (enabled ? "true" : "false") + ") RETURNING id");
  };
  const auto on = endpoint(true);
  const auto off = endpoint(false);
  const auto seq_after = [&](const std::string& seq) {
    return db_.query_value("SELECT min(seq) FROM org_events WHERE seq > " + seq);
  };
  const auto retried = db_.query_value("SELECT min(seq) FROM org_events");
  const auto stale = seq_after(retried);
  const auto failed = seq_after(stale);
  const auto read = seq_after(failed);
  const auto recent = db_.query_value("SELECT max(seq) FROM org_events");
  ASSERT_GE(sql_count("SELECT count(*) FROM org_events WHERE seq > " + read), 1);
  // One transaction (one simple query), so the job never sees half of it.
  db_.exec(
      "UPDATE org_events SET occurred_at = now() - interval '40 days';"
      "UPDATE org_events SET occurred_at = now() - interval '20 days' WHERE seq = " +
      recent +
      ";"
      "INSERT INTO webhook_deliveries (webhook_id, event_seq, status, next_attempt_at) VALUES ('" +
      on + "', " + retried + ", 'pending', now() + interval '1 hour'), ('" + off + "', " + stale +
      ", 'pending', now()), ('" + off + "', " + recent + ", 'delivered', now()), ('" + off + "', " +
      failed +
      ", 'failed', now());"
      "INSERT INTO webhook_attempts (delivery_id, attempt, duration_ms, error) SELECT id, 1, 5, "
      "'refused' FROM webhook_deliveries WHERE event_seq = " +
      failed +
      ";"
      "INSERT INTO notification_reads (reader, event_seq) VALUES ('key:x', " +
      read + "), ('key:x', " + recent + ")");

  auto status_of = [&](const std::string& id) {
    return db_.query_value("SELECT status FROM trainees WHERE id = '" + id + "'");
  };
  EXPECT_TRUE(eventually([&] {
    return status_of(old_withdrawn) == "erased" && status_of(old_active) == "erased" &&
           sql_count("SELECT count(*) FROM idempotency_keys WHERE key = 'old'") == 0;
  })) << "the retention job did not erase the inactive trainees";
  // Erased through the erasure path: no personal data, fingerprints or flags left.
  for (const auto& id : {old_withdrawn, old_active}) {
    EXPECT_EQ(sql_count("SELECT count(*) FROM trainee_personal WHERE trainee_id = '" + id + "'"),
              0);
    EXPECT_EQ(
        sql_count("SELECT count(*) FROM contact_fingerprints WHERE trainee_id = '" + id + "'"), 0);
    // Audited once, whichever replica erased it.
    EXPECT_EQ(
        sql_count("SELECT count(*) FROM audit_events WHERE kind = 'erasure' AND trainee_id = '" +
                  id + "'"),
        1);
  }
  EXPECT_EQ(sql_count("SELECT count(*) FROM duplicate_flags"), 0);
  // Nothing else: recent, placed and busy trainees keep their data; the fresh
  // idempotency record stays.
  for (const auto& id : {recent_withdrawn, old_placed, old_busy, dup_of_idle}) {
    EXPECT_NE(status_of(id), "erased") << id;
    EXPECT_EQ(sql_count("SELECT count(*) FROM trainee_personal WHERE trainee_id = '" + id + "'"),
              1);
  }
  EXPECT_EQ(sql_count("SELECT count(*) FROM idempotency_keys WHERE key = 'fresh'"), 1);
  // Old events went, with their finished deliveries, attempts and read marks;
  // the retried delivery kept its event, and the recent event stayed with its
  // delivery and read mark. (The erasures above add events of today.)
  EXPECT_TRUE(eventually([&] {
    return sql_count(
               "SELECT count(*) FROM org_events WHERE occurred_at < now() - interval "
               "'30 days' AND seq <> " +
               retried) == 0;
  })) << "the retention job did not delete the old events";
  EXPECT_EQ(
      sql_count("SELECT count(*) FROM org_events WHERE seq IN (" + retried + ", " + recent + ")"),
      2);
  EXPECT_EQ(sql_count("SELECT count(*) FROM webhook_deliveries WHERE event_seq IN (" + stale +
                      ", " + failed + ")"),
            0);
  EXPECT_EQ(sql_count("SELECT count(*) FROM webhook_deliveries WHERE event_seq IN (" + retried +
                      ", " + recent + ")"),
            2);
  EXPECT_EQ(sql_count("SELECT count(*) FROM webhook_attempts WHERE error = 'refused'"), 0);
  EXPECT_EQ(sql_count("SELECT count(*) FROM notification_reads WHERE reader = 'key:x'"), 1);
  EXPECT_EQ(sql_count("SELECT count(*) FROM notification_reads WHERE event_seq = " + recent), 1);
  auto events = call("GET", "/v1/audit?kind=erasure", admin_);
  ASSERT_EQ(events.status(), 200) << events.http.body;
  EXPECT_EQ(events.body["items"].size(), 2u);
}

}  // namespace
}  // namespace kakehashi::testing
