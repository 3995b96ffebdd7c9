// Issue 16, skills: the taxonomy of Bangladesh's IT export stacks with
// Japanese names, full-width and Japanese names resolving, suggestions for a
// misspelt name, and skills proposed by training organizations.
#include <algorithm>
#include <set>

#include "integration/api_fixture.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;

class SkillTaxonomyTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::tie(academy_, academy_key_) = organization("Dhaka Laravel Academy", "training_provider");
    std::tie(firm_, firm_key_) = organization("Fukuoka Web Works", "firm");
  }

  json trainee_with(const std::string& email, const json& skills) {
    json t = trainee(email);
    t["skills"] = skills;
    return t;
  }

  std::vector<std::string> closest_of(const ApiResponse& r) {
    for (const auto& e : r.body["errors"]) {
      if (e.value("code", "") == "unknown_skill") return e["params"]["closest"];
    }
    return {};
  }

  std::string academy_, academy_key_, firm_, firm_key_;
};

TEST_F(SkillTaxonomyTest, TheTaxonomyCoversTheExportStacksEachWithAJapaneseName) {
  auto r = call("GET", "/v1/skills", firm_key_);
  ASSERT_EQ(r.status(), 200) << r.http.body;
  EXPECT_GE(r.body["items"].size(), 150U);
  std::set<std::string> names;
  for (const auto& s : r.body["items"]) {
    names.insert(s["name"]);
    EXPECT_TRUE(s["name_ja"].is_string()) << s.dump();
  }
  for (const char* must : {"PHP", "Laravel", "Flutter", "Kotlin", "Swift", "C#", ".NET",
                           "Spring Boot", "AWS", "Computer Vision", "LLM Apps", "Ladder Logic",
                           "Selenium", "SAP ABAP", "Salesforce", "Bridge SE"}) {
    EXPECT_TRUE(names.count(must)) << must;
  }
}

TEST_F(SkillTaxonomyTest, FullWidthAndJapaneseNamesResolve) {
  auto created =
      call("POST", "/v1/trainees", academy_key_,
           trainee_with("fw@example.org", {{{"skill", "ＰＨＰ"}, {"level", 4}},
                                           {{"skill", "ララベル"}, {"level", 3}},
                                           {{"skill", "フラッター"}, {"level", 2}},
                                           {{"skill", "Ｃ＃"}, {"level", 3}},
                                           {{"skill", "　ｌａｒａｖｅｌ　"}, {"level", 1}}}));
  // The last one is Laravel again, in full width with ideographic spaces.
  ASSERT_EQ(created.status(), 422) << created.http.body;
  bool repeated = false;
  for (const auto& e : created.body["errors"])
    repeated = repeated || (e["pointer"] == "/skills/4/skill" && e["code"] == "duplicate");
  EXPECT_TRUE(repeated) << created.http.body;

  created = call("POST", "/v1/trainees", academy_key_,
                 trainee_with("fw@example.org", {{{"skill", "ＰＨＰ"}, {"level", 4}},
                                                 {{"skill", "ララベル"}, {"level", 3}},
                                                 {{"skill", "フラッター"}, {"level", 2}},
                                                 {{"skill", "Ｃ＃"}, {"level", 3}}}));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  std::vector<std::string> stored;
  for (const auto& s : created.body["skills"]) stored.push_back(s["skill"]);
  std::sort(stored.begin(), stored.end());
  EXPECT_EQ(stored, (std::vector<std::string>{"C#", "Flutter", "Laravel", "PHP"}));

  json p = {{"title", "受託Web開発"},
            {"skills",
             {{{"skill", "シーシャープ"}, {"min_level", 2}},
              {{"skill", "ＡＳＰ．ＮＥＴ Ｃｏｒｅ"}, {"min_level", 1}}}},
            {"headcount", 1},
            {"start_date", "2027-04-01"},
            {"duration_months", 6}};
  auto project = call("POST", "/v1/projects", firm_key_, p);
  ASSERT_EQ(project.status(), 201) << project.http.body;
  EXPECT_EQ(project.body["skills"][0]["skill"], "C#");
  EXPECT_EQ(project.body["skills"][1]["skill"], "ASP.NET Core");

  // The list's search finds a skill by its Japanese name too.
  auto found = call("GET", "/v1/skills?q=" + std::string("%E3%83%A9%E3%83%A9%E3%83%99"), firm_key_);
  ASSERT_EQ(found.status(), 200) << found.http.body;
  ASSERT_EQ(found.body["items"].size(), 1U) << found.http.body;
  EXPECT_EQ(found.body["items"][0]["name"], "Laravel");
  EXPECT_EQ(found.body["items"][0]["name_ja"], "ララベル");
}

