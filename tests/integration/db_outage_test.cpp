// The database goes away and comes back: the service answers 503 instead of
// hanging, and recovers without a restart.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

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

}  // namespace
}  // namespace kakehashi::testing
