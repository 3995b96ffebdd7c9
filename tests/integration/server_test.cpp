// The HTTP shell as a client sees it: limits, errors, keep-alive, metrics,
// drain. Every test starts the real binary on a fresh database.
#include <signal.h>

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/service_process.hpp"
#include "support/test_database.hpp"

namespace kakehashi::testing {
namespace {

using namespace std::chrono_literals;

class ServerTest : public ::testing::Test {
 protected:
  std::unique_ptr<ServiceProcess> start(std::map<std::string, std::string> extra_env = {},
                                        std::vector<std::string> args = {}) {
    auto env = db_.env();
    for (auto& [k, v] : extra_env) env[k] = v;
    return std::make_unique<ServiceProcess>(env, args);
  }
  void expect_problem(const HttpResponse& r, int status) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r.body;
    EXPECT_EQ(body["status"], status);
    EXPECT_TRUE(body["title"].is_string());
    EXPECT_TRUE(body["type"].is_string());
  }
  // Migrated: a copy of the template that `kakehashi migrate` built once
  // for the run (migrate_test tests the command itself).
  TestDatabase db_{TestDatabase::Schema::migrated};
};

TEST_F(ServerTest, HealthzAnswersAndEchoesOrGeneratesRequestId) {
  auto svc = start();
  auto r = request(svc->port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["status"], "ok");
  ASSERT_TRUE(r.header("X-Request-Id"));
  EXPECT_EQ(r.header("X-Request-Id")->size(), 32U);
  auto mine = request(svc->port(), "GET", "/healthz", "", {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(mine.header("X-Request-Id"), "abc-123");
  // The access log names the request id and the route template.
  EXPECT_TRUE(svc->wait_for_output(R"("request_id":"abc-123")")) << svc->output();
  EXPECT_NE(svc->output().find(R"("route":"/healthz")"), std::string::npos);
}

TEST_F(ServerTest, ReadyzIsReadyWithDatabaseAndSchema) {
  auto svc = start();
  auto r = wait_ready(svc->port());
  EXPECT_EQ(r.status, 200) << r.body;
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["checks"]["database"], "ok");
  EXPECT_EQ(body["checks"]["migrations"], "ok");
}

TEST_F(ServerTest, ReadyzReportsAPendingMigration) {
  auto svc = start();
  db_.exec("DELETE FROM schema_migrations WHERE name = (SELECT max(name) FROM schema_migrations)");
  auto r = request(svc->port(), "GET", "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(nlohmann::json::parse(r.body)["checks"]["migrations"], "1 pending");
}

TEST_F(ServerTest, UnknownPathIs404Problem) {
  auto svc = start();
  auto r = request(svc->port(), "GET", "/v1/nothing-here");
  expect_problem(r, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["instance"], "/v1/nothing-here");
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  auto svc = start();
  auto r = request(svc->port(), "DELETE", "/healthz");
  expect_problem(r, 405);
  EXPECT_EQ(r.header("Allow"), "GET, HEAD");
}

TEST_F(ServerTest, TwoMebibyteBodyIs413AndServerStaysUp) {
  auto svc = start();
  Connection c(svc->port());
  c.send(make_request("POST", "/healthz", std::string(2 * 1024 * 1024, 'x')));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  expect_problem(*r, 413);
  EXPECT_EQ(request(svc->port(), "GET", "/healthz").status, 200);
}

TEST_F(ServerTest, ChunkedBodyOverLimitIs413) {
  // An admitted request (a route that takes a body, a valid key): the body is
  // read, and cut off at the limit.
  auto key = run_kakehashi({"keys", "create", "--admin", "--label", "limit"}, db_.env());
  ASSERT_EQ(key.exit_code, 0) << key.output;
  const std::string secret = key.output.substr(key.output.rfind("kh_"), 51);
  auto svc = start({{"KAKEHASHI_BODY_LIMIT", "1000"}});
  Connection c(svc->port());
  std::string req = "POST /v1/organizations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                    secret +
                    "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) req += "1f4\r\n" + std::string(500, 'y') + "\r\n";
  req += "0\r\n\r\n";
  c.send(req);
  auto r = c.read_response();
  ASSERT_TRUE(r);
  expect_problem(*r, 413);
}

TEST_F(ServerTest, ThirtyTwoKibHeaderIs431) {
  auto svc = start();
  Connection c(svc->port());
  c.send(make_request("GET", "/healthz", "", {{"X-Big", std::string(32 * 1024, 'a')}}));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  expect_problem(*r, 431);
  EXPECT_EQ(request(svc->port(), "GET", "/healthz").status, 200);
}

TEST_F(ServerTest, GarbageIs400ThenANewConnectionWorks) {
  auto svc = start();
  {
    Connection c(svc->port());
    c.send("\x16\x03\x01 this is not HTTP at all\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r);
    expect_problem(*r, 400);
    EXPECT_TRUE(c.closed_by_peer(3s));
  }
  EXPECT_EQ(request(svc->port(), "GET", "/healthz").status, 200);
}

TEST_F(ServerTest, BadTargetIs400) {
  auto svc = start();
  expect_problem(request(svc->port(), "GET", "/a%zz"), 400);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto svc = start();
  Connection c(svc->port());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.send(make_request("GET", "/healthz")));
    auto r = c.read_response();
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto svc = start();
  Connection c(svc->port());
  std::string batch;
  wait_ready(svc->port());
  const std::vector<std::string> paths = {"/healthz", "/nope", "/readyz", "/healthz"};
  for (std::size_t i = 0; i < paths.size(); ++i) {
    batch += make_request("GET", paths[i], "", {{"X-Request-Id", "pipe-" + std::to_string(i)}});
  }
  ASSERT_TRUE(c.send(batch));
  const std::vector<int> expected = {200, 404, 200, 200};
  for (std::size_t i = 0; i < paths.size(); ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, expected[i]);
    EXPECT_EQ(r->header("X-Request-Id"), "pipe-" + std::to_string(i));
  }
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  auto svc = start();
  Connection c(svc->port());
  c.send(make_request("GET", "/healthz", "", {{"Connection", "close"}}));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer(3s));
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosed) {
  auto svc = start({{"KAKEHASHI_IDLE_TIMEOUT_MS", "300"}});
  Connection c(svc->port());
  c.send(make_request("GET", "/healthz"));
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.closed_by_peer(5s));
}

