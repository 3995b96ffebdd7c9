// GET /v1/trainees/{id} on a document-cache miss (api::TraineeReader and
// write_trainee_body): the body is the same bytes the DOM renders after every
// kind of write, tenancy, erasure and ETags hold, and concurrent misses that
// share a statement each get their own trainee.
#include <regex>
#include <thread>

#include "integration/api_fixture.hpp"
#include "support/eventually.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;

class TraineeReadsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::tie(org_, key_) = organization("Dhaka AI Academy", "training_provider");
  }

  // Every field the document has, with text that needs escaping.
  static json full_trainee(const std::string& email) {
    json t = trainee(email);
    t["full_name"] = "Rahim \"Ray\" Uddin \\ 日本語 </script>";
    t["phone"] = "+880 1711-000000";
    t["gender"] = "male";
    t["district"] = "Gazipur";
    t["program"] = "Deep learning / computer vision";
    t["available_from"] = "2027-01-15";
    t["hours_per_week"] = 37;
    t["expected_monthly_rate"] = {{"amount", 123456.78}, {"currency", "BDT"}};
    t["domains"] = {"automotive", "robotics"};
    t["engagement"] = {"offshore", "hybrid"};
    t["working_hours"] = {{"start", "08:30"}, {"end", "17:15"}, {"days", {"sun", "mon", "tue"}}};
    t["bill_rate_multiplier"] = 1.25;
    t["languages"] = {{"japanese", "N2"},
                      {"english", "C1"},
                      {"japanese_certified", true},
                      {"japanese_exam_date", "2025-12-07"},
                      {"bjt_score", 480}};
    t["certifications"] = {{{"name", "ITEE FE"}, {"year", 2025}, {"verified", true}},
                           {{"name", "AWS \"SAA\""}}};
    t["skills"] = {{{"skill", "torch"}, {"level", 4}, {"years", 2.5}},
                   {{"skill", "Python"}, {"level", 5}, {"years", 3}},
                   {{"skill", "SQL"}, {"level", 2}}};
    return t;
  }

  // Reads on a fresh connection; the write before it dropped the document
  // from the cache, so this is a miss.
  HttpResponse get_raw(const std::string& id, const std::string& key,
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    return call("GET", "/v1/trainees/" + id, key, nullptr, std::move(headers)).http;
  }

  double misses() {
    auto metrics = request(service_->port(), "GET", "/metrics", "", {}).body;
    std::smatch m;
    std::regex re("trainee_document_cache_total\\{result=\"miss\"\\} ([0-9.e+]+)");
    return std::regex_search(metrics, m, re) ? std::stod(m[1]) : -1;
  }

  std::string org_, key_;
};

