// The defects a probe of the running service found (issue "Defects found by
// probing"), one test each, against the real binary and PostgreSQL: hostile
// JSON, idempotency, data at rest, HTTP framing, and the text that Japanese
// firms and Bangladeshi training organizations actually type.
#include <cstdio>
#include <set>
#include <thread>

#include "integration/api_fixture.hpp"
#include "support/eventually.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class ProbeTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::tie(school_, school_key_) = organization("Dhaka AI Academy", "training_provider");
    std::tie(firm_, firm_key_) = organization("Toyoda Auto Parts", "firm");
  }

  HttpResponse raw(const std::string& method, const std::string& path, const std::string& body,
                   const std::string& key, const std::string& type = "application/json",
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!key.empty()) headers.emplace_back("Authorization", "Bearer " + key);
    if (!type.empty()) headers.emplace_back("Content-Type", type);
    return request(service_->port(), method, path, body, headers);
  }

  std::string add_trainee(const std::string& email, json overrides = json::object()) {
    json t = trainee(email);
    t["available_from"] = "2027-01-01";
    t.merge_patch(overrides);
    auto r = call("POST", "/v1/trainees", school_key_, t);
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  json project_body(const std::string& title) {
    return {
        {"title", title},
        {"skills", {{{"skill", "Python"}, {"min_level", 3}, {"weight", 5}, {"required", true}}}},
        {"headcount", 2},
        {"start_date", "2027-02-01"},
        {"duration_months", 6},
        {"engagement", "offshore"},
        {"status", "open"}};
  }

  std::string add_project(const std::string& title) {
    auto r = call("POST", "/v1/projects", firm_key_, project_body(title));
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  // The whole database as pg_dump writes it.
  std::string dump() {
    std::string out;
    FILE* p = ::popen(("pg_dump --no-owner '" + db_.url() + "'").c_str(), "r");
    if (!p) return out;
    char buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    EXPECT_EQ(::pclose(p), 0);
    return out;
  }

  std::string school_, school_key_, firm_, firm_key_;
};

// 1. Deeply nested JSON: a 400 at parse time on every JSON route, and the
// server stays up.
TEST_F(ProbeTest, DeeplyNestedJsonIs400OnEveryJsonRouteAndTheServerStaysUp) {
  const auto trainee_id =
      add_trainee("deep@example.com", {{"skills", {{{"skill", "Python"}, {"level", 5}}}}});
  const auto project = add_project("Deep project");
  auto match =
      call("POST", "/v1/matches", firm_key_, {{"project_id", project}, {"trainee_id", trainee_id}});
  ASSERT_EQ(match.status(), 201) << match.http.body;
  const std::string match_id = match.body["id"];
  const std::string deep(100'000, '[');
  const std::string deep_object = "{\"a\":" + deep;
  struct Route {
    std::string method, path, key, type;
  };
  const std::vector<Route> routes = {
      {"POST", "/v1/organizations", admin_, "application/json"},
      {"POST", "/v1/organizations/" + school_ + "/api-keys", admin_, "application/json"},
      {"POST", "/v1/trainees", school_key_, "application/json"},
      {"PATCH", "/v1/trainees/" + trainee_id, school_key_, "application/merge-patch+json"},
      {"POST", "/v1/projects", firm_key_, "application/json"},
      {"PATCH", "/v1/projects/" + project, firm_key_, "application/merge-patch+json"},
      {"POST", "/v1/skills", admin_, "application/json"},
      {"PATCH", "/v1/skills/1", admin_, "application/merge-patch+json"},
      {"POST", "/v1/matches", firm_key_, "application/json"},
      {"POST", "/v1/matches/" + match_id + "/transitions", firm_key_, "application/json"},
      {"POST", "/v1/matching-rounds", admin_, "application/json"},
  };
  for (const auto& r : routes) {
    for (const auto& body : {deep, deep_object}) {
      auto res = raw(r.method, r.path, body, r.key, r.type);
      EXPECT_EQ(res.status, 400) << r.method << " " << r.path << ": " << res.body;
      EXPECT_EQ(res.header("Content-Type"), "application/problem+json");
    }
  }
  // NDJSON import rows are documents too.
  auto import = raw("POST", "/v1/trainees/import?dry_run=true", deep_object + "\n", school_key_,
                    "application/x-ndjson");
  EXPECT_EQ(import.status, 200) << import.body;
  EXPECT_NE(import.body.find("levels deep"), std::string::npos) << import.body;
  EXPECT_EQ(request(service_->port(), "GET", "/healthz").status, 200);
  // 64 levels are still a document (the limit is not off by one).
  std::string nested64 =
      "{\"label\":\"x\",\"n\":" + std::string(62, '[') + std::string(62, ']') + "}";
  EXPECT_EQ(raw("POST", "/v1/organizations/" + school_ + "/api-keys", nested64, admin_).status,
            422);
}

// 2. Ten concurrent creates with one Idempotency-Key make one project.
// Without If-Match a merge patch applies to the record as it is: concurrent
// patches of different fields all succeed, each applied once (they were 412s).
TEST_F(ProbeTest, ConcurrentPatchesWithoutIfMatchAreEachAppliedOnce) {
  auto created = call("POST", "/v1/trainees", school_key_, trainee("busy@example.com"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string path = "/v1/trainees/" + created.body["id"].get<std::string>();
  const std::int64_t version = created.body["version"];
  const std::vector<json> patches = {
      {{"city", "Sylhet"}},          {{"hours_per_week", 30}},
      {{"domains", {"fintech"}}},    {{"engagement", {"hybrid"}}},
      {{"phone", "+8801700000000"}}, {{"available_from", "2027-05-01"}}};
  std::vector<int> statuses(patches.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < patches.size(); ++i) {
    threads.emplace_back(
        [&, i] { statuses[i] = call("PATCH", path, school_key_, patches[i]).status(); });
  }
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < patches.size(); ++i) {
    EXPECT_EQ(statuses[i], 200) << patches[i].dump();
  }
  auto now = call("GET", path, school_key_);
  EXPECT_EQ(now.body["version"], version + static_cast<std::int64_t>(patches.size()));
  EXPECT_EQ(now.body["city"], "Sylhet");
  EXPECT_EQ(now.body["hours_per_week"], 30);
  EXPECT_EQ(now.body["domains"], json({"fintech"}));
  EXPECT_EQ(now.body["engagement"], json({"hybrid"}));
  EXPECT_EQ(now.body["phone"], "+8801700000000");
  EXPECT_EQ(now.body["available_from"], "2027-05-01");
  // With If-Match the precondition still holds: a stale ETag is 412.
  auto stale = call("PATCH", path, school_key_, {{"city", "Khulna"}},
                    {{"If-Match", "\"" + std::to_string(version) + "\""}});
  EXPECT_EQ(stale.status(), 412) << stale.http.body;
}

TEST_F(ProbeTest, ConcurrentRequestsWithOneIdempotencyKeyCreateExactlyOnce) {
  const std::string body = project_body("Concurrent").dump();
  std::vector<int> statuses(10);
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = raw("POST", "/v1/projects", body, firm_key_, "application/json",
                        {{"Idempotency-Key", "same-key-1"}})
                        .status;
    });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  for (int s : statuses) {
    EXPECT_TRUE(s == 201 || s == 409) << s;
    if (s == 201) ++created;
  }
  EXPECT_GE(created, 1);
  EXPECT_EQ(count_rows("projects"), 1U);
  // Once the first has finished, a repeat replays it.
  auto again = raw("POST", "/v1/projects", body, firm_key_, "application/json",
                   {{"Idempotency-Key", "same-key-1"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(count_rows("projects"), 1U);
}

// 3. The idempotency store holds no secrets and no personal data; erasure
// leaves none of the trainee's personal data anywhere in the database.
TEST_F(ProbeTest, IdempotencyKeepsNoSecretsAndErasureLeavesNoPersonalDataInTheDatabase) {
  auto key = call("POST", "/v1/organizations/" + firm_ + "/api-keys", admin_, {{"label", "ci"}},
                  {{"Idempotency-Key", "key-create-1"}});
  ASSERT_EQ(key.status(), 201) << key.http.body;
  const std::string secret = key.body["secret"];
  auto replay = call("POST", "/v1/organizations/" + firm_ + "/api-keys", admin_, {{"label", "ci"}},
                     {{"Idempotency-Key", "key-create-1"}});
  EXPECT_EQ(replay.status(), 201) << replay.http.body;
  EXPECT_EQ(replay.http.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.body["id"], key.body["id"]);
  EXPECT_FALSE(replay.body.contains("secret"));
  EXPECT_EQ(replay.http.body.find(secret), std::string::npos);
  EXPECT_EQ(replay.http.header("Cache-Control"), "no-store");

  const std::string name = "Nusrat Jahan Probe", email = "nusrat.probe@example.com",
                    phone = "+8801700999111", program = "Probe Cohort Programme 7";
  json t = trainee(email);
  t["full_name"] = name;
  t["phone"] = phone;
  t["program"] = program;
  auto created = call("POST", "/v1/trainees", school_key_, t, {{"Idempotency-Key", "trainee-1"}});
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string id = created.body["id"];
  EXPECT_EQ(call("DELETE", "/v1/trainees/" + id, school_key_).status(), 204);
  // The replay answers as GET does: the erased trainee is gone for its
  // organization (it answered 201 with the erased record).
  auto after = call("POST", "/v1/trainees", school_key_, t, {{"Idempotency-Key", "trainee-1"}});
  expect_problem(after, 404);
  EXPECT_EQ(after.http.body.find(name), std::string::npos);
  const std::string all = dump();
  ASSERT_NE(all.find("Dhaka AI Academy"), std::string::npos);  // the dump has data at all
  for (const auto& personal : {name, email, phone, program, secret}) {
    EXPECT_EQ(all.find(personal), std::string::npos) << personal << " is still in the database";
  }
  // Records expire after a day.
  db_.exec("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'");
  auto fresh = call("POST", "/v1/organizations/" + firm_ + "/api-keys", admin_, {{"label", "ci"}},
                    {{"Idempotency-Key", "key-create-1"}});
  EXPECT_EQ(fresh.status(), 201);
  EXPECT_TRUE(fresh.body.contains("secret"));
  EXPECT_NE(fresh.body["id"], key.body["id"]);
}

// 4. A project whose matches moved beyond proposed cannot be deleted.
TEST_F(ProbeTest, ProjectWithMatchesBeyondProposedCannotBeDeleted) {
  const auto trainee_id =
      add_trainee("placed@example.com", {{"skills", {{{"skill", "Python"}, {"level", 5}}}}});
  const auto project = add_project("Kept project");
  auto match =
      call("POST", "/v1/matches", firm_key_, {{"project_id", project}, {"trainee_id", trainee_id}});
  ASSERT_EQ(match.status(), 201) << match.http.body;
  ASSERT_EQ(match.body["state"], "shortlisted");
  auto refused = call("DELETE", "/v1/projects/" + project, firm_key_);
  expect_problem(refused, 409);
  EXPECT_NE(refused.body.value("detail", "").find("close it"), std::string::npos);
  EXPECT_EQ(call("GET", "/v1/projects/" + project, firm_key_).status(), 200);
  EXPECT_EQ(count_rows("matches"), 1U);
  // The database refuses it for any writer, not only this handler.
  EXPECT_THROW(db_.exec("DELETE FROM matches"), std::exception);
  EXPECT_EQ(count_rows("matches"), 1U);
  // A project with proposals only still deletes, with them.
  db_.exec("UPDATE matches SET state = 'proposed'");
  EXPECT_EQ(call("DELETE", "/v1/projects/" + project, firm_key_).status(), 204);
  EXPECT_EQ(count_rows("matches"), 0U);
}

// 5. consent.recorded_at is the server's, moves with every consent change,
// and each change is an audit event.
TEST_F(ProbeTest, ConsentTimestampIsSetByTheServerAndChangesAreAudited) {
  const auto id = add_trainee("consent@example.com");
  auto first = call("GET", "/v1/trainees/" + id, school_key_);
  const std::string recorded = first.body["consent"]["recorded_at"];
  auto forged = call("PATCH", "/v1/trainees/" + id, school_key_,
                     {{"consent",
                       {{"matching", true},
                        {"share_with_firms_abroad", true},
                        {"recorded_at", "2020-01-01T00:00:00Z"}}}});
  expect_problem(forged, 422);
  EXPECT_NE(forged.http.body.find("/consent/recorded_at"), std::string::npos);
  auto created_forged = call("POST", "/v1/trainees", school_key_, [] {
    json t = trainee("forged@example.com");
    t["consent"]["recorded_at"] = "2020-01-01T00:00:00Z";
    return t;
  }());
  expect_problem(created_forged, 422);
  std::this_thread::sleep_for(20ms);
  auto changed = call("PATCH", "/v1/trainees/" + id, school_key_,
                      {{"consent", {{"matching", true}, {"share_with_firms_abroad", false}}}});
  ASSERT_EQ(changed.status(), 200) << changed.http.body;
  const std::string moved = changed.body["consent"]["recorded_at"];
  EXPECT_GT(moved, recorded);
  // An edit that leaves consent alone leaves its timestamp alone.
  auto city = call("PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Sylhet"}});
  ASSERT_EQ(city.status(), 200) << city.http.body;
  EXPECT_EQ(city.body["consent"]["recorded_at"], moved);
  auto audit = call("GET", "/v1/audit?kind=consent&trainee_id=" + id, admin_);
  ASSERT_EQ(audit.status(), 200) << audit.http.body;
  ASSERT_EQ(audit.body["items"].size(), 1U) << audit.http.body;
  EXPECT_EQ(audit.body["items"][0]["kind"], "consent");
}

// A PATCH answers for the members it names. A member it leaves alone keeps its
// stored value, even one a rule added since refuses: a probe could not
// withdraw a trainee's consent because of a phone stored before such phones
// were refused.
TEST_F(ProbeTest, APatchAnswersForTheMembersItChangesAndKeepsTheRest) {
  const auto id = add_trainee(
      "legacy@example.com", {{"expected_monthly_rate", {{"amount", 90000}, {"currency", "BDT"}}}});
  // As rows written under older rules hold them.
  const std::string mangled = "Dh\uFFFDka";  // the city, once in a wrong encoding
  db_.exec("UPDATE trainee_personal SET phone = '8.80171E+12' WHERE trainee_id = '" + id + "'");
  db_.exec("UPDATE trainees SET country = 'XX', city = '" + mangled +
           "', rate_currency = 'ZZZ', program = ' Cohort A ' WHERE id = '" + id + "'");
  auto withdrawn = call("PATCH", "/v1/trainees/" + id, school_key_,
                        {{"consent", {{"matching", false}, {"share_with_firms_abroad", false}}}});
  ASSERT_EQ(withdrawn.status(), 200) << withdrawn.http.body;
  EXPECT_FALSE(withdrawn.body["consent"]["matching"].get<bool>());
  EXPECT_EQ(withdrawn.body["phone"], "8.80171E+12");
  EXPECT_EQ(withdrawn.body["country"], "XX");
  EXPECT_EQ(withdrawn.body["city"], mangled);
  EXPECT_EQ(withdrawn.body["expected_monthly_rate"]["currency"], "ZZZ");
  EXPECT_EQ(withdrawn.body["program"], " Cohort A ");  // kept as stored, not trimmed again
  // The console sends its whole form back: members named with their stored
  // values are left alone too.
  json form = withdrawn.body;
  for (const char* key : {"id", "alias", "organization_id", "version", "created_at", "updated_at"})
    form.erase(key);
  form["consent"] = {{"matching", true}, {"share_with_firms_abroad", false}};
  auto again = call("PATCH", "/v1/trainees/" + id, school_key_, form);
  ASSERT_EQ(again.status(), 200) << again.http.body;
  EXPECT_TRUE(again.body["consent"]["matching"].get<bool>());
  EXPECT_EQ(again.body["phone"], "8.80171E+12");
  // A member the patch names answers to today's rules, the nested ones of an
  // object it names included, and only those errors are listed.
  auto named = call("PATCH", "/v1/trainees/" + id, school_key_,
                    {{"phone", "8.80171E+13"}, {"expected_monthly_rate", {{"amount", 95000}}}});
  expect_problem(named, 422);
  std::set<std::string> pointers;
  for (const auto& e : named.body["errors"]) pointers.insert(e.value("pointer", ""));
  EXPECT_EQ(pointers, (std::set<std::string>{"/phone", "/expected_monthly_rate/currency"}))
      << named.http.body;
  // Naming a member puts it right; the others stay as they were.
  auto fixed = call("PATCH", "/v1/trainees/" + id, school_key_,
                    {{"phone", "+880 1711 000000"}, {"city", "Dhaka"}});
  ASSERT_EQ(fixed.status(), 200) << fixed.http.body;
  EXPECT_EQ(fixed.body["phone"], "+880 1711 000000");
  EXPECT_EQ(fixed.body["city"], "Dhaka");
  EXPECT_EQ(fixed.body["country"], "XX");
  EXPECT_EQ(db_.query_value("SELECT rate_currency FROM trainees WHERE id = '" + id + "'"), "ZZZ");
}

// The same for a project: a firm can close a project whose stored description
// holds U+FFFD and whose budget names a currency no longer accepted.
TEST_F(ProbeTest, AProjectPatchAnswersForTheMembersItChanges) {
  const auto id = add_project("Legacy project");
  const std::string mangled = "\u691C\uFFFD\u67FB";  // 検?査, once in a wrong encoding
  db_.exec("UPDATE projects SET description = '" + mangled +
           "', budget_max = 500000, budget_currency = 'ZZZ' WHERE id = '" + id + "'");
  auto closed = call("PATCH", "/v1/projects/" + id, firm_key_, {{"status", "closed"}});
  ASSERT_EQ(closed.status(), 200) << closed.http.body;
  EXPECT_EQ(closed.body["status"], "closed");
  EXPECT_EQ(closed.body["description"], mangled);
  EXPECT_EQ(closed.body["budget_monthly"]["currency"], "ZZZ");
  auto named = call("PATCH", "/v1/projects/" + id, firm_key_,
                    {{"budget_monthly", {{"max", 600000}}}, {"title", ""}});
  expect_problem(named, 422);
  std::set<std::string> pointers;
  for (const auto& e : named.body["errors"]) pointers.insert(e.value("pointer", ""));
  EXPECT_EQ(pointers, (std::set<std::string>{"/budget_monthly/currency", "/title"}))
      << named.http.body;
  // A rule that names a patched member with another is the patch's to answer
  // for, though its error is in the member the patch leaves alone.
  ASSERT_EQ(call("PATCH", "/v1/projects/" + id, firm_key_,
                 {{"hours_per_week", 40}, {"min_hours_per_week", 20}})
                .status(),
            200);
  auto fewer = call("PATCH", "/v1/projects/" + id, firm_key_, {{"hours_per_week", 10}});
  expect_problem(fewer, 422);
  ASSERT_EQ(fewer.body["errors"].size(), 1U) << fewer.http.body;
  EXPECT_EQ(fewer.body["errors"][0]["pointer"], "/min_hours_per_week");
  // Skills are named as the taxonomy names them now, which the firm did not
  // type: an unchanged list is kept, whatever rule its names break.
  const std::string renamed = "Py\uFFFDthon";
  db_.exec("UPDATE skills SET name = '" + renamed + "' WHERE name = 'Python'");
  ASSERT_TRUE(eventually([&] {
    return call("GET", "/v1/projects/" + id, firm_key_).body["skills"][0]["skill"] == renamed;
  }));
  auto reopened = call("PATCH", "/v1/projects/" + id, firm_key_, {{"status", "open"}});
  ASSERT_EQ(reopened.status(), 200) << reopened.http.body;
  EXPECT_EQ(reopened.body["skills"][0]["skill"], renamed);
  EXPECT_EQ(reopened.body["skills"][0]["min_level"], 3);
}

// 6. Transfer-Encoding other than exactly "chunked", and HTTP/1.1 without
// Host: 400 and the connection closed.
TEST_F(ProbeTest, AmbiguousFramingIs400AndClosesTheConnection) {
  for (const std::string te :
       {"chunked, identity", "gzip", "xchunked", "identity", "chunked, chunked"}) {
    Connection c(service_->port());
    c.send("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te +
           "\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r) << te;
    EXPECT_EQ(r->status, 400) << te;
    EXPECT_FALSE(c.read_response()) << te << ": the body was read as a second request";
  }
  {
    Connection c(service_->port());
    c.send(
        "GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\nHost: "
        "x\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
  {
    Connection c(service_->port());
    c.send("GET /healthz HTTP/1.1\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_TRUE(c.closed_by_peer(3s));
  }
  Connection ok(service_->port());
  ok.send("GET /healthz HTTP/1.0\r\n\r\n");  // HTTP/1.0 needs no Host
  auto r = ok.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// 7. 401/403/404/405 come from the header alone: a large body is not read.
TEST_F(ProbeTest, RefusalsAreAnsweredFromTheHeaderBeforeTheBody) {
  struct Case {
    std::string method, path, key;
    std::size_t length;  // announced; within the route's limit
    int status;
  };
  const std::size_t import_size = 60 * 1024 * 1024, small = 900 * 1024;
  const std::vector<Case> cases = {
      {"POST", "/v1/trainees/import", "", import_size, 401},
      {"POST", "/v1/trainees/import", "kh_" + std::string(48, '0'), import_size, 401},
      {"POST", "/v1/trainees/import", firm_key_, import_size, 403},
      {"POST", "/v1/nothing-here", school_key_, small, 404},
      {"PUT", "/v1/trainees/import", school_key_, small, 405},
  };
  for (const auto& c : cases) {
    Connection conn(service_->port(), 5s);
    std::string head = c.method + " " + c.path +
                       " HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: " +
                       std::to_string(c.length) + "\r\n";
    if (!c.key.empty()) head += "Authorization: Bearer " + c.key + "\r\n";
    conn.send(head + "\r\nfull_name,email\r\n");  // a large body announced, a few bytes sent
    auto r = conn.read_response();
    ASSERT_TRUE(r) << c.method << " " << c.path << ": no answer before the body";
    EXPECT_EQ(r->status, c.status) << c.method << " " << c.path << ": " << r->body;
  }
}

// 8. Unknown methods fold into one metric label.
TEST_F(ProbeTest, UnknownMethodsDoNotGrowTheMetrics) {
  for (const std::string& method : {std::string("PROBEXA"), std::string(8000, 'Q')}) {
    Connection c(service_->port());
    c.send(method + " /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 405);
  }
  auto metrics = request(service_->port(), "GET", "/metrics");
  EXPECT_EQ(metrics.body.find("PROBEXA"), std::string::npos);
  EXPECT_EQ(metrics.body.find("QQQQ"), std::string::npos);
  EXPECT_NE(metrics.body.find("method=\"OTHER\""), std::string::npos) << metrics.body;
}

// 9. Odd bytes in a bearer key are a 401, in an Idempotency-Key a 400.
TEST_F(ProbeTest, MalformedKeysAre4xxNot500) {
  const std::string bad = "kh_" + std::string(44, 'a') + "\xff\xfezz";  // 51 bytes, not hex
  auto r = request(service_->port(), "GET", "/v1/me", "", {{"Authorization", "Bearer " + bad}});
  EXPECT_EQ(r.status, 401) << r.body;
  auto upper = request(service_->port(), "GET", "/v1/me", "",
                       {{"Authorization", "Bearer kh_" + std::string(48, 'G')}});
  EXPECT_EQ(upper.status, 401) << upper.body;
  auto idem = raw("POST", "/v1/projects", project_body("Idem").dump(), firm_key_,
                  "application/json", {{"Idempotency-Key", "abc\xff\xfe"}});
  EXPECT_EQ(idem.status, 400) << idem.body;
  EXPECT_EQ(count_rows("projects"), 0U);
}

// 10. A NUL inside a JSON string is a 422 naming the field, never stored
// shorter, never a 500, and no personal data reaches the log.
TEST_F(ProbeTest, NulInJsonStringsIs422AndPersonalDataStaysOutOfTheLog) {
  const std::string body =
      R"({"full_name":"Rahim\u0000Uddin","email":"rahim.nul@example.com\u0000","city":"Dha\u0000ka"})";
  auto r = raw("POST", "/v1/trainees", body, school_key_);
  EXPECT_EQ(r.status, 422) << r.body;
  for (const char* field : {"/full_name", "/email", "/city"}) {
    EXPECT_NE(r.body.find(field), std::string::npos) << field << " not named: " << r.body;
  }
  auto title = raw("POST", "/v1/projects", R"({"title":"AI\u0000","headcount":1})", firm_key_);
  EXPECT_EQ(title.status, 422) << title.body;
  EXPECT_EQ(count_rows("trainees"), 0U);
  service_->log_barrier();
  EXPECT_EQ(service_->output().find("rahim.nul"), std::string::npos);
}

// 11. NUL bytes and invalid UTF-8 in a CSV are reported with row and column by
// the dry run and the import alike.
TEST_F(ProbeTest, CsvCellsWithNulOrInvalidUtf8AreRowErrorsNot500) {
  const std::string nul = std::string("full_name,email,city\nAnika,anika@example.com,Dha") + '\0' +
                          "ka\nBodrul,bodrul@example.com,Sylhet\n";
  auto dry = raw("POST", "/v1/trainees/import?dry_run=true", nul, school_key_, "text/csv");
  ASSERT_EQ(dry.status, 200) << dry.body;
  auto report = json::parse(dry.body);
  ASSERT_EQ(report["errors"].size(), 1U) << dry.body;
  EXPECT_EQ(report["errors"][0]["line"], 2);
  EXPECT_EQ(report["errors"][0]["pointer"], "/city");
  auto real = raw("POST", "/v1/trainees/import", nul, school_key_, "text/csv");
  EXPECT_EQ(real.status, 422) << real.body;
  const std::string latin1 =
      "full_name,email\nBodrul,bodrul@example.com\nJos\xe9,jose@example.com\n";
  for (const char* query : {"?dry_run=true", ""}) {
    auto r =
        raw("POST", std::string("/v1/trainees/import") + query, latin1, school_key_, "text/csv");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_NE(r.body.find("CSV UTF-8"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"line\":3"), std::string::npos) << r.body;
  }
  EXPECT_EQ(count_rows("trainees"), 0U);
  service_->log_barrier();
  EXPECT_EQ(service_->output().find("anika@example.com"), std::string::npos);
}

// 12. Timestamps out of range are a 422, not a 500.
TEST_F(ProbeTest, OutOfRangeTimestampsAre422) {
  for (const char* since : {"2026-01-01T25:61:61Z", "2026-01-01T23:59:60Z", "2026-02-30T00:00:00Z",
                            "2026-01-01T00:00:00+24:00"}) {
    auto r = call("GET", std::string("/v1/audit?since=") + since, admin_);
    EXPECT_EQ(r.status(), 422) << since << ": " << r.http.body;
  }
  EXPECT_EQ(call("GET", "/v1/audit?since=2026-01-01T23:59:59%2B09:00", admin_).status(), 200);
}

// 13. A single-valued query parameter given twice is refused; nothing runs.
TEST_F(ProbeTest, RepeatedQueryParameterIs400AndNothingIsImported) {
  auto r = raw("POST", "/v1/trainees/import?dry_run=true&dry_run=false",
               "full_name,email\nAnika,anika@example.com\n", school_key_, "text/csv");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(count_rows("trainees"), 0U);
  EXPECT_EQ(call("GET", "/v1/trainees?limit=5&limit=6", school_key_).status(), 400);
}

// 14. If-Match compares strongly: a weak tag never matches, nor does another
// spelling of the version.
TEST_F(ProbeTest, WeakETagDoesNotPassIfMatch) {
  const auto id = add_trainee("weak@example.com");
  auto read = call("GET", "/v1/trainees/" + id, school_key_);
  const std::string strong = read.http.header("ETag").value_or("");
  ASSERT_FALSE(strong.empty());
  auto weak = call("PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Khulna"}},
                   {{"If-Match", "W/" + strong}});
  expect_problem(weak, 412);
  // Nor does a tag that reads as the same number but is not the one issued.
  ASSERT_EQ(strong, "\"1\"");
  for (const char* other : {"\"01\"", "\"+1\"", "\"1 \"", "\"0\"", "\"-1\""}) {
    expect_problem(call("PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Khulna"}},
                        {{"If-Match", other}}),
                   412);
  }
  EXPECT_EQ(call("GET", "/v1/trainees/" + id, school_key_).body["city"], "Dhaka");
  EXPECT_EQ(
      call("PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Khulna"}}, {{"If-Match", strong}})
          .status(),
      200);
}

// 15. Limits count characters: Japanese names within them are accepted.
TEST_F(ProbeTest, JapaneseTextWithinCharacterLimitsIsAccepted) {
  std::string name;
  for (int i = 0; i < 70; ++i) name += "株";  // 70 characters, 210 bytes
  auto org = call("POST", "/v1/organizations", admin_,
                  {{"name", name}, {"kind", "firm"}, {"country", "JP"}});
  ASSERT_EQ(org.status(), 201) << org.http.body;
  EXPECT_EQ(org.body["name"], name);
  std::string title;
  for (int i = 0; i < 200; ++i) title += "検";  // the 200-character limit exactly
  auto ok = call("POST", "/v1/projects", firm_key_, [&] {
    json p = project_body(title);
    return p;
  }());
  EXPECT_EQ(ok.status(), 201) << ok.http.body;
  auto long_title = call("POST", "/v1/projects", firm_key_, project_body(title + "査"));
  expect_problem(long_title, 422);
}

// 16. Excel's "CSV UTF-8" (with a byte-order mark) imports; other encodings
// get one clear error.
TEST_F(ProbeTest, ExcelCsvUtf8WithByteOrderMarkIsAccepted) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "full_name,email,city\nAnika Rahman,anika@example.com,ঢাকা\n";
  auto dry = raw("POST", "/v1/trainees/import?dry_run=true", csv, school_key_, "text/csv");
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(json::parse(dry.body)["valid"], 1) << dry.body;
  auto real = raw("POST", "/v1/trainees/import", csv, school_key_, "text/csv");
  ASSERT_EQ(real.status, 201) << real.body;
  auto list = call("GET", "/v1/trainees", school_key_);
  ASSERT_EQ(list.body["items"].size(), 1U);
  EXPECT_EQ(list.body["items"][0]["city"], "ঢাকা");
  // Shift_JIS from Excel's plain "CSV": 山田 as 0x8E 0x52 0x93 0x63.
  const std::string sjis = "full_name,email\n\x8E\x52\x93\x63,yamada@example.com\n";
  auto refused = raw("POST", "/v1/trainees/import?dry_run=true", sjis, school_key_, "text/csv");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("CSV UTF-8"), std::string::npos);
}

// 17. CSV numbers are plain decimals: nan, inf, hex and exponents are row
// errors, never stored. The spaces around a cell's number are padding, as
// around text (" 7" was refused while a padded name was trimmed: probe F2).
TEST_F(ProbeTest, CsvNumbersAreStrictDecimals) {
  std::string csv = "full_name,email,rate_amount,rate_currency\n";
  const std::vector<std::string> bad = {"nan", "inf", "-inf", "0x10", "1e5", "12,5", "7 7"};
  for (std::size_t i = 0; i < bad.size(); ++i) {
    csv += "P" + std::to_string(i) + ",p" + std::to_string(i) + "@example.com,\"" + bad[i] +
           "\",BDT\n";
  }
  csv += "Good,good@example.com,120000.50,BDT\n";
  csv += "Padded,padded@example.com,\" 7 \",BDT\n";
  auto dry = raw("POST", "/v1/trainees/import?dry_run=true", csv, school_key_, "text/csv");
  ASSERT_EQ(dry.status, 200) << dry.body;
  auto report = json::parse(dry.body);
  EXPECT_EQ(report["valid"], 2) << dry.body;
  EXPECT_EQ(report["errors"].size(), bad.size()) << dry.body;
  for (const auto& e : report["errors"]) EXPECT_EQ(e["pointer"], "/expected_monthly_rate/amount");
}

// 18. Unknown currency codes are a 422 naming the field.
TEST_F(ProbeTest, UnknownCurrencyIs422) {
  auto trainee_r = call("POST", "/v1/trainees", school_key_, [] {
    json t = trainee("xyz@example.com");
    t["expected_monthly_rate"] = {{"amount", 100000}, {"currency", "XYZ"}};
    return t;
  }());
  expect_problem(trainee_r, 422);
  EXPECT_NE(trainee_r.http.body.find("/expected_monthly_rate/currency"), std::string::npos);
  json p = project_body("Budget");
  p["budget_monthly"] = {{"max", 500000}, {"currency", "JPX"}};
  auto project_r = call("POST", "/v1/projects", firm_key_, p);
  expect_problem(project_r, 422);
  EXPECT_NE(project_r.http.body.find("currency"), std::string::npos);
  p["budget_monthly"]["currency"] = "JPY";
  EXPECT_EQ(call("POST", "/v1/projects", firm_key_, p).status(), 201);
}

// 19. Skill names typed in full width resolve like their ASCII form.
TEST_F(ProbeTest, FullWidthSkillNamesResolve) {
  const auto id = add_trainee(
      "fullwidth@example.com",
      {{"skills",
        {{{"skill", "ＰｙＴｏｒｃｈ"}, {"level", 4}}, {{"skill", "ｐｙｔｈｏｎ"}, {"level", 3}}}}});
  ASSERT_FALSE(id.empty());
  auto t = call("GET", "/v1/trainees/" + id, school_key_);
  std::set<std::string> names;
  for (const auto& s : t.body["skills"]) names.insert(s["skill"]);
  EXPECT_EQ(names, (std::set<std::string>{"PyTorch", "Python"}));
  // %EF%BC%B0... is "Ｐｙｔｈｏｎ" in a query.
  auto list =
      call("GET", "/v1/trainees?skill=%EF%BC%B0%EF%BD%99%EF%BD%94%EF%BD%88%EF%BD%8F%EF%BD%8E",
           school_key_);
  ASSERT_EQ(list.status(), 200) << list.http.body;
  EXPECT_EQ(list.body["items"].size(), 1U);
}

// Rate limits: a key that sends too much, an address that fails to
// authenticate too often, each answered 429 with Retry-After.
TEST_F(ProbeTest, RateLimitsPerKeyAndForFailedAuthentication) {
  auto env = db_.env();
  env["KAKEHASHI_RATE_LIMIT"] = "2";          // bursts of 4
  env["KAKEHASHI_AUTH_FAILURE_LIMIT"] = "3";  // a minute, bursts of 3
  ServiceProcess limited(env);
  wait_ready(limited.port());
  int granted = 0;
  std::optional<ApiResponse> refused;
  for (int i = 0; i < 50 && !refused; ++i) {
    auto r = call_on(limited.port(), "GET", "/v1/me", firm_key_);
    if (r.status() == 200) ++granted;
    if (r.status() == 429) refused = r;
  }
  EXPECT_GE(granted, 4);
  ASSERT_TRUE(refused) << "never limited";
  expect_problem(*refused, 429);
  EXPECT_GE(std::stoi(refused->http.header("Retry-After").value_or("0")), 1);
  EXPECT_EQ(call_on(limited.port(), "GET", "/v1/me", school_key_).status(), 200);  // its own bucket

  const std::string wrong = "kh_" + std::string(48, '0');
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(call_on(limited.port(), "GET", "/v1/me", wrong).status(), 401) << i;
  }
  auto guessing = call_on(limited.port(), "GET", "/v1/me", wrong);
  expect_problem(guessing, 429);
  EXPECT_EQ(guessing.http.header("Retry-After"), "20");  // one attempt back every 20 s
  // The limit holds for the address's failures, not for keys that work: one
  // client's bad key no longer locks out every client behind the same
  // balancer (it did, a probe found).
  EXPECT_EQ(call_on(limited.port(), "GET", "/v1/me", school_key_).status(), 200);
  expect_problem(call_on(limited.port(), "GET", "/v1/me", "kh_" + std::string(48, '1')), 429);
  expect_problem(call_on(limited.port(), "GET", "/v1/me", "not a key"), 429);
  EXPECT_EQ(request(limited.port(), "GET", "/healthz").status, 200);  // not for public routes
}

