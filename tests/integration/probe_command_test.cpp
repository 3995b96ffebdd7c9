// `kakehashi probe`, the containers' health check, against the real binary:
// 0 when the URL answers 200, 1 when it is refused, silent or not 200,
// 2 when it is called wrongly.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/service_process.hpp"
#include "support/test_database.hpp"

namespace kakehashi::testing {
namespace {

using namespace std::chrono_literals;

// A TCP socket on 127.0.0.1 that listens (so connecting succeeds) but never
// accepts or answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() {
    if (fd_ >= 0) ::close(fd_);
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  std::uint16_t port() const { return port_; }
  // Stops listening: the port is then closed (connections are refused).
  void close() {
    ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

std::string url(std::uint16_t port, const std::string& path = "/readyz") {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

class ProbeCommandTest : public ::testing::Test {
 protected:
  // Migrated: a copy of the template that `kakehashi migrate` built once
  // for the run (migrate_test tests the command itself).
  TestDatabase db_{TestDatabase::Schema::migrated};
};

TEST_F(ProbeCommandTest, ExitsZeroWhenTheServiceIsReady) {
  ServiceProcess svc(db_.env());
  ASSERT_EQ(wait_ready(svc.port()).status, 200);
  auto r = run_kakehashi({"probe", "--url", url(svc.port())});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
  r = run_kakehashi({"probe", "--url=" + url(svc.port(), "/healthz"), "--timeout=500ms"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(ProbeCommandTest, DefaultUrlIsReadyzOnTheListenAddress) {
  ServiceProcess svc(db_.env());
  ASSERT_EQ(wait_ready(svc.port()).status, 200);
  const auto port = std::to_string(svc.port());
  auto r = run_kakehashi({"probe"}, {{"KAKEHASHI_LISTEN", "127.0.0.1:" + port}});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // A wildcard listen address (as in the image) is asked on loopback.
  r = run_kakehashi({"probe"}, {{"KAKEHASHI_LISTEN", "0.0.0.0:" + port}});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(ProbeCommandTest, ExitsOneWhenReadyzIsNot200) {
  ServiceProcess svc(db_.env());
  ASSERT_EQ(wait_ready(svc.port()).status, 200);
  // A migration the binary knows and the database lacks: /readyz answers 503.
  db_.exec("DELETE FROM schema_migrations WHERE name = (SELECT max(name) FROM schema_migrations)");
  ASSERT_EQ(request(svc.port(), "GET", "/readyz").status, 503);
  auto r = run_kakehashi({"probe", "--url", url(svc.port())});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  // One line that names the status and what /readyz reported.
  EXPECT_NE(r.output.find("answered 503"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1 pending"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << r.output;
  // The process is still up.
  r = run_kakehashi({"probe", "--url", url(svc.port(), "/healthz")});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // Any status but 200 fails, a 404 too.
  r = run_kakehashi({"probe", "--url", url(svc.port(), "/no-such-path")});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("answered 404"), std::string::npos) << r.output;
}

TEST_F(ProbeCommandTest, ExitsOneWhenTheServiceHasStopped) {
  std::uint16_t port = 0;
  {
    ServiceProcess svc(db_.env());
    ASSERT_EQ(wait_ready(svc.port()).status, 200);
    port = svc.port();
    svc.signal(SIGTERM);
    ASSERT_EQ(svc.wait(15s), 0) << svc.output();
  }
  auto r = run_kakehashi({"probe", "--url", url(port)});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot connect"), std::string::npos) << r.output;
}

TEST_F(ProbeCommandTest, ExitsOneOnAClosedPort) {
  SilentListener listener;
  const auto port = listener.port();
  listener.close();
  auto r = run_kakehashi({"probe", "--url", url(port)});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("refused"), std::string::npos) << r.output;
}

TEST_F(ProbeCommandTest, ExitsOneWhenNoAnswerComesInTime) {
  SilentListener listener;
  const auto start = std::chrono::steady_clock::now();
  auto r = run_kakehashi({"probe", "--url", url(listener.port()), "--timeout", "300ms"});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("no answer within 300ms"), std::string::npos) << r.output;
  EXPECT_LT(took, 5s);
}

TEST_F(ProbeCommandTest, WrongUsageExitsTwo) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"probe", "--url", "https://127.0.0.1:8080/readyz"},
                                             {"probe", "--url", "127.0.0.1:8080"},
                                             {"probe", "--timeout", "soon"},
                                             {"probe", "--timeout", "0"},
                                             {"probe", "--url"},
                                             {"probe", "extra"}}) {
    auto r = run_kakehashi(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.output;
  }
  auto r = run_kakehashi({"probe"}, {{"KAKEHASHI_LISTEN", "0.0.0.0:0"}});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(run_kakehashi({"probe", "--help"}).exit_code, 0);
}

}  // namespace
}  // namespace kakehashi::testing