TEST_F(ServerTest, SlowRequestIsCutOffByReadTimeout) {
  auto svc = start({{"KAKEHASHI_READ_TIMEOUT_MS", "300"}});
  Connection c(svc->port());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finishes the header
  EXPECT_TRUE(c.closed_by_peer(5s));
  EXPECT_EQ(request(svc->port(), "GET", "/healthz").status, 200);
}

// A body may take as long as it keeps arriving (each read waits at most the
// read timeout): a 6.5 MB import sent at 200 KB/s was dropped at 30 s, with
// no answer. A body that stops is cut off after one read timeout.
TEST_F(ServerTest, ABodyTakesLongerThanOneReadTimeoutWhileItKeepsArriving) {
  auto svc = start({{"KAKEHASHI_READ_TIMEOUT_MS", "1000"}});
  const std::string body(200 * 1024, 'x');  // its slowest pace allows 12.5 s
  const std::string req = make_request("GET", "/healthz", body);
  const std::string header = req.substr(0, req.size() - body.size());
  Connection c(svc->port());
  ASSERT_TRUE(c.send(header));
  constexpr std::size_t kPieces = 8;  // 8 x 400 ms: over three read timeouts
  for (std::size_t i = 0; i < kPieces; ++i) {
    std::this_thread::sleep_for(400ms);
    ASSERT_TRUE(c.send(body.substr(i * body.size() / kPieces, body.size() / kPieces)));
  }
  auto r = c.read_response();
  ASSERT_TRUE(r) << svc->output();
  EXPECT_EQ(r->status, 200);

  Connection stalled(svc->port());
  ASSERT_TRUE(stalled.send(header + body.substr(0, 1000)));
  EXPECT_TRUE(stalled.closed_by_peer(5s));
  EXPECT_EQ(request(svc->port(), "GET", "/healthz").status, 200);
}