// HEAD answers what GET would without the body; If-None-Match with the
// current ETag is a 304; API answers are never stored by caches.
TEST_F(ProbeTest, HeadConditionalGetAndNoStore) {
  const auto id = add_trainee("head@example.com");
  auto get = call("GET", "/v1/trainees/" + id, school_key_);
  ASSERT_EQ(get.status(), 200);
  EXPECT_EQ(get.http.header("Cache-Control"), "no-store");
  const std::string tag = get.http.header("ETag").value_or("");
  ASSERT_FALSE(tag.empty());
  Connection c(service_->port());
  c.send("HEAD /v1/trainees/" + id + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
         school_key_ + "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  // No body follows the header: the pipelined GET's answer comes right after.
  auto head = c.read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("ETag"), tag);
  EXPECT_EQ(head->header("Content-Length"), std::to_string(get.http.body.size()));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(nlohmann::json::parse(next->body)["status"], "ok");
  for (const auto& match : {tag, "W/" + tag, "\"nope\", " + tag, std::string("*")}) {
    auto same = call("GET", "/v1/trainees/" + id, school_key_, nullptr, {{"If-None-Match", match}});
    EXPECT_EQ(same.status(), 304) << match;
    EXPECT_TRUE(same.http.body.empty()) << match;
    EXPECT_EQ(same.http.header("ETag"), tag);
  }
  EXPECT_EQ(call("GET", "/v1/trainees/" + id, school_key_, nullptr, {{"If-None-Match", "\"0\""}})
                .status(),
            200);
  auto allow = request(service_->port(), "DELETE", "/healthz");
  EXPECT_EQ(allow.header("Allow"), "GET, HEAD");
}

