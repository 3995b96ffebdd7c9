// The core API over HTTP against the real binary and PostgreSQL: keys and
// roles, organizations, trainees (validation, tenancy, ETags, idempotency,
// pagination, erasure) and the skill taxonomy.
#include <map>
#include <set>
#include <thread>

#include "integration/api_fixture.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;

TEST_F(ApiTest, MissingMalformedUnknownAndRevokedKeysAre401) {
  for (const std::string& key :
       {std::string(), std::string("nonsense"), "kh_" + std::string(48, '0')}) {
    auto r = call("GET", "/v1/skills", key);
    expect_problem(r, 401);
    EXPECT_TRUE(r.http.header("WWW-Authenticate"));
  }
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  EXPECT_EQ(call("GET", "/v1/skills", key).status(), 200);
  auto keys = call("GET", "/v1/organizations/" + org + "/api-keys", admin_);
  ASSERT_EQ(keys.status(), 200);
  ASSERT_EQ(keys.body["items"].size(), 1U);
  EXPECT_FALSE(keys.body["items"][0].contains("secret"));
  EXPECT_EQ(keys.body["items"][0]["prefix"], key.substr(0, 12));
  EXPECT_EQ(call("DELETE", "/v1/api-keys/" + keys.body["items"][0]["id"].get<std::string>(), admin_)
                .status(),
            204);
  auto revoked = call("GET", "/v1/skills", key);
  expect_problem(revoked, 401);
  EXPECT_NE(revoked.body["detail"].get<std::string>().find("revoked"), std::string::npos);
  // Only the hash is stored.
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM api_keys WHERE secret_sha256 LIKE '%" +
                            key.substr(3, 20) + "%'"),
            "0");
}

TEST_F(ApiTest, OrganizationRolesAndTenancy) {
  auto [academy, academy_key] = organization("Dhaka AI Academy", "training_provider");
  auto [firm, firm_key] = organization("Nagoya Precision", "firm");
  expect_problem(call("POST", "/v1/organizations", academy_key,
                      {{"name", "X"}, {"kind", "firm"}, {"country", "JP"}}),
                 403);
  expect_problem(call("GET", "/v1/organizations", firm_key), 403);
  EXPECT_EQ(call("GET", "/v1/organizations/" + academy, academy_key).status(), 200);
  expect_problem(call("GET", "/v1/organizations/" + firm, academy_key), 404);
  expect_problem(
      call("POST", "/v1/organizations/" + firm + "/api-keys", firm_key, {{"label", "x"}}), 403);
  auto firm_keys = call("GET", "/v1/organizations/" + firm + "/api-keys", admin_);
  EXPECT_EQ(firm_keys.body["items"][0]["role"], "firm");
  auto duplicate = call("POST", "/v1/organizations", admin_,
                        {{"name", "dhaka ai academy"}, {"kind", "firm"}, {"country", "JP"}});
  expect_problem(duplicate, 409);
  auto invalid = call("POST", "/v1/organizations", admin_,
                      {{"name", ""}, {"kind", "bank"}, {"country", "japan"}, {"extra", 1}});
  expect_problem(invalid, 422);
  EXPECT_EQ(invalid.body["errors"].size(), 4U) << invalid.http.body;
}

TEST_F(ApiTest, CreateReadTraineeResolvesAliasesAndSeparatesPersonalData) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  auto created = call("POST", "/v1/trainees", key, trainee("rahim@example.com"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string id = created.body["id"];
  EXPECT_EQ(created.http.header("Location"), "/v1/trainees/" + id);
  EXPECT_EQ(created.http.header("ETag"), "\"1\"");
  EXPECT_EQ(created.body["organization_id"], org);
  EXPECT_EQ(created.body["alias"].get<std::string>().substr(0, 3), "KH-");
  EXPECT_EQ(created.body["skills"][0]["skill"], "PyTorch");  // "torch" resolved
  EXPECT_EQ(created.body["full_name"], "Test Trainee");
  EXPECT_FALSE(created.body["consent"]["recorded_at"].is_null());
  auto read = call("GET", "/v1/trainees/" + id, key);
  EXPECT_EQ(read.status(), 200);
  EXPECT_EQ(read.body, created.body);
  EXPECT_EQ(
      db_.query_value("SELECT full_name FROM trainee_personal WHERE trainee_id = '" + id + "'"),
      "Test Trainee");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainees WHERE alias = '" +
                            created.body["alias"].get<std::string>() + "'"),
            "1");
}

