// Faults under load, against the real binary and a real PostgreSQL: a backend
// dies in the middle of a transaction, a statement runs out of time, the
// process is told to stop, and a replica's listener loses its connection.
// Every request gets an answer and the service recovers without a restart.
// (The database crashing under writes is in db_outage_test.cpp, which stops the
// shared cluster. These tests touch only their own database's sessions, so
// they run beside others.)
#include <pqxx/pqxx>

#include <atomic>
#include <csignal>
#include <future>
#include <initializer_list>
#include <map>
#include <mutex>
#include <set>

#include "integration/api_fixture.hpp"
#include "support/eventually.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

class FaultsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::tie(school_, school_key_) = organization("Chittagong ML Institute", "training_provider");
    std::tie(firm_, firm_key_) = organization("Hamamatsu Robotics", "firm");
  }

  // The pool these tests count, whatever KAKEHASHI_DB_POOL_SIZE the suite's
  // environment holds.
  static constexpr int kPoolSize = 4;
  std::map<std::string, std::string> service_env() const override {
    auto env = ApiTest::service_env();
    env["KAKEHASHI_DB_POOL_SIZE"] = std::to_string(kPoolSize);
    return env;
  }

  // The database pool's gauge from /metrics.
  static int pool_gauge(std::uint16_t port, const std::string& state) {
    return pool_gauges(port, {state});
  }
  // The sum of the pool's gauges for `states`, from one scrape: read one by
  // one, a slot could move from one state to another between two scrapes (a
  // webhook poll takes one every second) and be counted twice.
  static int pool_gauges(std::uint16_t port, std::initializer_list<std::string> states) {
    const auto body = request(port, "GET", "/metrics").body;
    int sum = 0;
    for (const auto& state : states) {
      const std::string key = "db_pool_connections{state=\"" + state + "\"} ";
      const auto at = body.find(key);
      if (at == std::string::npos) return -1;
      sum += std::stoi(body.substr(at + key.size()));
    }
    return sum;
  }

  // A trainee's row locked by the test's own transaction, until release():
  // a write to that trainee waits for it.
  class RowLock {
   public:
    RowLock(const std::string& url, const std::string& trainee_id)
        : connection_(url), tx_(connection_) {
      tx_.exec("SELECT 1 FROM trainees WHERE id = " + tx_.quote(trainee_id) + " FOR UPDATE");
    }
    void release() { tx_.abort(); }

   private:
    pqxx::connection connection_;
    pqxx::work tx_;
  };

  // The service's sessions (named kakehashi/<request id>) that wait for a lock.
  static constexpr const char* kWaitingForALock =
      "FROM pg_stat_activity WHERE datname = current_database() "
      "AND application_name LIKE 'kakehashi/%' AND wait_event_type = 'Lock'";

  // Waits until one of the service's connections waits for a lock.
  bool a_request_waits_for_a_lock() {
    return eventually(
        [&] { return db_.query_value(std::string("SELECT count(*) ") + kWaitingForALock) != "0"; });
  }

  std::string school_, school_key_, firm_, firm_key_;
};

TEST_F(FaultsTest, ABackendKilledMidTransactionIs503AndThePoolRecovers) {
  auto created = call("POST", "/v1/trainees", school_key_, trainee("held@example.com"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string id = created.body["id"];

  RowLock lock(db_.url(), id);
  auto patch = std::async(std::launch::async, [&] {
    return call("PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Sylhet"}});
  });
  ASSERT_TRUE(a_request_waits_for_a_lock());
  db_.query_value(std::string("SELECT count(pg_terminate_backend(pid)) ") + kWaitingForALock);
  const auto answer = patch.get();
  EXPECT_EQ(answer.status(), 503) << answer.http.body;
  EXPECT_TRUE(answer.http.header("Retry-After").has_value());
  lock.release();

  // No slot leaked: every slot is free again, and the next write succeeds.
  EXPECT_TRUE(eventually([&] { return pool_gauge(service_->port(), "busy") == 0; }));
  auto again = call("PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Sylhet"}});
  EXPECT_EQ(again.status(), 200) << again.http.body;
  EXPECT_EQ(again.body["city"], "Sylhet");
  EXPECT_EQ(pool_gauges(service_->port(), {"idle", "busy", "disconnected"}), kPoolSize);
}