// A second probe, after the redesign: each of these was a 500, a silent
// misreading or a leak.
TEST_F(ProbeTest, SecondProbeDefectsAreAnswered) {
  // A query parameter that does not decode is refused, not dropped: this was
  // a real import when the client asked for a dry run.
  auto dropped = raw("POST", "/v1/trainees/import?dry_run=true%00",
                     "full_name,email\nAnika,anika@example.com\n", school_key_, "text/csv");
  EXPECT_EQ(dropped.status, 400) << dropped.body;
  EXPECT_EQ(count_rows("trainees"), 0U);
  // Malformed records count towards the row limit.
  std::string many = "full_name,email\n";
  for (int i = 0; i < 200'001; ++i) many += "x\n";
  EXPECT_EQ(raw("POST", "/v1/trainees/import?dry_run=true", many, school_key_, "text/csv").status,
            413);
  // A repeated column is named, not silently the last one.
  auto columns =
      raw("POST", "/v1/trainees/import?dry_run=true",
          "full_name,email,email\nA,a@example.com,b@example.com\n", school_key_, "text/csv");
  EXPECT_EQ(columns.status, 422) << columns.body;
  // Emails that differ only in non-ASCII case are duplicates in the dry run
  // as in the import (the index folds with Unicode lower()).
  auto folded =
      raw("POST", "/v1/trainees/import?dry_run=true",
          "full_name,email\nUml One,Ärzte.probe@example.com\nUml Two,ärzte.probe@example.com\n",
          school_key_, "text/csv");
  ASSERT_EQ(folded.status, 200) << folded.body;
  EXPECT_EQ(json::parse(folded.body)["valid"], 1) << folded.body;
  // Unicode white space in an email is a 422, not the database's check.
  auto spaced = call("POST", "/v1/trainees", school_key_, [] {
    json t = trainee("sp\u2003ace@example.com");
    return t;
  }());
  expect_problem(spaced, 422);
  // An id in upper case names the same trainee, in the cache too: erasure
  // leaves nothing under either spelling.
  const auto id = add_trainee("cased@example.com");
  std::string upper = id;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_EQ(call("GET", "/v1/trainees/" + upper, school_key_).status(), 200);
  ASSERT_EQ(call("DELETE", "/v1/trainees/" + id, school_key_).status(), 204);
  EXPECT_EQ(call("GET", "/v1/trainees/" + upper, school_key_).status(), 404);
  // "placed" is the placement's to set.
  auto placed = call("PATCH", "/v1/trainees/" + add_trainee("placed2@example.com"), school_key_,
                     {{"status", "placed"}});
  expect_problem(placed, 422);
  // Two Authorization headers: which one? Refused.
  auto two = request(
      service_->port(), "GET", "/v1/me", "",
      {{"Authorization", "Bearer " + school_key_}, {"Authorization", "Bearer " + firm_key_}});
  EXPECT_EQ(two.status, 400) << two.body;
  // Nor two of any field the service reads once (a proxy in front may read
  // the other): every repeated one is named, and nothing is created.
  const auto before = count_rows("trainees");
  auto twice = request(service_->port(), "POST", "/v1/trainees",
                       json{{"full_name", "Twice"}, {"email", "twice@example.com"}}.dump(),
                       {{"Authorization", "Bearer " + school_key_},
                        {"Content-Type", "application/json"},
                        {"Content-Type", "text/csv"},
                        {"Idempotency-Key", "one"},
                        {"idempotency-key", "two"}});
  ASSERT_EQ(twice.status, 400) << twice.body;
  const auto named = json::parse(twice.body);
  std::set<std::string> fields;
  for (const auto& e : named["errors"]) {
    fields.insert(e["pointer"].get<std::string>());
    EXPECT_EQ(e["code"], "duplicate") << e.dump();
  }
  EXPECT_EQ(fields, (std::set<std::string>{"Content-Type", "Idempotency-Key"})) << twice.body;
  EXPECT_EQ(count_rows("trainees"), before);
  // The same value twice names one thing: taken.
  auto same = request(
      service_->port(), "GET", "/v1/me", "",
      {{"Authorization", "Bearer " + school_key_}, {"Authorization", "Bearer " + school_key_}});
  EXPECT_EQ(same.status, 200) << same.body;
  // A fraction longer than PostgreSQL keeps is a 422.
  EXPECT_EQ(
      call("GET", "/v1/audit?since=2026-01-01T00:00:00." + std::string(200, '9') + "Z", admin_)
          .status(),
      422);
  // Aliases the database would refuse, and similarities a real rounds to 1.
  expect_problem(
      call("POST", "/v1/skills", admin_, {{"name", "Probe A"}, {"aliases", {"a\u0007b"}}}), 422);
  auto umlaut = call("POST", "/v1/skills", admin_, {{"name", "Probe B"}, {"aliases", {"ÄLIAS"}}});
  EXPECT_EQ(umlaut.status(), 201) << umlaut.http.body;
  expect_problem(call("POST", "/v1/skills", admin_,
                      {{"name", "Probe C"},
                       {"related", {{{"skill", "Python"}, {"similarity", 0.99999999999}}}}}),
                 422);
  expect_problem(call("POST", "/v1/skills", admin_, {{"name", "PyTorch"}}), 409);
  service_->log_barrier();
  EXPECT_EQ(service_->output().find("unexpected database error"), std::string::npos);
  EXPECT_EQ(service_->output().find("unhandled exception"), std::string::npos);
}

// Lowering a project's headcount below its approved placements is a 409.
// No boolean of the API is nullable: `"dry_run": null` ran a real round
// (null read as "absent", so the default), creating matches that a client
// meant to simulate.
TEST_F(ProbeTest, ANullBooleanIs422AndARoundSentOneRunsNothing) {
  add_trainee("nul-dry@example.com");
  add_project("Null dry run");
  auto round = call("POST", "/v1/matching-rounds", admin_,
                    {{"algorithm", "stable"}, {"dry_run", nullptr}, {"min_score", nullptr}});
  EXPECT_EQ(round.status(), 422) << round.http.body;
  ASSERT_TRUE(round.body["errors"].is_array());
  ASSERT_EQ(round.body["errors"].size(), 1U) << round.http.body;
  EXPECT_EQ(round.body["errors"][0]["pointer"], "/dry_run");
  EXPECT_EQ(round.body["errors"][0]["code"], "wrong_type");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM matching_rounds"), "0");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM matches"), "0");
  // Other booleans too, every error at once.
  json t = trainee("nul-bool@example.com");
  t["consent"]["matching"] = nullptr;
  t["languages"]["japanese_certified"] = nullptr;
  auto created = call("POST", "/v1/trainees", school_key_, t);
  EXPECT_EQ(created.status(), 422) << created.http.body;
  EXPECT_NE(created.http.body.find("/consent/matching"), std::string::npos) << created.http.body;
  EXPECT_NE(created.http.body.find("/languages/japanese_certified"), std::string::npos)
      << created.http.body;
  // Given as a boolean, the round simulates.
  EXPECT_EQ(
      call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "stable"}, {"dry_run", true}})
          .status(),
      201);
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM matches"), "0");
}

