// Issue 16, the firm made visible to the trainee's side: a training
// organization reads exactly the projects its trainees are matched to or
// eligible for (404 for any other), with the firm, description, dates,
// engagement, location and budget in the original currency and its own;
// never a trainee. Its trainees' opportunities list the same fields.
#include "integration/api_fixture.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;

class ProjectAccessTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::tie(academy_, academy_key_) = organization("Dhaka Laravel Academy", "training_provider");
    std::tie(other_, other_key_) = organization("Chattogram Tech Institute", "training_provider");
    std::tie(firm_, firm_key_) = organization("Fukuoka Web Works", "firm");
    auto t = trainee("php@example.org");
    t["skills"] = {{{"skill", "PHP"}, {"level", 4}}, {{"skill", "Laravel"}, {"level", 4}}};
    auto created = call("POST", "/v1/trainees", academy_key_, t);
    ASSERT_EQ(created.status(), 201) << created.http.body;
    trainee_id_ = created.body["id"];
  }

  std::string post_project(const std::string& title, const std::string& skill, int min_level,
                           const std::string& status = "open") {
    json p = {{"title", title},
              {"description", "受託開発の保守・機能追加 (maintenance of a Laravel SaaS)"},
              {"skills", {{{"skill", skill}, {"min_level", min_level}, {"required", true}}}},
              {"headcount", 2},
              {"start_date", "2027-04-01"},
              {"duration_months", 12},
              {"budget_monthly", {{"min", 400000}, {"max", 600000}, {"currency", "JPY"}}},
              {"engagement", "hybrid"},
              {"location", "Fukuoka (3 months), then Dhaka"},
              {"status", status}};
    auto r = call("POST", "/v1/projects", firm_key_, p);
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  std::string academy_, academy_key_, other_, other_key_, firm_, firm_key_, trainee_id_;
};