TEST_F(ApiTest, EveryValidationErrorAtOnceAndNothingWritten) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  json bad = {{"full_name", " "},
              {"email", "not-an-email"},
              {"country", "Bangladesh"},
              {"timezone", "Mars/Olympus"},
              {"skills",
               {{{"skill", "pytorh"}, {"level", 9}},
                {{"skill", "SQL"}, {"level", 2}},
                {{"skill", "ＳＱＬ"}, {"level", 3}}}},  // SQL again, in full width
              {"languages", {{"japanese", "N6"}}},
              {"hours_per_week", 100},
              {"available_from", "2026-02-30"},
              {"expected_monthly_rate", {{"amount", -5}, {"currency", "usd"}}},
              {"engagement", {"remote"}},
              {"consent", {{"matching", "yes"}}},
              {"favourite_colour", "blue"},
              {"a/b~c", 1}};
  auto r = call("POST", "/v1/trainees", key, bad);
  expect_problem(r, 422);
  EXPECT_EQ(r.body["type"], "https://kakehashi.example/problems/validation");
  std::set<std::string> pointers;
  for (const auto& e : r.body["errors"]) pointers.insert(e["pointer"]);
  for (const char* p :
       {"/full_name", "/email", "/country", "/timezone", "/skills/0/skill", "/skills/0/level",
        "/skills/2/skill", "/languages/japanese", "/hours_per_week", "/available_from",
        "/expected_monthly_rate/amount", "/expected_monthly_rate/currency", "/engagement/0",
        "/consent/matching", "/consent/share_with_firms_abroad", "/favourite_colour", "/a~1b~0c"}) {
    EXPECT_TRUE(pointers.count(p)) << p << " in " << r.http.body;
  }
  // Each error has a stable code (and its parameters) a client translates by.
  std::map<std::string, nlohmann::json> by_pointer;
  for (const auto& e : r.body["errors"]) by_pointer[e["pointer"]] = e;
  EXPECT_EQ(by_pointer["/skills/0/skill"]["code"], "unknown_skill");
  EXPECT_EQ(by_pointer["/skills/0/skill"]["params"]["skill"], "pytorh");
  EXPECT_NE(by_pointer["/skills/0/skill"]["detail"].get<std::string>().find("PyTorch"),
            std::string::npos);
  EXPECT_EQ(by_pointer["/skills/0/level"]["code"], "out_of_range");
  EXPECT_EQ(by_pointer["/skills/0/level"]["params"]["max"], 5);
  EXPECT_EQ(by_pointer["/languages/japanese"]["code"], "invalid_choice");
  EXPECT_EQ(by_pointer["/languages/japanese"]["params"]["allowed"].size(), 6U);
  EXPECT_EQ(by_pointer["/consent/share_with_firms_abroad"]["code"], "required");
  EXPECT_EQ(by_pointer["/engagement/0"]["code"], "invalid_choice");
  EXPECT_EQ(by_pointer["/favourite_colour"]["code"], "unknown_field");
  EXPECT_EQ(by_pointer["/a~1b~0c"]["code"], "unknown_field");
  EXPECT_EQ(count_rows("trainees"), 0U);
  EXPECT_EQ(count_rows("trainee_personal"), 0U);
}