TEST_F(SkillTaxonomyTest, SuggestionsAndRelatedSkillsForPhpArePhpIsh) {
  for (const char* misspelt : {"phpp", "Laravell", "ＰＨＰ８.３"}) {
    auto r = call("POST", "/v1/trainees", academy_key_,
                  trainee_with("s@example.org", {{{"skill", misspelt}, {"level", 3}}}));
    ASSERT_EQ(r.status(), 422) << r.http.body;
    const auto closest = closest_of(r);
    ASSERT_EQ(closest.size(), 3U) << r.http.body;
    const std::set<std::string> phpish = {"PHP", "Laravel", "Symfony", "CodeIgniter", "WordPress"};
    for (const auto& c : closest) EXPECT_TRUE(phpish.count(c)) << misspelt << " → " << c;
    EXPECT_TRUE(std::find(closest.begin(), closest.end(), "Python") == closest.end());
  }
  auto php = call("GET", "/v1/skills?q=php", firm_key_);
  ASSERT_EQ(php.status(), 200);
  json related;
  for (const auto& s : php.body["items"])
    if (s["name"] == "PHP") related = s["related"];
  std::set<std::string> near;
  for (const auto& r : related) near.insert(r["skill"]);
  EXPECT_TRUE(near.count("Laravel")) << related.dump();
  EXPECT_FALSE(near.count("Python"));
  EXPECT_FALSE(near.count("C++"));
}

TEST_F(SkillTaxonomyTest, AnAdministratorSetsAJapaneseNameThatNoOtherSkillHas) {
  auto created = call("POST", "/v1/skills", admin_,
                      {{"name", "Yii"}, {"name_ja", "ヤイー"}, {"category", "web"}});
  ASSERT_EQ(created.status(), 201) << created.http.body;
  EXPECT_EQ(created.body["name_ja"], "ヤイー");
  auto taken = call("POST", "/v1/skills", admin_, {{"name", "CakePHP"}, {"name_ja", "ララベル"}});
  expect_problem(taken, 409);
  EXPECT_EQ(taken.body["errors"][0]["pointer"], "/name_ja") << taken.http.body;
  EXPECT_EQ(taken.body["errors"][0]["params"]["skill"], "Laravel") << taken.http.body;
  // A Japanese name that is another skill's alias is taken too.
  expect_problem(call("POST", "/v1/skills", admin_, {{"name", "CakePHP"}, {"name_ja", "php8"}}),
                 409);
  auto patched = call("PATCH", "/v1/skills/" + std::to_string(created.body["id"].get<int>()),
                      admin_, {{"name_ja", nullptr}});
  ASSERT_EQ(patched.status(), 200) << patched.http.body;
  EXPECT_TRUE(patched.body["name_ja"].is_null());
}

