// A running kakehashi on a fresh database, with an administrator key and the
// helpers API tests share.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/service_process.hpp"
#include "support/spare_service.hpp"
#include "support/test_database.hpp"

namespace kakehashi::testing {

struct ApiResponse {
  HttpResponse http;
  nlohmann::json body;
  int status() const { return http.status; }
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = db_.admin_key();
    service_ = take_service(db_, service_env());
    wait_ready(service_->port());
    // The next test of this fixture, if one follows in this process, finds
    // its database and service made (support/spare_service.hpp).
    if (next_test_is_of_this_suite()) prepare_spare(service_env());
  }

  // Whether the test this process runs after the current one belongs to the
  // same suite (so to this fixture, whose service_env() it shares).
  static bool next_test_is_of_this_suite() {
    const auto* unit = ::testing::UnitTest::GetInstance();
    const auto* current = unit->current_test_info();
    bool seen = false;
    for (int i = 0; current && i < unit->total_test_suite_count(); ++i) {
      const auto* suite = unit->GetTestSuite(i);
      for (int j = 0; j < suite->total_test_count(); ++j) {
        const auto* test = suite->GetTestInfo(j);
        if (seen && test->should_run()) {
          return std::string(test->test_suite_name()) == current->test_suite_name();
        }
        if (test == current) seen = true;
      }
    }
    return false;
  }

  // The service's environment: the database's, and what a test adds.
  virtual std::map<std::string, std::string> service_env() const { return db_.env(); }

  // Waits until /readyz answers 200 (the matcher's index has loaded).
  static void wait_ready(std::uint16_t port) {
    auto r = kakehashi::testing::wait_ready(port);
    ASSERT_EQ(r.status, 200) << "service on port " << port << " never became ready: " << r.body;
  }

  ApiResponse call(const std::string& method, const std::string& path, const std::string& key,
                   const nlohmann::json& body = nullptr,
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    return call_on(service_->port(), method, path, key, body, std::move(headers));
  }

  static ApiResponse call_on(std::uint16_t port, const std::string& method, const std::string& path,
                             const std::string& key, const nlohmann::json& body = nullptr,
                             std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!key.empty()) headers.emplace_back("Authorization", "Bearer " + key);
    std::string raw = body.is_null() ? "" : body.dump();
    // A PATCH is a merge patch unless the caller names another type (two
    // different Content-Types are refused).
    const bool typed = std::any_of(headers.begin(), headers.end(),
                                   [](const auto& h) { return h.first == "Content-Type"; });
    if (!body.is_null() && method == "PATCH" && !typed) {
      headers.emplace_back("Content-Type", "application/merge-patch+json");
    }
    ApiResponse r{request(port, method, path, raw, headers), nullptr};
    r.body = nlohmann::json::parse(r.http.body, nullptr, false);
    return r;
  }

  // Creates an organization and returns {id, key}.
  std::pair<std::string, std::string> organization(const std::string& name,
                                                   const std::string& kind) {
    auto org = call("POST", "/v1/organizations", admin_,
                    {{"name", name}, {"kind", kind}, {"country", kind == "firm" ? "JP" : "BD"}});
    EXPECT_EQ(org.status(), 201) << org.http.body;
    const std::string id = org.body["id"];
    auto key = call("POST", "/v1/organizations/" + id + "/api-keys", admin_, {{"label", "main"}});
    EXPECT_EQ(key.status(), 201) << key.http.body;
    return {id, key.body["secret"]};
  }

  static nlohmann::json trainee(const std::string& email) {
    return {
        {"full_name", "Test Trainee"},
        {"email", email},
        {"country", "BD"},
        {"city", "Dhaka"},
        {"timezone", "Asia/Dhaka"},
        {"skills",
         {{{"skill", "torch"}, {"level", 4}, {"years", 2.5}}, {{"skill", "Python"}, {"level", 5}}}},
        {"languages", {{"japanese", "N4"}, {"english", "B2"}}},
        {"consent", {{"matching", true}, {"share_with_firms_abroad", true}}}};
  }

  std::size_t count_rows(const std::string& table) {
    return std::stoul(db_.query_value("SELECT count(*) FROM " + table));
  }

  void expect_problem(const ApiResponse& r, int status) {
    EXPECT_EQ(r.status(), status) << r.http.body;
    EXPECT_EQ(r.http.header("Content-Type"), "application/problem+json");
    EXPECT_EQ(r.body.value("status", 0), status);
  }
  // The same, of the type https://kakehashi.example/problems/<type>.
  void expect_problem(const ApiResponse& r, int status, const std::string& type) {
    expect_problem(r, status);
    EXPECT_EQ(r.body.value("type", ""), "https://kakehashi.example/problems/" + type)
        << r.http.body;
  }

  // A fresh copy of the migrated template: the one made while the previous
  // test ran, if it was (support/spare_service.hpp).
  std::unique_ptr<TestDatabase> db_owner_ = take_database();
  TestDatabase& db_ = *db_owner_;
  std::string admin_;
  std::unique_ptr<ServiceProcess> service_;
};

}  // namespace kakehashi::testing