// A chunk's size line and the trailer are read whole into a bounded buffer,
// outside the header and body limits: a trailer field of 64 KiB made Beast
// throw out of the event loop and end the process (no key needed), and 300 MB
// of chunk extension were held in memory.
TEST_F(ServerTest, LongTrailersAndChunkExtensionsAre400AndTheServerStaysUp) {
  auto svc = start();
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (const std::string& tail : {"0\r\nX: " + std::string(65'536, 'a') + "\r\n\r\n",
                                  "0\r\n" + std::string(65'534, 'n') + ": v\r\n\r\n",
                                  "2;x=" + std::string(1 << 20, 'e') + "\r\nok\r\n0\r\n\r\n"}) {
    Connection c(svc->port());
    c.send(head + tail);
    auto r = c.read_response();
    ASSERT_TRUE(r) << svc->output();
    expect_problem(*r, 400);
    ASSERT_EQ(request(svc->port(), "GET", "/healthz").status, 200) << svc->output();
  }
  // A trailer that fits is read, and the request answered.
  Connection fits(svc->port());
  fits.send(head + "2\r\nok\r\n0\r\nX-Note: " + std::string(1000, 'a') + "\r\n\r\n");
  auto r = fits.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// A compressed body is refused rather than read as it came (a gzipped CSV
// would have failed as garbage rows, or half-parsed); an expectation other
// than 100-continue cannot be met. Both before a key is looked at.
TEST_F(ServerTest, ACodedBodyIs415AndAnUnknownExpectationIs417) {
  auto svc = start();
  const auto gzip =
      request(svc->port(), "POST", "/v1/organizations", std::string("\x1f\x8b\x08\0", 4),
              {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}});
  expect_problem(gzip, 415);
  EXPECT_EQ(gzip.header("Accept-Encoding"), "identity");
  EXPECT_NE(gzip.body.find("Content-Encoding"), std::string::npos) << gzip.body;
  // identity is no coding at all; without a body the header says nothing.
  EXPECT_EQ(request(svc->port(), "POST", "/v1/organizations", "{}",
                    {{"Content-Type", "application/json"}, {"Content-Encoding", " identity "}})
                .status,
            401);
  EXPECT_EQ(request(svc->port(), "GET", "/healthz", "", {{"Content-Encoding", "br"}}).status, 200);

  const auto odd = request(svc->port(), "GET", "/healthz", "", {{"Expect", "200-ok"}});
  expect_problem(odd, 417);
  EXPECT_EQ(nlohmann::json::parse(odd.body)["type"],
            "https://kakehashi.example/problems/expectation-failed");
  EXPECT_EQ(request(svc->port(), "GET", "/healthz", "", {{"Expect", "100-Continue"}}).status, 200);
  EXPECT_EQ(
      request(svc->port(), "GET", "/healthz", "", {{"Expect", "100-continue"}, {"Expect", "x"}})
          .status,
      417);
  // HTTP/1.0 has no expectations to meet.
  Connection old(svc->port());
  old.send("GET /healthz HTTP/1.0\r\nExpect: 200-ok\r\n\r\n");
  auto r = old.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, ConnectionsBeyondTheMaximumAre503) {
  auto svc = start({{"KAKEHASHI_MAX_CONNECTIONS", "2"}});
  Connection a(svc->port());
  Connection b(svc->port());
  a.send(make_request("GET", "/healthz"));
  b.send(make_request("GET", "/healthz"));
  ASSERT_TRUE(a.read_response());
  ASSERT_TRUE(b.read_response());
  Connection third(svc->port());
  third.send(make_request("GET", "/healthz"));
  auto r = third.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->header("Retry-After"), "1");
  EXPECT_TRUE(nlohmann::json::parse(r->body, nullptr, false).is_object()) << r->body;
}

// Under a low limit on open files, a flood of idle connections is answered
// 503 rather than left waiting: the server fits its connections to the limit
// and closes most refusals at once. Before, accept() failed past the limit
// (logged every 50 ms) and new clients got no answer.
TEST_F(ServerTest, AFloodBeyondTheOpenFilesLimitIsAnswered503) {
  auto svc = start({{std::string(kOpenFilesLimit), "200"}});
  std::vector<std::unique_ptr<Connection>> flood;
  for (int i = 0; i < 300; ++i) flood.push_back(std::make_unique<Connection>(svc->port(), 5s));
  int refused = 0;
  for (std::size_t i = flood.size() - 20; i < flood.size(); ++i) {
    auto r = flood[i]->read_response();
    refused += r && r->status == 503;
  }
  EXPECT_EQ(refused, 20);
  flood.clear();
  // The server serves again once it has seen the flood's connections close
  // (a fresh-clone CI run asked at once, before it had, and got 503).
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    if (i) std::this_thread::sleep_for(50ms);
    status = request(svc->port(), "GET", "/healthz").status;
  }
  EXPECT_EQ(status, 200);
  svc->log_barrier();
  const auto log = svc->output();
  EXPECT_NE(log.find("max connections lowered to fit the limit on open files"), std::string::npos);
  EXPECT_EQ(log.find("accept failed"), std::string::npos);
}