TEST_F(ApiTest, MalformedJsonIs400AndWrongTypeIs415) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  auto malformed = request(service_->port(), "POST", "/v1/trainees",
                           "{\"full_name\": ", {{"Authorization", "Bearer " + key}});
  EXPECT_EQ(malformed.status, 400);
  // A member given twice in one object: which one counts would be up to each
  // reader (this parser kept the last). The same name in two objects is fine.
  std::string twice = trainee("twice@example.com").dump();
  twice.insert(1, "\"city\": \"Sylhet\", ");
  auto repeated = request(service_->port(), "POST", "/v1/trainees", twice,
                          {{"Authorization", "Bearer " + key}});
  EXPECT_EQ(repeated.status, 400) << repeated.body;
  EXPECT_NE(repeated.body.find(R"(gives the member \"city\" twice)"), std::string::npos)
      << repeated.body;
  auto apart = request(service_->port(), "POST", "/v1/trainees",
                       R"({"a": {"city": 1}, "b": {"city": 1, "c": {"city": 2}}})",
                       {{"Authorization", "Bearer " + key}});
  EXPECT_EQ(apart.status, 422) << apart.body;  // unknown fields, not a repeat
  auto form = request(
      service_->port(), "POST", "/v1/trainees", "a=b",
      {{"Authorization", "Bearer " + key}, {"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(count_rows("trainees"), 0U);
}

TEST_F(ApiTest, AnotherTenantsTraineeIs404AndFirmsAre403) {
  auto [a, a_key] = organization("Dhaka AI Academy", "training_provider");
  auto [b, b_key] = organization("Chattogram Tech", "training_provider");
  auto [firm, firm_key] = organization("Toyota Parts", "firm");
  auto created = call("POST", "/v1/trainees", a_key, trainee("a@example.com"));
  const std::string path = "/v1/trainees/" + created.body["id"].get<std::string>();
  expect_problem(call("GET", path, b_key), 404);
  expect_problem(call("PATCH", path, b_key, {{"city", "Sylhet"}}), 404);
  expect_problem(call("DELETE", path, b_key), 404);
  EXPECT_EQ(call("GET", "/v1/trainees", b_key).body["items"].size(), 0U);
  expect_problem(call("GET", path, firm_key), 403);
  expect_problem(call("GET", "/v1/trainees", firm_key), 403);
  expect_problem(call("POST", "/v1/trainees", firm_key, trainee("f@example.com")), 403);
  EXPECT_EQ(call("GET", path, admin_).status(), 200);
  expect_problem(call("GET", "/v1/trainees/not-a-uuid", a_key), 404);
  // Admins must say which training provider a trainee belongs to.
  auto no_org = call("POST", "/v1/trainees", admin_, trainee("x@example.com"));
  expect_problem(no_org, 422);
  auto with_firm = trainee("y@example.com");
  with_firm["organization_id"] = firm;
  expect_problem(call("POST", "/v1/trainees", admin_, with_firm), 422);
  auto with_b = trainee("z@example.com");
  with_b["organization_id"] = b;
  auto made = call("POST", "/v1/trainees", admin_, with_b);
  EXPECT_EQ(made.status(), 201) << made.http.body;
  EXPECT_EQ(made.body["organization_id"], b);
}

TEST_F(ApiTest, PatchIsAMergePatchGuardedByIfMatch) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  auto created = call("POST", "/v1/trainees", key, trainee("p@example.com"));
  const std::string path = "/v1/trainees/" + created.body["id"].get<std::string>();
  auto patched =
      call("PATCH", path, key,
           {{"city", "Sylhet"}, {"phone", "+8801700000000"}, {"languages", {{"japanese", "N3"}}}},
           {{"If-Match", "\"1\""}});
  ASSERT_EQ(patched.status(), 200) << patched.http.body;
  EXPECT_EQ(patched.http.header("ETag"), "\"2\"");
  EXPECT_EQ(patched.body["city"], "Sylhet");
  EXPECT_EQ(patched.body["languages"]["japanese"], "N3");
  EXPECT_EQ(patched.body["languages"]["english"], "B2");  // untouched member kept
  EXPECT_EQ(patched.body["skills"].size(), 2U);
  auto stale = call("PATCH", path, key, {{"city", "Khulna"}}, {{"If-Match", "\"1\""}});
  expect_problem(stale, 412);
  EXPECT_EQ(stale.body["type"], "https://kakehashi.example/problems/stale");
  EXPECT_EQ(stale.body["errors"][0]["pointer"], "If-Match");
  EXPECT_EQ(stale.body["errors"][0]["code"], "stale");
  auto forged = call("PATCH", path, key, {{"city", "Khulna"}}, {{"If-Match", "W/\"x\""}});
  expect_problem(forged, 412);
  EXPECT_EQ(forged.body["type"], "https://kakehashi.example/problems/invalid-precondition");
  EXPECT_EQ(forged.body["errors"][0]["code"], "invalid_format");
  EXPECT_EQ(call("GET", path, key).body["city"], "Sylhet");
  auto removed = call("PATCH", path, key, {{"phone", nullptr}});
  EXPECT_TRUE(removed.body["phone"].is_null());
  expect_problem(call("PATCH", path, key, {{"alias", "KH-MINE"}}), 422);
  expect_problem(call("PATCH", path, key, {{"skills", {{{"skill", "fortran"}, {"level", 3}}}}}),
                 422);
  EXPECT_EQ(call("GET", path, key).body["version"], 3);
  // A patch that changes nothing writes nothing: the ETag others hold stays
  // good (a no-op bumped the version).
  for (const json& same : {json::object(), json{{"city", "Sylhet"}, {"phone", nullptr}}}) {
    auto noop = call("PATCH", path, key, same, {{"If-Match", "\"3\""}});
    ASSERT_EQ(noop.status(), 200) << noop.http.body;
    EXPECT_EQ(noop.http.header("ETag"), "\"3\"");
    EXPECT_EQ(noop.body["city"], "Sylhet");
  }
  expect_problem(call("PATCH", path, key, json::object(), {{"If-Match", "\"2\""}}), 412);
  EXPECT_EQ(call("PATCH", path, key, {{"city", "Khulna"}}).http.header("ETag"), "\"4\"");
}

TEST_F(ApiTest, IdempotencyKeyReplaysTheFirstResponse) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  const json body = trainee("idem@example.com");
  auto first = call("POST", "/v1/trainees", key, body, {{"Idempotency-Key", "abc-1"}});
  ASSERT_EQ(first.status(), 201);
  auto again = call("POST", "/v1/trainees", key, body, {{"Idempotency-Key", "abc-1"}});
  EXPECT_EQ(again.status(), 201);
  EXPECT_EQ(again.body["id"], first.body["id"]);
  EXPECT_EQ(again.http.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(again.http.header("Location"), first.http.header("Location"));
  auto other = call("POST", "/v1/trainees", key, trainee("other@example.com"),
                    {{"Idempotency-Key", "abc-1"}});
  expect_problem(other, 422);
  EXPECT_EQ(count_rows("trainees"), 1U);
  // A malformed key is named whatever else is wrong (beside an invalid body
  // it went unreported: only the body's errors came back).
  auto bad = call("POST", "/v1/trainees", key, json::object(), {{"Idempotency-Key", "a b"}});
  expect_problem(bad, 400);
  ASSERT_EQ(bad.body["errors"].size(), 1U) << bad.http.body;
  EXPECT_EQ(bad.body["errors"][0]["pointer"], "Idempotency-Key");
}

TEST_F(ApiTest, DuplicateEmailInOneOrganizationIs409) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  ASSERT_EQ(call("POST", "/v1/trainees", key, trainee("dup@example.com")).status(), 201);
  expect_problem(call("POST", "/v1/trainees", key, trainee("DUP@example.com")), 409);
  auto [other, other_key] = organization("Sylhet Coders", "training_provider");
  EXPECT_EQ(call("POST", "/v1/trainees", other_key, trainee("dup@example.com")).status(), 201);
  EXPECT_EQ(count_rows("trainees"), 2U);
}

