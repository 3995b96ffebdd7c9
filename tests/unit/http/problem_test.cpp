#include "http/problem.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kakehashi::http {
namespace {

TEST(Problem, RendersRfc9457WithEveryFieldError) {
  Problem p{.status = 422, .detail = "invalid trainee"};
  p.errors = {{"/skills/2/level", "must be 1 to 5"}, {"/email", "is required"}};
  auto r = problem_response(p, "/v1/trainees", "req-1");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["type"], "about:blank");
  EXPECT_EQ(body["title"], "Unprocessable Content");
  EXPECT_EQ(body["status"], 422);
  EXPECT_EQ(body["instance"], "/v1/trainees");
  EXPECT_EQ(body["request_id"], "req-1");
  ASSERT_EQ(body["errors"].size(), 2U);
  EXPECT_EQ(body["errors"][0]["pointer"], "/skills/2/level");
  EXPECT_EQ(body["errors"][1]["detail"], "is required");
}

TEST(Problem, RetryAfterHeaderAndInvalidUtf8Survive) {
  Problem p{.status = 503, .detail = std::string("bad \xff byte"), .retry_after_seconds = 3};
  auto r = problem_response(p, "/x", "");
  EXPECT_EQ(r.header("Retry-After"), "3");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_FALSE(body.contains("request_id"));
  EXPECT_FALSE(body.contains("errors"));
}

}  // namespace
}  // namespace kakehashi::http
