// /v1/projects over HTTP: a firm's own demands, validation, ETags, paging.
#include <set>

#include "integration/api_fixture.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;

json project(const std::string& title) {
  return {{"title", title},
          {"description", "Visual inspection of machined parts"},
          {"domain", "automotive"},
          {"skills",
           {{{"skill", "cv"}, {"min_level", 3}, {"weight", 5}, {"required", true}},
            {{"skill", "torch"}, {"min_level", 2}, {"weight", 3}}}},
          {"japanese_min", "N4"},
          {"headcount", 2},
          {"start_date", "2027-01-15"},
          {"duration_months", 6},
          {"budget_monthly", {{"min", 200000}, {"max", 350000}, {"currency", "JPY"}}},
          {"overlap_hours_jst", 4},
          {"engagement", "offshore"},
          {"status", "open"}};
}

TEST_F(ApiTest, FirmCreatesReadsPatchesAndDeletesItsProject) {
  auto [firm, key] = organization("Nagoya Precision", "firm");
  auto created = call("POST", "/v1/projects", key, project("Inspection AI"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string path = "/v1/projects/" + created.body["id"].get<std::string>();
  EXPECT_EQ(created.http.header("Location"), path);
  EXPECT_EQ(created.body["organization_id"], firm);
  EXPECT_EQ(created.body["skills"][0]["skill"], "Computer Vision");
  EXPECT_EQ(created.body["skills"][1]["skill"], "PyTorch");
  EXPECT_EQ(created.body["skills"][1]["required"], false);
  EXPECT_EQ(created.body["budget_monthly"]["max"], 350000.0);
  EXPECT_EQ(call("GET", path, key).body, created.body);
  auto patched =
      call("PATCH", path, key, {{"headcount", 3}, {"budget_monthly", {{"min", nullptr}}}},
           {{"If-Match", "\"1\""}});
  ASSERT_EQ(patched.status(), 200) << patched.http.body;
  EXPECT_EQ(patched.body["headcount"], 3);
  EXPECT_TRUE(patched.body["budget_monthly"]["min"].is_null());
  expect_problem(call("PATCH", path, key, {{"headcount", 4}}, {{"If-Match", "\"1\""}}), 412);
  expect_problem(call("PATCH", path, key, {{"headcount", 0}}), 422);
  // The whole form sent back unchanged writes nothing: the ETag stays "2".
  json form = patched.body;
  for (const char* read_only : {"id", "organization_id", "version", "created_at", "updated_at"})
    form.erase(read_only);
  auto noop = call("PATCH", path, key, form, {{"If-Match", "\"2\""}});
  ASSERT_EQ(noop.status(), 200) << noop.http.body;
  EXPECT_EQ(noop.http.header("ETag"), "\"2\"");
  EXPECT_EQ(noop.body, patched.body);
  expect_problem(call("DELETE", path, key, nullptr, {{"If-Match", "\"1\""}}), 412);
  EXPECT_EQ(call("DELETE", path, key).status(), 204);
  expect_problem(call("GET", path, key), 404);
}

TEST_F(ApiTest, ProjectRolesAndTenancy) {
  auto [firm, key] = organization("Nagoya Precision", "firm");
  auto [other, other_key] = organization("Osaka Electronics", "firm");
  auto [academy, academy_key] = organization("Dhaka AI Academy", "training_provider");
  auto created = call("POST", "/v1/projects", key, project("Inspection AI"));
  const std::string path = "/v1/projects/" + created.body["id"].get<std::string>();
  expect_problem(call("GET", path, other_key), 404);
  expect_problem(call("PATCH", path, other_key, {{"headcount", 1}}), 404);
  expect_problem(call("DELETE", path, other_key), 404);
  // A training organization reads only projects its trainees are matched to or
  // eligible for (project_access_test.cpp); this one has no trainees.
  expect_problem(call("GET", path, academy_key), 404);
  expect_problem(call("POST", "/v1/projects", academy_key, project("X")), 403);
  EXPECT_EQ(call("GET", "/v1/projects", other_key).body["items"].size(), 0U);
  EXPECT_EQ(call("GET", path, admin_).status(), 200);
  auto by_admin = project("Admin posted");
  by_admin["organization_id"] = academy;
  expect_problem(call("POST", "/v1/projects", admin_, by_admin), 422);
  by_admin["organization_id"] = other;
  EXPECT_EQ(call("POST", "/v1/projects", admin_, by_admin).body["organization_id"], other);
}

TEST_F(ApiTest, ProjectValidationReportsEveryError) {
  auto [firm, key] = organization("Nagoya Precision", "firm");
  json bad = {{"title", ""},
              {"skills", {{{"skill", "kubernets"}, {"min_level", 7}}}},
              {"japanese_min", "N0"},
              {"headcount", 0},
              {"start_date", "soon"},
              {"budget_monthly", {{"min", 5}, {"max", 1}, {"currency", "yen"}}},
              {"overlap_hours_jst", 12},
              {"engagement", "remote"},
              {"secret", true}};
  auto r = call("POST", "/v1/projects", key, bad);
  expect_problem(r, 422);
  std::set<std::string> pointers;
  for (const auto& e : r.body["errors"]) pointers.insert(e["pointer"]);
  for (const char* p : {"/title", "/skills/0/skill", "/skills/0/min_level", "/japanese_min",
                        "/headcount", "/start_date", "/duration_months", "/budget_monthly/currency",
                        "/budget_monthly/min", "/overlap_hours_jst", "/engagement", "/secret"}) {
    EXPECT_TRUE(pointers.count(p)) << p << " in " << r.http.body;
  }
  EXPECT_EQ(count_rows("projects"), 0U);
}

TEST_F(ApiTest, ProjectListFiltersAndPages) {
  auto [firm, key] = organization("Nagoya Precision", "firm");
  for (int i = 0; i < 5; ++i) {
    auto p = project("P" + std::to_string(i));
    if (i % 2) {
      p["status"] = "draft";
      p["domain"] = "electronics";
      p["skills"] = {{{"skill", "SQL"}, {"min_level", 2}}};
    }
    ASSERT_EQ(call("POST", "/v1/projects", key, p).status(), 201);
  }
  auto count = [&, &key = key](const std::string& q) {
    auto r = call("GET", "/v1/projects?" + q, key);
    EXPECT_EQ(r.status(), 200) << r.http.body;
    return r.body["items"].size();
  };
  EXPECT_EQ(count("status=open"), 3U);
  EXPECT_EQ(count("domain=electronics"), 2U);
  EXPECT_EQ(count("skill=pytorch"), 3U);
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page =
        call("GET", "/v1/projects?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), key);
    ++pages;
    for (const auto& p : page.body["items"]) EXPECT_TRUE(seen.insert(p["id"]).second);
    cursor = page.body["next_cursor"].is_null() ? "" : page.body["next_cursor"].get<std::string>();
  } while (!cursor.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5U);
}

}  // namespace
}  // namespace kakehashi::testing
