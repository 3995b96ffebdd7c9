// What an operator sees of a request: its id and trace id on every log line
// it causes, its id on its database session, slow statements logged without
// their values, and the /metrics series the Grafana dashboard in docker/
// draws. Runs the real binary and reads its output.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "integration/api_fixture.hpp"
#include "support/paths.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// The service's JSON log lines.
std::vector<json> log_lines(const std::string& output) {
  std::vector<json> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() != '{') continue;
    auto parsed = json::parse(line, nullptr, false);
    if (!parsed.is_discarded()) lines.push_back(std::move(parsed));
  }
  return lines;
}

std::vector<json> lines_of(const std::string& output, const std::string& request_id) {
  std::vector<json> out;
  for (auto& line : log_lines(output)) {
    if (line.value("request_id", "") == request_id) out.push_back(std::move(line));
  }
  return out;
}

class ObservabilityTest : public ApiTest {
 protected:
  std::map<std::string, std::string> service_env() const override {
    auto env = db_.env();
    env["KAKEHASHI_DB_SLOW_STATEMENT_MS"] = "100";
    return env;
  }

  struct Blocked {
    ApiResponse response;
    bool named = false;   // pg_stat_activity showed the request's application_name
    std::string waiting;  // its wait_event_type then
  };

  // Sends a request while another session holds `lock`, so its statement
  // waits: meanwhile pg_stat_activity must show the request's id; the lock
  // is held 300 ms more, over the slow-statement threshold, then released.
  Blocked while_locked(const std::string& lock, const std::string& request_id,
                       const std::function<ApiResponse()>& send) {
    pqxx::connection holder(db_.url());
    pqxx::work locked(holder);
    locked.exec(lock);
    std::optional<ApiResponse> response;
    std::thread client([&] { response = send(); });
    Blocked out;
    pqxx::connection watcher(db_.url());
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!out.named && std::chrono::steady_clock::now() < deadline) {
      pqxx::nontransaction q(watcher);
      const auto rows = q.exec_params(
          "SELECT coalesce(wait_event_type, '') AS waiting FROM pg_stat_activity "
          "WHERE application_name = $1 AND state = 'active'",
          "kakehashi/" + request_id);
      if (!rows.empty()) {
        out.named = true;
        out.waiting = rows[0]["waiting"].as<std::string>();
      } else {
        std::this_thread::sleep_for(20ms);
      }
    }
    std::this_thread::sleep_for(300ms);
    locked.commit();
    client.join();
    out.response = std::move(*response);
    return out;
  }
};

TEST_F(ObservabilityTest, ARequestIsNamedOnItsDatabaseSessionAndItsSlowStatementIsLogged) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  auto body = trainee("hidden.person@example.com");
  body["full_name"] = "Secret Karim Uddin";
  auto created = call("POST", "/v1/trainees", key, body);
  ASSERT_EQ(created.status(), 201) << created.http.body;
  const std::string path = "/v1/trainees/" + created.body["id"].get<std::string>();

  // A write: its transaction names the request in the same round trip as BEGIN.
  const auto write =
      while_locked("LOCK TABLE trainees IN SHARE MODE", "obs-write-1", [&, &key = key] {
        return call("PATCH", path, key,
                    {{"full_name", "Secret New Name"}, {"phone", "+8801700000000"}},
                    {{"If-Match", "\"1\""},
                     {"X-Request-Id", "obs-write-1"},
                     {"traceparent", kTraceparent}});
      });
  EXPECT_EQ(write.response.status(), 200) << write.response.http.body;
  EXPECT_TRUE(write.named) << "pg_stat_activity never showed kakehashi/obs-write-1";
  EXPECT_EQ(write.waiting, "Lock");

  // An autocommit read: the session is named for it.
  const auto read = while_locked(
      "LOCK TABLE trainee_personal IN ACCESS EXCLUSIVE MODE", "obs-read-1", [&, &key = key] {
        return call("GET", path, key, nullptr,
                    {{"X-Request-Id", "obs-read-1"}, {"traceparent", kTraceparent}});
      });
  EXPECT_EQ(read.response.status(), 200) << read.response.http.body;
  EXPECT_TRUE(read.named) << "pg_stat_activity never showed kakehashi/obs-read-1";

  const std::string output = service_->output();
  for (const std::string id : {"obs-write-1", "obs-read-1"}) {
    const auto lines = lines_of(output, id);
    bool access = false;
    bool slow = false;
    for (const auto& line : lines) {
      EXPECT_EQ(line.value("trace_id", ""), kTraceId) << line.dump();
      if (line.value("msg", "") == "request") access = true;
      if (line.value("msg", "") == "slow statement") {
        slow = true;
        EXPECT_GE(line.value("duration_ms", 0.0), 100.0) << line.dump();
        EXPECT_FALSE(line.value("statement", "").empty()) << line.dump();
        EXPECT_EQ(line.value("statement_hash", "").size(), 12U) << line.dump();
      }
    }
    EXPECT_TRUE(access) << id << " has no access line:\n" << output;
    EXPECT_TRUE(slow) << id << " has no slow statement line:\n" << output;
  }
  // The statements' values never reach the log, nor does anything personal.
  for (const char* personal :
       {"Secret", "hidden.person", "+8801700000000", "8801700000000", "Karim"}) {
    EXPECT_EQ(output.find(personal), std::string::npos) << personal << " logged:\n" << output;
  }
}