TEST_F(ApiTest, PagesAcrossThreePlusPagesWithoutDuplicatesOrGaps) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  std::set<std::string> created;
  for (int i = 0; i < 7; ++i) {
    created.insert(
        call("POST", "/v1/trainees", key, trainee("t" + std::to_string(i) + "@example.com"))
            .body["id"]
            .get<std::string>());
  }
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page =
        call("GET", "/v1/trainees?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor), key);
    ASSERT_EQ(page.status(), 200) << page.http.body;
    ++pages;
    for (const auto& t : page.body["items"]) EXPECT_TRUE(seen.insert(t["id"]).second);
    if (pages == 1) {  // an insert while paging lands on a later page
      created.insert(call("POST", "/v1/trainees", key, trainee("late@example.com"))
                         .body["id"]
                         .get<std::string>());
    }
    cursor = page.body["next_cursor"].is_null() ? "" : page.body["next_cursor"].get<std::string>();
  } while (!cursor.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, created);
  expect_problem(call("GET", "/v1/trainees?limit=500", key), 422);
  expect_problem(call("GET", "/v1/trainees?cursor=%21%21", key), 422);
  expect_problem(call("GET", "/v1/trainees?colour=red", key), 422);
}

TEST_F(ApiTest, ListFilters) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  auto a = trainee("a@example.com");
  a["full_name"] = "Tahmina Akter";
  auto b = trainee("b@example.com");
  b["skills"] = {{{"skill", "SQL"}, {"level", 2}}};
  b["languages"] = {{"japanese", "N2"}};
  b["program"] = "METI cohort 2026";
  ASSERT_EQ(call("POST", "/v1/trainees", key, a).status(), 201);
  ASSERT_EQ(call("POST", "/v1/trainees", key, b).status(), 201);
  auto count = [&, &key = key](const std::string& q) {
    auto r = call("GET", "/v1/trainees?" + q, key);
    EXPECT_EQ(r.status(), 200) << q << r.http.body;
    return r.body["items"].size();
  };
  EXPECT_EQ(count("skill=pytorch"), 1U);
  EXPECT_EQ(count("skill=sql&min_level=2"), 1U);
  EXPECT_EQ(count("skill=sql&min_level=3"), 0U);
  EXPECT_EQ(count("jlpt_min=N3"), 1U);
  EXPECT_EQ(count("jlpt_min=N5"), 2U);
  EXPECT_EQ(count("q=cohort"), 1U);
  // A coordinator finds its trainee by name or email; an administrator and
  // another organization find nobody by them (personal data is the
  // organization's; an administrator reads it one audited record at a time).
  EXPECT_EQ(count("q=tahm"), 1U);
  EXPECT_EQ(count("q=AKTER"), 1U);
  EXPECT_EQ(count("q=b%40example"), 1U);
  auto [other, other_key] = organization("Sylhet Data School", "training_provider");
  for (const auto* k : {&admin_, &other_key}) {
    auto r = call("GET", "/v1/trainees?q=Tahmina", *k);
    EXPECT_EQ(r.status(), 200) << r.http.body;
    EXPECT_EQ(r.body["items"].size(), 0U) << r.http.body;
  }
  EXPECT_EQ(count("q=%25"), 0U);  // % is a character to find, not a wildcard
  EXPECT_EQ(count("q=_"), 0U);
  EXPECT_EQ(count("status=active"), 2U);
  expect_problem(call("GET", "/v1/trainees?skill=fortran", key), 422);
  // A search as long as a programme may be, in characters (検 is 3 bytes);
  // one longer matches nothing and is refused before any row is read.
  std::string longest;
  for (int i = 0; i < 200; ++i) longest += "%E6%A4%9C";
  EXPECT_EQ(count("q=" + longest), 0U);
  auto too_long = call("GET", "/v1/trainees?q=" + longest + "x", key);
  expect_problem(too_long, 422);
  EXPECT_EQ(too_long.body["errors"][0]["pointer"], "q") << too_long.http.body;
  EXPECT_EQ(too_long.body["errors"][0]["code"], "too_long") << too_long.http.body;
  EXPECT_EQ(too_long.body["errors"][0]["params"]["max_length"], 200) << too_long.http.body;
}

