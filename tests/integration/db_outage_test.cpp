// The database goes away and comes back: the service answers 503 instead of
// hanging, and recovers without a restart.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "integration/api_fixture.hpp"
#include "support/http_client.hpp"
#include "support/service_process.hpp"
#include "support/test_database.hpp"

namespace kakehashi::testing {
namespace {

using namespace std::chrono_literals;

TEST(DatabaseOutage, ReadyzIs503WhileDownAnd200AfterRecovery) {
  TestDatabase db;
  ASSERT_EQ(run_kakehashi({"migrate"}, db.env()).exit_code, 0);
  ServiceProcess svc(db.env());
  ASSERT_EQ(wait_ready(svc.port()).status, 200);

  control_cluster("stop");
  struct Restart {
    ~Restart() {
      try {
        control_cluster("start");
      } catch (...) {
      }
    }
  } restart_on_exit;

  const auto started = std::chrono::steady_clock::now();
  auto down = request(svc.port(), "GET", "/readyz");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.header("Retry-After"), "1");
  EXPECT_EQ(nlohmann::json::parse(down.body)["checks"]["database"], "unreachable");
  EXPECT_EQ(request(svc.port(), "GET", "/healthz").status, 200);  // the process is up

  control_cluster("start");
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    status = request(svc.port(), "GET", "/readyz").status;
    if (status != 200) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status, 200) << svc.output();
  auto metrics = request(svc.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find(R"(route="/readyz",status="503")"), std::string::npos);
}

// Ranking needs no database: a candidates page nobody asked for before is
// ranked on the CPU executor from the in-memory index while the database is
// down (the caller's key is still in the key cache).
class OutageApiTest : public ApiTest {};

TEST_F(OutageApiTest, ACandidatesMissIsAnsweredWhileTheDatabaseIsDown) {
  auto [school, school_key] = organization("Dhaka AI Academy", "training_provider");
  auto [firm, firm_key] = organization("Toyoda Auto Parts", "firm");
  for (int i = 0; i < 3; ++i) {
    auto t = trainee("outage" + std::to_string(i) + "@example.com");
    t["skills"] = {{{"skill", "Python"}, {"level", 3 + i}}};
    ASSERT_EQ(call("POST", "/v1/trainees", school_key, t).status(), 201);
  }
  auto p = call("POST", "/v1/projects", firm_key,
                {{"title", "Inspection AI"},
                 {"skills", {{{"skill", "Python"}, {"min_level", 3}, {"required", true}}}},
                 {"headcount", 1},
                 {"start_date", "2027-02-01"},
                 {"duration_months", 6},
                 {"status", "open"}});
  ASSERT_EQ(p.status(), 201) << p.http.body;
  const std::string path = "/v1/projects/" + p.body["id"].get<std::string>() + "/candidates";
  ASSERT_EQ(call("GET", path + "?limit=1", firm_key).status(), 200);

  control_cluster("stop");
  struct Restart {
    ~Restart() {
      try {
        control_cluster("start");
      } catch (...) {
      }
    }
  } restart_on_exit;
  auto miss = call("GET", path + "?limit=3", firm_key);
  EXPECT_EQ(miss.status(), 200) << miss.http.body;
  EXPECT_EQ(miss.body["items"].size(), 3U) << miss.http.body;
  EXPECT_EQ(request(service_->port(), "GET", "/readyz").status, 503);  // the database is down
  control_cluster("start");
  for (int i = 0; i < 100 && request(service_->port(), "GET", "/readyz").status != 200; ++i) {
    std::this_thread::sleep_for(100ms);
  }
}

}  // namespace
}  // namespace kakehashi::testing