TEST_F(ObservabilityTest, AMalformedTraceparentIsIgnored) {
  for (const std::string& bad : std::vector<std::string>{
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "garbage",
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01", std::string(600, 'a')}) {
    const auto r = request(service_->port(), "GET", "/healthz", "",
                           {{"X-Request-Id", "obs-bad-trace"}, {"traceparent", bad}});
    EXPECT_EQ(r.status, 200) << bad;
  }
  // Two traceparents are two traces: neither is taken.
  const auto twice = request(service_->port(), "GET", "/healthz", "",
                             {{"X-Request-Id", "obs-bad-trace"},
                              {"traceparent", kTraceparent},
                              {"traceparent", kTraceparent}});
  EXPECT_EQ(twice.status, 200);
  const auto traced = request(service_->port(), "GET", "/healthz", "",
                              {{"X-Request-Id", "obs-good-trace"}, {"traceparent", kTraceparent}});
  EXPECT_EQ(traced.status, 200);

  const std::string output = service_->output();
  const auto bad_lines = lines_of(output, "obs-bad-trace");
  EXPECT_EQ(bad_lines.size(), 5U) << output;
  for (const auto& line : bad_lines) EXPECT_FALSE(line.contains("trace_id")) << line.dump();
  const auto good_lines = lines_of(output, "obs-good-trace");
  ASSERT_EQ(good_lines.size(), 1U) << output;
  EXPECT_EQ(good_lines[0].value("trace_id", ""), kTraceId);
}

// The series the issue asks for (and the dashboard draws), after one request.
const std::vector<std::string> kNewSeries = {
    "db_pool_connections{state=\"busy\"}",
    "db_pool_waiting ",
    "db_pool_wait_seconds_bucket{le=\"120\"}",
    "db_pool_wait_seconds_count ",
    "cpu_pool_queued ",
    "cpu_pool_running ",
    "matching_index_entries{kind=\"trainee\"}",
    "matching_index_entries{kind=\"project\"}",
    "matching_index_rebuilds_total ",
    "candidate_rankings_dropped_total ",
    "matching_index_ready 1",
    "change_full_loads_total ",
    "change_feed_connected 1",
    "matching_round_duration_seconds_bucket{algorithm=\"stable\",le=\"120\"}",
    "matching_round_duration_seconds_bucket{algorithm=\"max_score\",le=\"120\"}",
    "http_request_duration_seconds_bucket{route=\"/healthz\",le=\"120\"}",
    "process_cpu_seconds_total ",
    "process_resident_memory_bytes ",
    "process_open_fds ",
    "process_max_fds ",
};

std::string metrics_text(std::uint16_t port) {
  const auto r = request(port, "GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  return r.body;
}

TEST_F(ObservabilityTest, MetricsListTheNewSeries) {
  request(service_->port(), "GET", "/healthz");
  const std::string text = metrics_text(service_->port());
  for (const auto& series : kNewSeries) {
    EXPECT_NE(text.find("\n" + series), std::string::npos) << series << " missing:\n" << text;
  }
  // The pool has served the index load at least: its wait was measured.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("\ndb_pool_wait_seconds_count (\\d+)")));
  EXPECT_GT(std::stoi(m[1].str()), 0);
  ASSERT_TRUE(std::regex_search(text, m, std::regex("\nprocess_resident_memory_bytes (\\S+)")));
  EXPECT_GT(std::stod(m[1].str()), 1e6);
  ASSERT_TRUE(std::regex_search(text, m, std::regex("\nprocess_open_fds (\\d+)")));
  EXPECT_GT(std::stoi(m[1].str()), 3);
}

TEST_F(ObservabilityTest, ARoundIsTimedUnderItsAlgorithm) {
  const auto count = [&](const std::string& algorithm) {
    std::smatch m;
    const std::string text = metrics_text(service_->port());
    const std::regex series("\nmatching_round_duration_seconds_count\\{algorithm=\"" + algorithm +
                            "\"\\} (\\d+)");
    return std::regex_search(text, m, series) ? std::stoi(m[1].str()) : -1;
  };
  EXPECT_EQ(count("max_score"), 0);
  auto round = call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "max_score"}});
  ASSERT_EQ(round.status(), 201) << round.http.body;
  EXPECT_EQ(count("max_score"), 1);
  EXPECT_EQ(count("stable"), 0);
}