TEST_F(ApiTest, ErasureDeletesPersonalDataAndHidesTheProfile) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  auto created = call("POST", "/v1/trainees", key, trainee("erase@example.com"));
  const std::string id = created.body["id"];
  expect_problem(call("DELETE", "/v1/trainees/" + id, key, nullptr, {{"If-Match", "\"7\""}}), 412);
  EXPECT_EQ(call("DELETE", "/v1/trainees/" + id, key).status(), 204);
  expect_problem(call("GET", "/v1/trainees/" + id, key), 404);
  expect_problem(call("DELETE", "/v1/trainees/" + id, key), 404);
  EXPECT_EQ(call("GET", "/v1/trainees", key).body["items"].size(), 0U);
  auto admin_view = call("GET", "/v1/trainees/" + id, admin_);
  ASSERT_EQ(admin_view.status(), 200);
  EXPECT_EQ(admin_view.body["status"], "erased");
  EXPECT_TRUE(admin_view.body["full_name"].is_null());
  EXPECT_TRUE(admin_view.body["email"].is_null());
  EXPECT_EQ(count_rows("trainee_personal"), 0U);
  // An erased trainee consents to nothing (administrators read "consents to
  // matching and to sharing abroad" of no one), and the erasure is recorded
  // as the consent's end.
  EXPECT_EQ(admin_view.body["consent"]["matching"], false) << admin_view.http.body;
  EXPECT_EQ(admin_view.body["consent"]["share_with_firms_abroad"], false);
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM audit_events WHERE kind = 'consent' AND "
                            "trainee_id = '" +
                            id + "' AND details->>'matching' = 'false'"),
            "1");
  // The database keeps it so for any writer (migration 0110).
  EXPECT_ANY_THROW(db_.exec("UPDATE trainees SET consent_matching = true WHERE id = '" + id + "'"));
}