// The pool connects at start, not on the first requests after readiness (the
// index load alone leaves most of a larger pool unconnected).
TEST_F(FaultsTest, ThePoolIsConnectedBeforeTheServiceIsReady) {
  auto env = db_.env();
  env["KAKEHASHI_DB_POOL_SIZE"] = "12";
  ServiceProcess fresh(env);
  wait_ready(fresh.port());
  ASSERT_EQ(request(fresh.port(), "GET", "/readyz").status, 200) << fresh.output();
  const int open = pool_gauges(fresh.port(), {"idle", "busy"});
  EXPECT_EQ(open, 12) << fresh.output();
  EXPECT_EQ(pool_gauge(fresh.port(), "disconnected"), 0);
  EXPECT_NE(fresh.output().find(R"("msg":"database connections opened")"), std::string::npos)
      << fresh.output();
}

TEST_F(FaultsTest, AStatementTimeoutIs503AndThePoolRecovers) {
  auto env = db_.env();
  env["KAKEHASHI_DB_STATEMENT_TIMEOUT_MS"] = "300";
  ServiceProcess impatient(env);
  wait_ready(impatient.port());
  auto created = call("POST", "/v1/trainees", school_key_, trainee("slow@example.com"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string id = created.body["id"];

  RowLock lock(db_.url(), id);
  const auto sent = Clock::now();
  auto r =
      call_on(impatient.port(), "PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Rajshahi"}});
  EXPECT_EQ(r.status(), 503) << r.http.body;
  EXPECT_TRUE(r.http.header("Retry-After").has_value());
  EXPECT_LT(seconds_since(sent), 5.0);
  lock.release();

  EXPECT_TRUE(eventually([&] { return pool_gauge(impatient.port(), "busy") == 0; }));
  auto again =
      call_on(impatient.port(), "PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Rajshahi"}});
  EXPECT_EQ(again.status(), 200) << again.http.body;
}

TEST_F(FaultsTest, SigtermUnderLoadFailsReadinessFirstThenDrains) {
  auto env = db_.env();
  env["KAKEHASHI_DRAIN_NOTICE_MS"] = "1500";
  env["KAKEHASHI_DRAIN_TIMEOUT_MS"] = "8000";
  env["KAKEHASHI_DB_STATEMENT_TIMEOUT_MS"] = "30000";  // the request in flight waits for a lock
  env["KAKEHASHI_RATE_LIMIT"] = "0";                   // the load is one key at full speed
  ServiceProcess svc(env);
  wait_ready(svc.port());
  auto created = call("POST", "/v1/trainees", school_key_, trainee("inflight@example.com"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string id = created.body["id"];

  // Load: reads on new connections until the listener refuses them.
  std::atomic<int> served{0}, failed_while_listening{0};
  std::atomic<bool> refused{false};
  std::vector<std::thread> load;
  for (int i = 0; i < 3; ++i) {
    load.emplace_back([&] {
      while (!refused) {
        try {
          auto r = call_on(svc.port(), "GET", "/v1/trainees/" + id, school_key_);
          if (r.status() == 200) {
            ++served;
          } else {
            ++failed_while_listening;
          }
        } catch (const std::exception&) {
          refused = true;  // connect refused: the listener has closed
        }
      }
    });
  }
  // A request in flight: it waits for a row lock the test holds.
  RowLock lock(db_.url(), id);
  auto in_flight = std::async(std::launch::async, [&] {
    return call_on(svc.port(), "PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Khulna"}});
  });
  ASSERT_TRUE(a_request_waits_for_a_lock());

  const auto signalled = Clock::now();
  svc.signal(SIGTERM);
  // Readiness fails first, while everything else is still served.
  ASSERT_TRUE(eventually([&] { return request(svc.port(), "GET", "/readyz").status == 503; }));
  const auto draining = request(svc.port(), "GET", "/readyz");
  EXPECT_EQ(json::parse(draining.body)["checks"]["process"], "draining") << draining.body;
  const int served_at_notice = served;
  EXPECT_EQ(call_on(svc.port(), "GET", "/v1/trainees/" + id, school_key_).status(), 200);
  EXPECT_TRUE(eventually([&] { return served > served_at_notice; }));
  // Then new connections are refused, not before the notice has passed.
  EXPECT_TRUE(eventually([&] { return refused.load(); }));
  const double refused_after = seconds_since(signalled);
  EXPECT_GE(refused_after, 1.4);
  for (auto& t : load) t.join();
  EXPECT_EQ(failed_while_listening, 0);

  // The request in flight completes once its lock is free; then the process exits.
  lock.release();
  const auto answer = in_flight.get();
  EXPECT_EQ(answer.status(), 200) << answer.http.body;
  EXPECT_EQ(answer.http.header("Connection"), "close");
  const auto code = svc.wait(10s);
  ASSERT_TRUE(code.has_value()) << "did not exit within the drain timeout";
  EXPECT_EQ(*code, 0);
  EXPECT_LT(seconds_since(signalled), 1.5 + 8.0);
  std::cout << "[ figures ] " << served << " reads served under load; connections refused "
            << refused_after << " s after SIGTERM; exit " << seconds_since(signalled)
            << " s after SIGTERM\n";
}

