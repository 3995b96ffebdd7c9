#include "http/router.hpp"

#include <gtest/gtest.h>

namespace kakehashi::http {
namespace {

Handler noop() {
  return [](RequestContext&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

TEST(Router, MatchesTemplatesAndExtractsParams) {
  Router r;
  r.add("GET", "/v1/trainees/{id}", noop());
  auto m = r.match("GET", "/v1/trainees/42");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->path_template, "/v1/trainees/{id}");
  ASSERT_EQ(m.params.size(), 1U);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "42");
}

TEST(Router, UnknownPathIsNotFound) {
  Router r;
  r.add("GET", "/v1/trainees/{id}", noop());
  EXPECT_EQ(r.match("GET", "/v1/trainees").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(r.match("GET", "/v1/trainees/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(r.match("GET", "/v1/trainees/1/x").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, KnownPathOtherMethodIs405WithSortedAllow) {
  Router r;
  r.add("PATCH", "/v1/trainees/{id}", noop());
  r.add("GET", "/v1/trainees/{id}", noop());
  r.add("DELETE", "/v1/trainees/{id}", noop());
  auto m = r.match("POST", "/v1/trainees/7");
  EXPECT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "DELETE, GET, HEAD, PATCH");
}

TEST(Router, HeadMatchesTheGetRoute) {
  Router r;
  r.add("GET", "/healthz", noop());
  r.add("POST", "/v1/things", noop());
  auto head = r.match("HEAD", "/healthz");
  ASSERT_EQ(head.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(head.route->method, "GET");
  auto no_get = r.match("HEAD", "/v1/things");
  EXPECT_EQ(no_get.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(no_get.allow, "POST");
}

TEST(Router, LiteralSegmentsBeatParameters) {
  Router r;
  r.add("POST", "/v1/trainees/{id}", noop());
  r.add("POST", "/v1/trainees/import", noop(), {.body_limit = 64});
  auto m = r.match("POST", "/v1/trainees/import");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->path_template, "/v1/trainees/import");
  EXPECT_EQ(m.route->options.body_limit, 64U);
}

TEST(Router, RejectsDuplicatesAndBadTemplates) {
  Router r;
  r.add("GET", "/a", noop());
  EXPECT_THROW(r.add("GET", "/a", noop()), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "a", noop()), std::invalid_argument);
}

}  // namespace
}  // namespace kakehashi::http
