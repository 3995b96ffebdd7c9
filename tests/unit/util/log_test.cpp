#include "util/log.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include "capture_stdout.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace kakehashi::util {
namespace {

// What log() writes to standard output while `run` runs.
std::string captured(const std::function<void()>& run) { return testing::capture_stdout(run); }

nlohmann::json only_line(const std::string& out) {
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  return nlohmann::json::parse(out, nullptr, false);
}

TEST(LogContext, LinesCarryTheThreadsRequestAndTraceIds) {
  set_log_context("req-1", "4bf92f3577b34da6a3ce929d0e0e4736");
  const auto line = only_line(captured([] { log("info", "something", {{"n", 3}}); }));
  clear_log_context();
  EXPECT_EQ(line["request_id"], "req-1");
  EXPECT_EQ(line["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(line["n"], 3);
}

TEST(LogContext, NoContextNoIds) {
  clear_log_context();
  const auto line = only_line(captured([] { log("info", "idle"); }));
  EXPECT_FALSE(line.contains("request_id"));
  EXPECT_FALSE(line.contains("trace_id"));
}

TEST(LogContext, AnExplicitRequestIdWins) {
  set_log_context("ambient", "");
  const auto line = only_line(captured([] { log("info", "x", {{"request_id", "explicit"}}); }));
  clear_log_context();
  EXPECT_EQ(line["request_id"], "explicit");
  EXPECT_FALSE(line.contains("trace_id"));
}

TEST(LogContext, IsPerThreadAndScoped) {
  set_log_context("outer", "");
  std::string other_thread;
  std::thread([&] { other_thread = log_context().request_id; }).join();
  EXPECT_EQ(other_thread, "");
  {
    const ScopedLogContext scoped(LogContext{"inner", "t"});
    EXPECT_EQ(log_context().request_id, "inner");
  }
  EXPECT_EQ(log_context().request_id, "outer");
  {
    const ReinstateLogContext reinstate(log_context());
    clear_log_context();  // as a coroutine does before it suspends
  }
  EXPECT_EQ(log_context().request_id, "outer");
  clear_log_context();
}

TEST(LogRequest, AccessLineHasTheTraceIdOnlyWhenThereIsOne) {
  const auto traced = only_line(captured(
      [] { log_request("r", "4bf92f3577b34da6a3ce929d0e0e4736", "GET", "/x", 200, 1.5, 10); }));
  EXPECT_EQ(traced["request_id"], "r");
  EXPECT_EQ(traced["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(traced["status"], 200);
  const auto untraced = only_line(captured([] { log_request("r", "", "GET", "/x", 200, 1, 1); }));
  EXPECT_FALSE(untraced.contains("trace_id"));
}

}  // namespace
}  // namespace kakehashi::util