TEST_F(ApiTest, SkillsAreListedWithAliasesAndRelatedSkills) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  auto all = call("GET", "/v1/skills", key);
  EXPECT_GE(all.body["items"].size(), 30U);
  auto torch = call("GET", "/v1/skills?q=torch", key);
  ASSERT_EQ(torch.body["items"].size(), 1U);
  EXPECT_EQ(torch.body["items"][0]["name"], "PyTorch");
  EXPECT_EQ(torch.body["items"][0]["related"][0]["skill"], "TensorFlow");
  // Whole names: "java" finds Java and JavaScript by substring search, but
  // resolves only to Java.
  auto t = trainee("j@example.com");
  t["skills"] = {{{"skill", "java"}, {"level", 3}}};
  EXPECT_EQ(call("POST", "/v1/trainees", key, t).body["skills"][0]["skill"], "Java");
}

}  // namespace
}  // namespace kakehashi::testing

namespace kakehashi::testing {
namespace {

TEST_F(ApiTest, DemoSeedLoadsADeterministicSetOnceAndPrintsWorkingKeys) {
  auto first = run_kakehashi({"seed", "--demo"}, db_.env());
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(count_rows("trainees"), 200U);
  EXPECT_EQ(count_rows("projects"), 27U);  // 25 generated and two teams (issue 15)
  EXPECT_EQ(count_rows("project_roles"), 4U);
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM project_roles WHERE japanese_min = 'N2'"), "2");
  EXPECT_GT(count_rows("trainee_preferences"), 0U);
  // A placement is an approved match: no trainee is seeded placed without
  // one (eight were, and the programme report counted them).
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainees t WHERE status = 'placed' AND NOT "
                            "EXISTS (SELECT 1 FROM matches m WHERE m.trainee_id = t.id AND "
                            "m.state = 'approved')"),
            "0");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM organizations WHERE kind = 'training_provider'"),
            "3");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM organizations WHERE kind = 'firm'"), "5");
  // No firm posts two projects of one title (a trainee's opportunities would
  // show the "same" project twice), and every budget is a 人月単価 in yen.
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM (SELECT 1 FROM projects "
                            "GROUP BY organization_id, title HAVING count(*) > 1) d"),
            "0");
  EXPECT_EQ(
      db_.query_value("SELECT count(*) FROM projects WHERE budget_currency IS DISTINCT FROM 'JPY'"),
      "0");
  const auto line = first.output.find("Dhaka AI Academy: ");
  ASSERT_NE(line, std::string::npos) << first.output;
  const std::string dhaka_key = first.output.substr(line + 18, 51);
  auto page = call("GET", "/v1/trainees?limit=200", dhaka_key);
  ASSERT_EQ(page.status(), 200) << page.http.body;
  EXPECT_GT(page.body["items"].size(), 30U);
  EXPECT_LT(page.body["items"].size(), 200U);
  EXPECT_EQ(page.body["items"][0]["city"], "Dhaka");
  const auto firm_line = first.output.find("Toyoda Auto Parts: ");
  ASSERT_NE(firm_line, std::string::npos);
  EXPECT_GT(
      call("GET", "/v1/projects", first.output.substr(firm_line + 19, 51)).body["items"].size(),
      0U);
  auto again = run_kakehashi({"seed", "--demo"}, db_.env());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(count_rows("trainees"), 200U);
  EXPECT_EQ(count_rows("projects"), 27U);
}

