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
