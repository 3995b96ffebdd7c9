// Faults under load, against the real binary and a real PostgreSQL: the
// database crashes and comes back, a backend dies in the middle of a
// transaction, a statement runs out of time, the process is told to stop, and
// a replica's listener loses its connection. Every request gets an answer,
// nothing acknowledged is lost, and the service recovers without a restart.
// (Stops the shared cluster, so it runs on its own: SERIAL in CMakeLists.)
#include <pqxx/pqxx>

#include <atomic>
#include <csignal>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include "integration/api_fixture.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Polls `done` every 20 ms until it holds or `limit` passes.
template <typename F>
bool eventually(F done, std::chrono::milliseconds limit = 15s) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

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

  // The database pool's gauge from /metrics.
  static int pool_gauge(std::uint16_t port, const std::string& state) {
    const auto body = request(port, "GET", "/metrics").body;
    const std::string key = "db_pool_connections{state=\"" + state + "\"} ";
    const auto at = body.find(key);
    return at == std::string::npos ? -1 : std::stoi(body.substr(at + key.size()));
  }

  // Waits until one of the service's connections waits for a lock.
  bool a_request_waits_for_a_lock() {
    return eventually([&] {
      return db_.query_value(
                 "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'kakehashi/%' "
                 "AND wait_event_type = 'Lock'") != "0";
    });
  }

  std::string school_, school_key_, firm_, firm_key_;
};

// What the load saw, and what it was told was done.
struct Ledger {
  std::mutex mutex;
  std::map<int, int> statuses;  // 0: no answer at all
  int without_retry_after = 0;
  // Trainee id -> the city of its last acknowledged write, and the cities of
  // the writes after it that got no acknowledgement (they may have committed).
  std::map<std::string, std::pair<std::string, std::set<std::string>>> cities;
  std::optional<Clock::time_point> first_success_after_restart;

  void saw(int status, const HttpResponse& r, bool restarted) {
    std::lock_guard lock(mutex);
    ++statuses[status];
    if (status == 503 && !r.header("Retry-After")) ++without_retry_after;
    if (status / 100 == 2 && restarted && !first_success_after_restart) {
      first_success_after_restart = Clock::now();
    }
  }
};

TEST_F(FaultsTest, TheDatabaseCrashingUnderWritesLosesNoAcknowledgedWrite) {
  Ledger ledger;
  std::atomic<bool> stop{false}, restarted{false};
  auto writer = [&](int worker) {
    std::vector<std::string> mine;
    for (int i = 0; !stop; ++i) {
      const std::string city = "City " + std::to_string(worker) + "-" + std::to_string(i);
      const bool create = mine.empty() || i % 2 == 0;
      const std::string email = "w" + std::to_string(worker) + "n" + std::to_string(i) + "@x.org";
      json body = trainee(email);
      body["city"] = city;
      std::string target = "/v1/trainees";
      if (!create) {
        target += "/" + mine[static_cast<std::size_t>(i) % mine.size()];
        body = {{"city", city}};
      }
      HttpResponse r;
      try {
        r = call(create ? "POST" : "PATCH", target, school_key_, body).http;
      } catch (const std::exception&) {
        r.status = 0;  // no answer: the worst outcome, counted and asserted on
      }
      const bool was_restarted = restarted;
      ledger.saw(r.status, r, was_restarted);
      if (r.status == 503) std::this_thread::sleep_for(20ms);  // a client backs off
      std::lock_guard lock(ledger.mutex);
      if (create && r.status == 201) {
        const std::string id = json::parse(r.body)["id"];
        mine.push_back(id);
        ledger.cities[id] = {city, {}};
      } else if (!create) {
        auto& [acknowledged, maybe] = ledger.cities[target.substr(13)];
        if (r.status == 200) {
          acknowledged = city;
          maybe.clear();
        } else {
          maybe.insert(city);
        }
      }
    }
  };
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) workers.emplace_back(writer, w);

  std::this_thread::sleep_for(1s);  // load before the crash
  struct Restart {
    ~Restart() {
      try {
        control_cluster("start");
      } catch (...) {
      }
    }
  } restart_on_exit;
  control_cluster("stop", "immediate");
  std::this_thread::sleep_for(2s);  // the outage
  control_cluster("start");
  const auto started = Clock::now();
  restarted = true;
  const bool recovered = eventually([&] {
    std::lock_guard lock(ledger.mutex);
    return ledger.first_success_after_restart.has_value();
  });
  std::this_thread::sleep_for(1s);  // load after the recovery
  stop = true;
  for (auto& w : workers) w.join();

  ASSERT_TRUE(recovered) << "no write succeeded within 15 s of the restart";
  const double recovery =
      std::chrono::duration<double>(*ledger.first_success_after_restart - started).count();
  int answered = 0;
  for (const auto& [status, n] : ledger.statuses) {
    answered += status ? n : 0;
    EXPECT_TRUE(status / 100 == 2 || status == 503) << n << " answers of " << status;
  }
  EXPECT_EQ(ledger.statuses[0], 0) << "requests that got no answer";
  EXPECT_GT(ledger.statuses[503], 0) << "the outage was not seen";
  EXPECT_EQ(ledger.without_retry_after, 0) << "503s without Retry-After";
  std::cout << "[ figures ] " << answered << " requests answered (" << ledger.statuses[201]
            << " created, " << ledger.statuses[200] << " updated, " << ledger.statuses[503]
            << " 503), " << ledger.cities.size() << " acknowledged trainees checked, first write "
            << recovery << " s after the restart\n";

  // Every acknowledged trainee is there with its last acknowledged city, or
  // the city of a later write that was not acknowledged but committed.
  for (const auto& [id, cities] : ledger.cities) {
    auto r = call("GET", "/v1/trainees/" + id, school_key_);
    ASSERT_EQ(r.status(), 200) << id << ": " << r.http.body;
    const std::string city = r.body["city"];
    EXPECT_TRUE(city == cities.first || cities.second.count(city))
        << id << " has " << city << ", acknowledged " << cities.first;
  }
  // Nothing half-applied: no trainee without its personal data.
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainees t WHERE NOT EXISTS "
                            "(SELECT 1 FROM trainee_personal p WHERE p.trainee_id = t.id)"),
            "0");
}