TEST_F(ServerTest, MetricsCountRequestsByRouteAndStatus) {
  auto svc = start();
  for (int i = 0; i < 3; ++i) request(svc->port(), "GET", "/healthz");
  request(svc->port(), "GET", "/nope");
  auto r = request(svc->port(), "GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.header("Content-Type")->find("text/plain"), std::string::npos);
  EXPECT_NE(r.body.find(R"(http_requests_total{method="GET",route="/healthz",status="200"} 3)"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"(http_requests_total{method="GET",route="unmatched",status="404"} 1)"),
            std::string::npos);
  EXPECT_NE(r.body.find(R"(http_request_duration_seconds_count{route="/healthz"} 3)"),
            std::string::npos);
  EXPECT_NE(r.body.find("db_pool_connections{state=\"idle\"}"), std::string::npos);
  EXPECT_TRUE(std::regex_search(r.body, std::regex(R"(process_start_time_seconds \d{10})")));
}

// Expect: 100-continue gets its interim answer once the header is admitted;
// a request refused from its header gets the refusal instead, no 100.
TEST_F(ServerTest, ExpectContinueIsAnsweredBeforeTheBody) {
  auto svc = start();
  Connection c(svc->port());
  const std::string body = R"({"hello":"world"})";
  std::string req = make_request("GET", "/healthz", body, {{"Expect", "100-continue"}});
  ASSERT_TRUE(c.send(req.substr(0, req.size() - body.size())));
  auto interim = c.read_response(true);
  ASSERT_TRUE(interim) << svc->output();
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.send(body));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  Connection refused(svc->port());
  std::string post =
      make_request("POST", "/v1/trainees", body,
                   {{"Expect", "100-continue"}, {"Content-Type", "application/json"}});
  ASSERT_TRUE(refused.send(post.substr(0, post.size() - body.size())));
  auto answer = refused.read_response();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 401);
}

TEST_F(ServerTest, SigtermLetsARequestInFlightComplete) {
  auto svc = start();
  Connection idle(svc->port());  // an idle keep-alive connection must not hold the drain
  Connection c(svc->port());
  const std::string body = R"({"slow":true})";
  std::string req = make_request("GET", "/healthz", body, {{"Expect", "100-continue"}});
  // Send the header and wait for the interim 100: the server has read and
  // admitted it, so the request is in flight when the signal comes.
  ASSERT_TRUE(c.send(req.substr(0, req.size() - body.size())));
  auto interim = c.read_response(true);
  ASSERT_TRUE(interim) << svc->output();
  ASSERT_EQ(interim->status, 100);
  svc->signal(SIGTERM);
  // The body comes only once the drain has begun.
  ASSERT_TRUE(svc->wait_for_output(R"("msg":"draining")")) << svc->output();
  ASSERT_TRUE(c.send(body));
  auto r = c.read_response();
  ASSERT_TRUE(r) << svc->output();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_EQ(svc->wait(10s), 0) << svc->output();
}

TEST_F(ServerTest, NoNewConnectionsAfterSigterm) {
  auto svc = start();
  svc->signal(SIGTERM);
  EXPECT_EQ(svc->wait(10s), 0) << svc->output();
  EXPECT_THROW(Connection c(svc->port()), std::runtime_error);
}

TEST_F(ServerTest, ServeRefusesPendingMigrationsUnlessAskedToMigrate) {
  TestDatabase fresh;
  auto refused = run_kakehashi({"serve", "--listen", "127.0.0.1:0"}, fresh.env());
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("pending migration"), std::string::npos) << refused.output;
  ServiceProcess svc(fresh.env(), {"--migrate"});
  EXPECT_EQ(wait_ready(svc.port()).status, 200);
}

TEST(Cli, BadConfigurationIsAClearErrorAtStart) {
  auto r = run_kakehashi({"serve", "--threads", "lots", "--listen", "nowhere"},
                         {{"KAKEHASHI_DB_POOL_SIZE", "-1"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--threads=lots"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--listen=nowhere"), std::string::npos);
  EXPECT_NE(r.output.find("KAKEHASHI_DB_POOL_SIZE=-1"), std::string::npos);
}

TEST(Cli, HelpListsOptionsWithDefaults) {
  auto r = run_kakehashi({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("KAKEHASHI_DATABASE_URL"), std::string::npos);
  EXPECT_NE(r.output.find("default 127.0.0.1:8080"), std::string::npos);
}

TEST(Cli, UnreachableDatabaseIsAClearErrorAtStart) {
  auto r = run_kakehashi({"serve"}, {{"KAKEHASHI_DATABASE_URL", "host=127.0.0.1 port=1 dbname=x"},
                                     {"KAKEHASHI_DB_CONNECT_TIMEOUT_S", "1"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot start"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace kakehashi::testing