TEST_F(FaultsTest, AReplicaWhoseListenerWasCutConvergesToAFreshLoad) {
  ServiceProcess second(db_.env());
  wait_ready(second.port());
  std::vector<std::string> projects;
  for (int i = 0; i < 3; ++i) {
    json p = {{"title", "Vision " + std::to_string(i)},
              {"skills", {{{"skill", i == 1 ? "SQL" : "Python"}, {"min_level", 2 + i}}}},
              {"headcount", 2},
              {"start_date", "2027-04-01"},
              {"duration_months", 6},
              {"status", "open"}};
    auto r = call("POST", "/v1/projects", firm_key_, p);
    ASSERT_EQ(r.status(), 201) << r.http.body;
    projects.push_back(r.body["id"]);
  }
  // Writes through the first process while the listeners are cut (both
  // processes', as both use this database): both must converge.
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      json t = trainee("cut" + std::to_string(i) + "@example.com");
      t["skills"] = {{{"skill", i % 2 ? "SQL" : "Python"}, {"level", 2 + i % 4}}};
      if (call("POST", "/v1/trainees", school_key_, t).status() == 201) ++written;
    }
  });
  // Writes before the cut, while the listener is down, and after it is back.
  ASSERT_TRUE(eventually([&] { return written >= 20; }));
  db_.query_value(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE datname = current_database() AND application_name = 'kakehashi-listener'");
  const int at_cut = written;
  EXPECT_TRUE(second.wait_for_output("will reload", 15s)) << second.output();
  EXPECT_TRUE(eventually([&] { return written >= at_cut + 40; }));
  stop = true;
  writer.join();

  // A process started now loads everything afresh; the second must converge to it.
  ServiceProcess fresh(db_.env());
  wait_ready(fresh.port());
  auto ranking = [&](std::uint16_t port, const std::string& project) {
    auto r = call_on(port, "GET", "/v1/projects/" + project + "/candidates?limit=50", firm_key_);
    std::vector<std::pair<std::string, double>> out;
    for (const auto& item : r.body["items"]) {
      out.emplace_back(item["trainee"]["id"], item["score"].get<double>());
    }
    return out;
  };
  for (const auto& project : projects) {
    const auto expected = ranking(fresh.port(), project);
    EXPECT_FALSE(expected.empty());
    EXPECT_TRUE(eventually([&] { return ranking(second.port(), project) == expected; }))
        << "project " << project << " ranks differently on the replica whose listener was cut";
    EXPECT_EQ(ranking(service_->port(), project), expected);
  }
}

}  // namespace
}  // namespace kakehashi::testing