TEST_F(TraineeReadsTest, AColdReadIsTheWrittenDocumentByteForByte) {
  auto created = call("POST", "/v1/trainees", key_, full_trainee("rahim@example.com"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string id = created.body["id"];
  const double before = misses();
  auto cold = get_raw(id, key_);
  ASSERT_EQ(cold.status, 200) << cold.body;
  EXPECT_EQ(misses(), before + 1);
  EXPECT_EQ(cold.body, created.http.body);
  EXPECT_EQ(cold.header("ETag"), created.http.header("ETag"));
  EXPECT_EQ(cold.header("Cache-Control"), "no-store");
  EXPECT_EQ(cold.header("Content-Type"), "application/json");
  // The warm read answers the same.
  EXPECT_EQ(get_raw(id, key_).body, cold.body);

  // Every kind of write a trainee's organization makes: the next cold read
  // is what the write answered, and shows what was written.
  const std::vector<json> patches = {
      {{"full_name", "Karim"}, {"email", "karim@example.com"}, {"phone", nullptr}},
      {{"skills", {{{"skill", "SQL"}, {"level", 4}, {"years", 0.5}}}}},
      {{"skills", json::array()}, {"domains", json::array()}, {"certifications", json::array()}},
      {{"working_hours", {{"start", "22:00"}, {"end", "06:00"}, {"days", {"sat"}}}}},
      {{"expected_monthly_rate", {{"amount", 90000}, {"currency", "JPY"}}},
       {"bill_rate_multiplier", 2}},
      {{"expected_monthly_rate", nullptr}, {"hours_per_week", nullptr}, {"program", nullptr}},
      {{"consent", {{"matching", false}, {"share_with_firms_abroad", false}}}},
      {{"status", "withdrawn"}},
  };
  for (const auto& patch : patches) {
    auto patched = call("PATCH", "/v1/trainees/" + id, key_, patch);
    ASSERT_EQ(patched.status(), 200) << patch.dump() << patched.http.body;
    const double misses_before = misses();
    auto read = get_raw(id, key_);
    EXPECT_EQ(misses(), misses_before + 1) << patch.dump();
    EXPECT_EQ(read.body, patched.http.body) << patch.dump();
    EXPECT_EQ(read.header("ETag"), patched.http.header("ETag"));
    const json doc = json::parse(read.body);
    for (const auto& [field, value] : patch.items()) {
      if (field == "skills" && !value.empty()) {
        EXPECT_EQ(doc["skills"][0]["skill"], "SQL");
        EXPECT_EQ(doc["skills"][0]["years"], 0.5);
      } else if (value.is_null() || !value.is_object()) {
        EXPECT_EQ(doc[field], value) << field;
      }
    }
  }
  // A cold read with the current ETag is 304, with an older one 200.
  auto patched = call("PATCH", "/v1/trainees/" + id, key_, {{"city", "Sylhet"}});
  ASSERT_EQ(patched.status(), 200);
  const std::string etag = *patched.http.header("ETag");
  EXPECT_EQ(get_raw(id, key_, {{"If-None-Match", etag}}).status, 304);
  call("PATCH", "/v1/trainees/" + id, key_, {{"city", "Khulna"}});
  auto changed = get_raw(id, key_, {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(json::parse(changed.body)["city"], "Khulna");
}

TEST_F(TraineeReadsTest, TenancyAuditAndErasureHoldOnTheColdPath) {
  auto created = call("POST", "/v1/trainees", key_, full_trainee("erase@example.com"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string id = created.body["id"];
  auto [other, other_key] = organization("Chattogram Code School", "training_provider");
  auto [firm, firm_key] = organization("Nagoya Precision", "firm");
  // Misses first: a fresh service, so nothing is cached.
  service_ = std::make_unique<ServiceProcess>(service_env());
  wait_ready(service_->port());
  expect_problem(call("GET", "/v1/trainees/" + id, other_key), 404);
  expect_problem(call("GET", "/v1/trainees/" + id, firm_key), 403);
  expect_problem(call("GET", "/v1/trainees/00000000-0000-0000-0000-000000000000", key_), 404);
  expect_problem(call("GET", "/v1/trainees/not-a-uuid", key_), 404);
  // An upper-case id names the same trainee, as PostgreSQL reads it.
  std::string upper = id;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(get_raw(upper, key_).body, created.http.body);
  // An administrator's read of personal data is recorded, cold or warm.
  const auto audited = [&] {
    return std::stoi(db_.query_value(
        "SELECT count(*) FROM audit_events WHERE kind = 'personal_data_read' AND trainee_id = '" +
        id + "'"));
  };
  const int audits = audited();
  auto by_admin = call("GET", "/v1/trainees/" + id, admin_);
  ASSERT_EQ(by_admin.status(), 200);
  EXPECT_EQ(by_admin.http.body, created.http.body);
  EXPECT_EQ(audited(), audits + 1);

  auto erased = call("DELETE", "/v1/trainees/" + id, key_);
  ASSERT_EQ(erased.status(), 204) << erased.http.body;
  expect_problem(call("GET", "/v1/trainees/" + id, key_), 404);
  // The administrator still reads the erased profile, with no personal data
  // left in it, and no read of personal data is recorded.
  auto after = call("GET", "/v1/trainees/" + id, admin_);
  ASSERT_EQ(after.status(), 200) << after.http.body;
  EXPECT_EQ(after.body["status"], "erased");
  for (const char* field :
       {"full_name", "email", "phone", "gender", "district", "city", "program"}) {
    EXPECT_TRUE(after.body[field].is_null()) << field;
  }
  EXPECT_EQ(after.body["certifications"], json::array());
  for (const char* text : {"Rahim", "erase@example.com", "1711", "Gazipur", "Deep learning"}) {
    EXPECT_EQ(after.http.body.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(audited(), audits + 1);
  // Cold again in a fresh process: the same.
  service_ = std::make_unique<ServiceProcess>(service_env());
  wait_ready(service_->port());
  EXPECT_EQ(call("GET", "/v1/trainees/" + id, admin_).http.body, after.http.body);
}

TEST_F(TraineeReadsTest, ASkillRenameShowsInTheNextColdRead) {
  auto created = call("POST", "/v1/trainees", key_, full_trainee("rename@example.com"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string id = created.body["id"];
  auto skills = call("GET", "/v1/skills?q=SQL", admin_);
  ASSERT_EQ(skills.status(), 200) << skills.http.body;
  int sql_id = 0;
  for (const auto& s : skills.body["items"]) {
    if (s["name"] == "SQL") sql_id = s["id"];
  }
  ASSERT_NE(sql_id, 0) << skills.http.body;
  auto renamed = call("PATCH", "/v1/skills/" + std::to_string(sql_id), admin_,
                      {{"name", "Structured Query Language"}});
  ASSERT_EQ(renamed.status(), 200) << renamed.http.body;
  EXPECT_TRUE(eventually([&] {
    auto doc = json::parse(get_raw(id, key_).body);
    for (const auto& s : doc["skills"]) {
      if (s["skill"] == "Structured Query Language") return true;
    }
    return false;
  }));
}

TEST_F(TraineeReadsTest, ConcurrentMissesEachGetTheirOwnTrainee) {
  std::vector<std::pair<std::string, std::string>> made;  // id, body
  for (int i = 0; i < 24; ++i) {
    json t = full_trainee("t" + std::to_string(i) + "@example.com");
    t["full_name"] = "Trainee " + std::to_string(i);
    t["hours_per_week"] = 10 + i;
    auto created = call("POST", "/v1/trainees", key_, t);
    ASSERT_EQ(created.status(), 201) << created.http.body;
    made.emplace_back(created.body["id"], created.http.body);
  }
  service_ = std::make_unique<ServiceProcess>(service_env());
  wait_ready(service_->port());
  const auto port = service_->port();
  std::vector<std::string> got(made.size() * 2);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      got[i] = call_on(port, "GET", "/v1/trainees/" + made[i % made.size()].first, key_).http.body;
    });
  }
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], made[i % made.size()].second);
}

}  // namespace
}  // namespace kakehashi::testing