TEST_F(ProjectAccessTest, ATrainingOrganizationReadsExactlyTheProjectsItShould) {
  const auto eligible = post_project("Laravel SaaS保守", "Laravel", 3);
  const auto beyond = post_project("SAP migration", "SAP ABAP", 3);  // no trainee has it
  const auto draft = post_project("Laravel draft", "Laravel", 3, "draft");
  const auto matched = post_project("PHP team", "PHP", 2);
  auto match = call("POST", "/v1/matches", firm_key_,
                    {{"project_id", matched}, {"trainee_id", trainee_id_}});
  ASSERT_EQ(match.status(), 201) << match.http.body;
  // Closed after the match: no longer an opportunity, still the academy's
  // business through its trainee's match.
  ASSERT_EQ(call("PATCH", "/v1/projects/" + matched, firm_key_, {{"status", "closed"}}).status(),
            200);

  auto read = call("GET", "/v1/projects/" + eligible, academy_key_);
  ASSERT_EQ(read.status(), 200) << read.http.body;
  EXPECT_EQ(read.body["relation"], "opportunity");
  EXPECT_EQ(read.body["firm"]["name"], "Fukuoka Web Works");
  EXPECT_EQ(read.body["description"], "受託開発の保守・機能追加 (maintenance of a Laravel SaaS)");
  EXPECT_EQ(read.body["start_date"], "2027-04-01");
  EXPECT_EQ(read.body["duration_months"], 12);
  EXPECT_EQ(read.body["engagement"], "hybrid");
  EXPECT_EQ(read.body["location"], "Fukuoka (3 months), then Dhaka");
  EXPECT_EQ(read.body["budget_monthly"],
            json({{"min", 400000.0}, {"max", 600000.0}, {"currency", "JPY"}}));
  const auto& bdt = read.body["budget_in_viewer_currency"];
  EXPECT_EQ(bdt["currency"], "BDT");
  // In the academy's currency, through the service's one conversion: about
  // 0.8 BDT to the yen, whatever the table's exact rate.
  EXPECT_GT(bdt["max"].get<double>(), 600000.0 * 0.5);
  EXPECT_LT(bdt["max"].get<double>(), 600000.0 * 1.5);
  EXPECT_LT(bdt["min"].get<double>(), bdt["max"].get<double>());
  // The firm's posting, never a trainee.
  for (const char* key : {"trainee", "trainees", "candidates", "matches", "personal"})
    EXPECT_FALSE(read.body.contains(key)) << key;

  auto by_match = call("GET", "/v1/projects/" + matched, academy_key_);
  ASSERT_EQ(by_match.status(), 200) << by_match.http.body;
  EXPECT_EQ(by_match.body["relation"], "matched");
  EXPECT_EQ(by_match.body["status"], "closed");

  // 404, not 403, for every other project: its existence is the firm's.
  expect_problem(call("GET", "/v1/projects/" + beyond, academy_key_), 404);
  expect_problem(call("GET", "/v1/projects/" + draft, academy_key_), 404);
  expect_problem(call("GET", "/v1/projects/00000000-0000-4000-8000-000000000000", academy_key_),
                 404);
  expect_problem(call("GET", "/v1/projects/not-a-uuid", academy_key_), 404);
  // Another organization, with no trainee matched or eligible, reads none.
  for (const auto& id : {eligible, beyond, draft, matched})
    expect_problem(call("GET", "/v1/projects/" + id, other_key_), 404);
  // Training organizations still neither list nor change projects.
  expect_problem(call("GET", "/v1/projects", academy_key_), 403);
  expect_problem(call("PATCH", "/v1/projects/" + eligible, academy_key_, {{"headcount", 1}}), 403);
  // The firm reads its own as before (with the location it wrote).
  auto own = call("GET", "/v1/projects/" + eligible, firm_key_);
  ASSERT_EQ(own.status(), 200);
  EXPECT_EQ(own.body["location"], "Fukuoka (3 months), then Dhaka");
  EXPECT_FALSE(own.body.contains("relation"));

  // A trainee who stops consenting takes the academy's view of its
  // opportunities with it (the matched project stays readable).
  auto patched = call("PATCH", "/v1/trainees/" + trainee_id_, academy_key_,
                      {{"consent", {{"matching", false}}}});
  ASSERT_EQ(patched.status(), 200) << patched.http.body;
  expect_problem(call("GET", "/v1/projects/" + eligible, academy_key_), 404);
  EXPECT_EQ(call("GET", "/v1/projects/" + matched, academy_key_).status(), 200);
}

TEST_F(ProjectAccessTest, OpportunitiesListTheFirmTheDatesAndTheBudget) {
  const auto eligible = post_project("Laravel SaaS保守", "Laravel", 3);
  post_project("SAP migration", "SAP ABAP", 3);
  auto r = call("GET", "/v1/trainees/" + trainee_id_ + "/opportunities", academy_key_);
  ASSERT_EQ(r.status(), 200) << r.http.body;
  ASSERT_EQ(r.body["items"].size(), 1U) << r.http.body;
  const auto& p = r.body["items"][0]["project"];
  EXPECT_EQ(p["id"], eligible);
  EXPECT_EQ(p["firm"]["name"], "Fukuoka Web Works");
  EXPECT_EQ(p["title"], "Laravel SaaS保守");
  EXPECT_EQ(p["engagement"], "hybrid");
  EXPECT_EQ(p["location"], "Fukuoka (3 months), then Dhaka");
  EXPECT_EQ(p["budget_monthly"]["currency"], "JPY");
  EXPECT_EQ(p["budget_in_viewer_currency"]["currency"], "BDT");
  EXPECT_EQ(p["skills"][0]["skill"], "Laravel");
  // Every project an opportunity lists is one the academy may read.
  EXPECT_EQ(call("GET", "/v1/projects/" + p["id"].get<std::string>(), academy_key_).status(), 200);
}

}  // namespace
}  // namespace kakehashi::testing