// The console's files; one it does not have is a problem+json 404 like any
// other (it was bare text).
TEST_F(ApiTest, TheConsoleServesItsFilesAndAProblemForOthers) {
  auto app = call("GET", "/admin/app.js", "");
  ASSERT_EQ(app.status(), 200);
  EXPECT_NE(app.http.header("Content-Type").value_or("").find("javascript"), std::string::npos);
  expect_problem(call("GET", "/admin/nope.js", ""), 404);
}

// With the duplicates key set, seeded contacts are fingerprinted as the
// service's writes are (they were not: a person seeded at one organization
// and registered at another was never flagged); a negative count is refused.
TEST_F(ApiTest, SeededContactsAreFingerprintedWithTheKey) {
  auto env = db_.env();
  env["KAKEHASHI_CONTACT_HASH_KEY"] = std::string(64, 'a');
  auto r = run_kakehashi({"seed", "--synthetic", "--trainees", "300", "--projects", "5"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM contact_fingerprints WHERE email IS NOT NULL"),
            "300");
  auto negative = run_kakehashi({"seed", "--synthetic", "--trainees", "-1"}, env);
  EXPECT_EQ(negative.exit_code, 2) << negative.output;
  EXPECT_NE(negative.output.find("--trainees needs a whole number"), std::string::npos)
      << negative.output;
}

TEST_F(ApiTest, SyntheticSeedWritesTheRequestedCounts) {
  auto r = run_kakehashi(
      {"seed", "--synthetic", "--trainees", "1500", "--projects", "20", "--seed", "3"}, db_.env());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(count_rows("trainees"), 1500U);
  EXPECT_EQ(count_rows("trainee_personal"), 1500U);
  EXPECT_EQ(count_rows("projects"), 20U);
  EXPECT_GT(std::stoul(db_.query_value("SELECT sum(cardinality(skill_ids)) FROM trainees")), 1500U);
  expect_problem(call("GET", "/v1/trainees", ""), 401);
  EXPECT_EQ(call("GET", "/v1/trainees?limit=5", admin_).body["items"].size(), 5U);
}

}  // namespace
}  // namespace kakehashi::testing

namespace kakehashi::testing {
namespace {

TEST_F(ApiTest, AdministratorsGrowTheTaxonomyAndItIsUsedAtOnce) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  nlohmann::json skill = {{"name", "Vision Transformers"},
                          {"category", "ai"},
                          {"aliases", {"ViT", "vision transformer"}},
                          {"related", {{{"skill", "PyTorch"}, {"similarity", 0.5}}}}};
  expect_problem(call("POST", "/v1/skills", key, skill), 403);
  auto created = call("POST", "/v1/skills", admin_, skill);
  ASSERT_EQ(created.status(), 201) << created.http.body;
  EXPECT_EQ(created.body["aliases"], nlohmann::json({"vision transformer", "vit"}));  // sorted
  EXPECT_EQ(created.body["related"][0]["skill"], "PyTorch");
  auto t = trainee("vit@example.com");
  t["skills"] = {{{"skill", "ViT"}, {"level", 3}}};
  auto made = call("POST", "/v1/trainees", key, t);
  ASSERT_EQ(made.status(), 201) << made.http.body;
  EXPECT_EQ(made.body["skills"][0]["skill"], "Vision Transformers");
  const std::string path = "/v1/skills/" + std::to_string(created.body["id"].get<int>());
  auto patched = call("PATCH", path, admin_, {{"aliases", {"vit"}}}, {{"If-Match", "\"1\""}});
  ASSERT_EQ(patched.status(), 200) << patched.http.body;
  EXPECT_EQ(patched.body["version"], 2);
  expect_problem(call("PATCH", path, admin_, {{"category", "x"}}, {{"If-Match", "\"1\""}}), 412);
  // Names and aliases stay unique; similarity lies strictly inside (0, 1).
  auto clash = call("POST", "/v1/skills", admin_,
                    {{"name", "torch"},
                     {"aliases", {"python"}},
                     {"related", {{{"skill", "SQL"}, {"similarity", 1}}}}});
  expect_problem(clash, 422);
  EXPECT_EQ(clash.body["errors"].size(), 3U) << clash.http.body;
  expect_problem(call("PATCH", "/v1/skills/999999", admin_, {{"category", "x"}}), 404);
  expect_problem(call("PATCH", "/v1/skills/abc", admin_, {{"category", "x"}}), 404);
}

}  // namespace
}  // namespace kakehashi::testing