TEST_F(FaultsTest, ABackendKilledMidTransactionIs503AndThePoolRecovers) {
  auto created = call("POST", "/v1/trainees", school_key_, trainee("held@example.com"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string id = created.body["id"];

  pqxx::connection holder(db_.url());
  pqxx::work lock(holder);
  lock.exec("SELECT 1 FROM trainees WHERE id = " + lock.quote(id) + " FOR UPDATE");
  auto patch = std::async(std::launch::async, [&] {
    return call("PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Sylhet"}});
  });
  ASSERT_TRUE(a_request_waits_for_a_lock());
  db_.query_value(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name LIKE 'kakehashi/%' AND wait_event_type = 'Lock'");
  const auto answer = patch.get();
  EXPECT_EQ(answer.status(), 503) << answer.http.body;
  EXPECT_TRUE(answer.http.header("Retry-After").has_value());
  lock.abort();

  // No slot leaked: every slot is free again, and the next write succeeds.
  EXPECT_TRUE(eventually([&] { return pool_gauge(service_->port(), "busy") == 0; }));
  auto again = call("PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Sylhet"}});
  EXPECT_EQ(again.status(), 200) << again.http.body;
  EXPECT_EQ(again.body["city"], "Sylhet");
  EXPECT_EQ(pool_gauge(service_->port(), "idle") + pool_gauge(service_->port(), "busy") +
                pool_gauge(service_->port(), "disconnected"),
            4);  // KAKEHASHI_DB_POOL_SIZE's default
}

TEST_F(FaultsTest, AStatementTimeoutIs503AndThePoolRecovers) {
  auto env = db_.env();
  env["KAKEHASHI_DB_STATEMENT_TIMEOUT_MS"] = "300";
  ServiceProcess impatient(env);
  wait_ready(impatient.port());
  auto created = call("POST", "/v1/trainees", school_key_, trainee("slow@example.com"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string id = created.body["id"];

  pqxx::connection holder(db_.url());
  pqxx::work lock(holder);
  lock.exec("SELECT 1 FROM trainees WHERE id = " + lock.quote(id) + " FOR UPDATE");
  const auto sent = Clock::now();
  auto r =
      call_on(impatient.port(), "PATCH", "/v1/trainees/" + id, school_key_, {{"city", "Rajshahi"}});
  EXPECT_EQ(r.status(), 503) << r.http.body;
  EXPECT_TRUE(r.http.header("Retry-After").has_value());
  EXPECT_LT(seconds_since(sent), 5.0);
  lock.abort();

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
  pqxx::connection holder(db_.url());
  pqxx::work lock(holder);
  lock.exec("SELECT 1 FROM trainees WHERE id = " + lock.quote(id) + " FOR UPDATE");
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
  lock.abort();
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
  // Writes through the first process while the second's listener is cut.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      json t = trainee("cut" + std::to_string(i) + "@example.com");
      t["skills"] = {{{"skill", i % 2 ? "SQL" : "Python"}, {"level", 2 + i % 4}}};
      call("POST", "/v1/trainees", school_key_, t);
    }
  });
  std::this_thread::sleep_for(300ms);
  db_.query_value(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name = 'kakehashi-listener'");
  std::this_thread::sleep_for(700ms);
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
  EXPECT_NE(second.output().find("will reload"), std::string::npos);
}

}  // namespace
}  // namespace kakehashi::testing