TEST_F(ProbeTest, HeadcountBelowApprovedPlacementsIs409) {
  const auto project = add_project("Two seats");  // headcount 2
  for (int n = 0; n < 2; ++n) {
    const auto trainee_id = add_trainee("seat" + std::to_string(n) + "@example.com",
                                        {{"skills", {{{"skill", "Python"}, {"level", 5}}}}});
    auto m = call("POST", "/v1/matches", firm_key_,
                  {{"project_id", project}, {"trainee_id", trainee_id}});
    ASSERT_EQ(m.status(), 201) << m.http.body;
    const std::string match = m.body["id"];
    for (auto [to, key] :
         std::vector<std::pair<std::string, std::string>>{{"interviewing", firm_key_},
                                                          {"offered", firm_key_},
                                                          {"accepted", school_key_},
                                                          {"approved", admin_}}) {
      auto cur = call("GET", "/v1/matches/" + match, key);
      ASSERT_EQ(call("POST", "/v1/matches/" + match + "/transitions", key, {{"to", to}},
                     {{"If-Match", cur.http.header("ETag").value_or("")}})
                    .status(),
                200)
          << to;
    }
  }
  auto lowered = call("PATCH", "/v1/projects/" + project, firm_key_, {{"headcount", 1}});
  expect_problem(lowered, 409);
  EXPECT_NE(lowered.http.body.find("/headcount"), std::string::npos) << lowered.http.body;
  EXPECT_EQ(call("GET", "/v1/projects/" + project, firm_key_).body["headcount"], 2);
}

}  // namespace
}  // namespace kakehashi::testing