TEST_F(SkillTaxonomyTest, ATrainingOrganizationProposesAndAnAdministratorDecides) {
  auto [other, other_key] = organization("Chattogram Tech Institute", "training_provider");
  const json proposal = {{"name", "Yii Framework"},
                         {"name_ja", "Yiiフレームワーク"},
                         {"category", "web"},
                         {"aliases", {"yii2"}},
                         {"note", "Three clients in Osaka ask for Yii 2 maintenance"}};
  // Firms do not propose; an unknown field, a bad alias and a missing name
  // are reported at once; a name the taxonomy has is a conflict.
  expect_problem(call("POST", "/v1/skill-proposals", firm_key_, proposal), 403);
  auto bad =
      call("POST", "/v1/skill-proposals", academy_key_, {{"aliases", {"a,b"}}, {"colour", "red"}});
  expect_problem(bad, 422);
  EXPECT_EQ(bad.body["errors"].size(), 3U) << bad.http.body;
  auto existing = call("POST", "/v1/skill-proposals", academy_key_, {{"name", "ｌａｒａｖｅｌ"}});
  expect_problem(existing, 409);
  EXPECT_EQ(existing.body["errors"][0]["params"]["skill"], "Laravel");

  auto created = call("POST", "/v1/skill-proposals", academy_key_, proposal);
  ASSERT_EQ(created.status(), 201) << created.http.body;
  EXPECT_EQ(created.body["status"], "pending");
  EXPECT_EQ(created.body["organization_name"], "Dhaka Laravel Academy");
  const std::string path = "/v1/skill-proposals/" + created.body["id"].get<std::string>();
  EXPECT_EQ(created.http.header("Location"), path);
  // Pending is not in the taxonomy: nothing can use it yet.
  auto early = call("POST", "/v1/trainees", academy_key_,
                    trainee_with("y@example.org", {{{"skill", "yii2"}, {"level", 3}}}));
  expect_problem(early, 422);
  // One pending proposal per name, whoever proposes it.
  expect_problem(call("POST", "/v1/skill-proposals", other_key, {{"name", "yii framework"}}), 409);
  // Its proposer and administrators read it; another organization does not.
  EXPECT_EQ(call("GET", path, academy_key_).status(), 200);
  expect_problem(call("GET", path, other_key), 404);
  expect_problem(call("GET", path, firm_key_), 403);
  EXPECT_EQ(call("GET", "/v1/skill-proposals", other_key).body["items"].size(), 0U);
  auto pending = call("GET", "/v1/skill-proposals?status=pending", admin_);
  ASSERT_EQ(pending.body["items"].size(), 1U) << pending.http.body;

  // Only administrators decide; rejecting needs a reason.
  expect_problem(call("POST", path + "/decision", academy_key_, {{"status", "approved"}}), 403);
  auto no_reason = call("POST", path + "/decision", admin_, {{"status", "rejected"}});
  expect_problem(no_reason, 422);
  EXPECT_EQ(no_reason.body["errors"][0]["pointer"], "/reason");
  auto approved = call("POST", path + "/decision", admin_, {{"status", "approved"}});
  ASSERT_EQ(approved.status(), 200) << approved.http.body;
  EXPECT_EQ(approved.body["status"], "approved");
  EXPECT_EQ(approved.body["skill"]["name"], "Yii Framework");
  expect_problem(
      call("POST", path + "/decision", admin_, {{"status", "rejected"}, {"reason", "x"}}), 409);

  // Now a skill: by name, alias and Japanese name.
  auto trainee = call("POST", "/v1/trainees", academy_key_,
                      trainee_with("y@example.org", {{{"skill", "yii2"}, {"level", 3}}}));
  ASSERT_EQ(trainee.status(), 201) << trainee.http.body;
  EXPECT_EQ(trainee.body["skills"][0]["skill"], "Yii Framework");
  auto skills = call("GET", "/v1/skills?q=" + std::string("yii"), firm_key_);
  ASSERT_EQ(skills.body["items"].size(), 1U);
  EXPECT_EQ(skills.body["items"][0]["name_ja"], "Yiiフレームワーク");

  // A rejection keeps its reason; both decisions are in the audit trail.
  auto second = call("POST", "/v1/skill-proposals", other_key, {{"name", "Bengali OCR"}});
  ASSERT_EQ(second.status(), 201) << second.http.body;
  auto rejected =
      call("POST", "/v1/skill-proposals/" + second.body["id"].get<std::string>() + "/decision",
           admin_, {{"status", "rejected"}, {"reason", "Use OCR"}});
  ASSERT_EQ(rejected.status(), 200) << rejected.http.body;
  EXPECT_EQ(rejected.body["reason"], "Use OCR");
  EXPECT_TRUE(rejected.body["skill"].is_null());
  auto audit = call("GET", "/v1/audit?kind=skill_proposal", admin_);
  ASSERT_EQ(audit.status(), 200) << audit.http.body;
  std::vector<std::string> steps;
  for (const auto& e : audit.body["items"]) steps.push_back(e["to"].get<std::string>());
  EXPECT_EQ(steps, (std::vector<std::string>{"pending", "approved", "pending", "rejected"}));
  EXPECT_EQ(audit.body["items"][1]["details"]["skill_id"], approved.body["skill"]["id"]);
  // The database keeps a decision final, whoever writes.
  EXPECT_ANY_THROW(
      db_.exec("UPDATE skill_proposals SET status = 'rejected', skill_id = NULL, "
               "reason = 'x' WHERE status = 'approved'"));
}

}  // namespace
}  // namespace kakehashi::testing