// Metric names in a PromQL expression: identifiers left once label matchers,
// ranges, grouping clauses, strings, functions and keywords are taken out.
std::set<std::string> metric_names(std::string expr) {
  for (const char* pattern : {R"(\{[^}]*\})", R"(\[[^\]]*\])", R"("[^"]*")",
                              R"(\b(by|without|on|ignoring)\s*\([^)]*\))"}) {
    expr = std::regex_replace(expr, std::regex(pattern), " ");
  }
  static const std::set<std::string> kKeywords = {"by",  "without", "on",     "ignoring", "bool",
                                                  "and", "or",      "unless", "offset"};
  std::set<std::string> names;
  const std::regex identifier(R"([A-Za-z_:][A-Za-z0-9_:]*(\s*\()?)");
  for (std::sregex_iterator it(expr.begin(), expr.end(), identifier), end; it != end; ++it) {
    if ((*it)[1].matched) continue;  // a function
    const std::string name = (*it).str();
    if (!kKeywords.count(name)) names.insert(name);
  }
  return names;
}

TEST(MetricNames, ComeOutOfPromQl) {
  EXPECT_EQ(metric_names("histogram_quantile(0.99, sum by (le, route) "
                         "(rate(http_request_duration_seconds_bucket{instance=~\"$instance\"}"
                         "[$__rate_interval])))"),
            std::set<std::string>{"http_request_duration_seconds_bucket"});
  EXPECT_EQ(metric_names("a_total / on (x) b_total"),
            (std::set<std::string>{"a_total", "b_total"}));
}

TEST_F(ObservabilityTest, TheGrafanaDashboardDrawsOnlySeriesTheServiceExports) {
  std::ifstream file(source_path("docker/grafana/kakehashi.json"));
  ASSERT_TRUE(file) << "docker/grafana/kakehashi.json is missing";
  const json dashboard = json::parse(file, nullptr, false);
  ASSERT_FALSE(dashboard.is_discarded()) << "the dashboard is not valid JSON";
  ASSERT_TRUE(dashboard.contains("panels"));

  std::set<std::string> referenced;
  std::size_t targets = 0;
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel.value("targets", json::array())) {
      ++targets;
      for (const auto& name : metric_names(target.value("expr", ""))) referenced.insert(name);
    }
  }
  for (const auto& variable : dashboard["templating"]["list"]) {
    std::smatch m;
    const std::string query = variable.value("query", "");
    if (std::regex_search(query, m, std::regex(R"(label_values\(\s*([A-Za-z_:][\w:]*))"))) {
      referenced.insert(m[1].str());
    }
  }
  EXPECT_GE(targets, 14U);
  EXPECT_GE(referenced.size(), 20U);

  const std::string text = metrics_text(service_->port());
  for (const auto& name : referenced) {
    const bool exported = text.find("\n" + name + " ") != std::string::npos ||
                          text.find("\n" + name + "{") != std::string::npos;
    EXPECT_TRUE(exported) << "the dashboard reads " << name << ", which /metrics does not list";
  }
}

}  // namespace
}  // namespace kakehashi::testing
