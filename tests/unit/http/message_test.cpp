#include "http/message.hpp"

#include <gtest/gtest.h>

namespace kakehashi::http {
namespace {

TEST(ParseTarget, SplitsPathAndQueryAndDecodesPath) {
  auto t = parse_target("/v1/trainees/a%20b?skill=c%2B%2B&limit=5");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/v1/trainees/a b");
  EXPECT_EQ(t->query, "skill=c%2B%2B&limit=5");
}

TEST(ParseTarget, RejectsAbsoluteFormAndBadEscapes) {
  EXPECT_FALSE(parse_target("http://example.com/"));
  EXPECT_FALSE(parse_target(""));
  EXPECT_FALSE(parse_target("/a%2"));
  EXPECT_FALSE(parse_target("/a%zz"));
  // A query parameter that cannot be decoded is not silently dropped.
  EXPECT_FALSE(parse_target("/v1/trainees/import?dry_run=true%00"));
  EXPECT_FALSE(parse_target("/v1/trainees?status=%zz"));
  EXPECT_FALSE(parse_target("/v1/trainees?status=%"));
  EXPECT_FALSE(parse_target("/v1/trainees?a=1&%00=2"));
  EXPECT_TRUE(parse_target("/v1/trainees?status=active&&q=a%26b"));
  EXPECT_FALSE(parse_target("/a%00b"));
}

// Escapes of characters that have a plain spelling only disguise a path
// (past a balancer's filter of /metrics; a%2Fb as two segments): refused.
TEST(ParseTarget, RefusesEscapesThatDisguiseThePath) {
  for (const char* disguised :
       {"/%6detrics", "/%6Detrics", "/v1/matches/x%2Fevents", "/v1/matches/x%2fevents",
        "/admin/..%2Fmetrics", "/admin/%2E%2E/metrics", "/v1%2Ftrainees", "/%7Euser", "/a%5Fb",
        "/a%2Db", "/a%30"}) {
    EXPECT_FALSE(parse_target(disguised)) << disguised;
  }
  // What has no plain spelling in a path still decodes.
  auto spaced = parse_target("/v1/skills/deep%20learning");
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->path, "/v1/skills/deep learning");
  auto japanese = parse_target("/v1/skills/%E6%A9%9F%E6%A2%B0%E5%AD%A6%E7%BF%92");
  ASSERT_TRUE(japanese);
  EXPECT_EQ(japanese->path, "/v1/skills/機械学習");
  // The query keeps its own rules (encoded letters are fine there).
  EXPECT_TRUE(parse_target("/v1/trainees?q=%61"));
}

TEST(Request, QueryParamsDecodeAndFirstWins) {
  Request r;
  r.query = "q=hello+world&skill=c%2B%2B&q=second&flag";
  EXPECT_EQ(r.query_param("q"), "hello world");
  EXPECT_EQ(r.query_param("skill"), "c++");
  EXPECT_EQ(r.query_param("flag"), "");
  EXPECT_FALSE(r.query_param("missing"));
  EXPECT_EQ(r.query_params().size(), 4U);
}

TEST(Request, HeaderLookupIgnoresCase) {
  Request r;
  r.headers = {{"Content-Type", "application/json"}, {"X-Thing", "1"}};
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_FALSE(r.header("accept"));
}

TEST(Response, SetHeaderReplacesCaseInsensitively) {
  auto r = Response::json(201, "{}");
  r.set_header("content-type", "text/plain");
  ASSERT_EQ(r.headers.size(), 1U);
  EXPECT_EQ(r.header("Content-Type"), "text/plain");
  EXPECT_EQ(r.status, 201);
}

}  // namespace
}  // namespace kakehashi::http
