#include "http/trace_context.hpp"

#include <gtest/gtest.h>

namespace kakehashi::http {
namespace {

constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceContext, ParsesAValidTraceparent) {
  const auto t = parse_traceparent(kValid);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(t->flags, 1);
}

TEST(TraceContext, IgnoresMalformedValues) {
  for (const std::string bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",      // no flags
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // zero parent id
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // version ff
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",  // 00 is 55 long
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // separator
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",   // not hex
           "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // version not hex
           "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",  // later version, no '-'
           " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       }) {
    EXPECT_FALSE(parse_traceparent(bad)) << bad;
  }
}

TEST(TraceContext, ReadsTheKnownFieldsOfALaterVersion) {
  const auto t =
      parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-future");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->flags, 0);
}

TEST(TraceContext, ChildHeaderKeepsTheTraceAndTheSampledFlag) {
  auto t = parse_traceparent(kValid);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->child_header("1111111111111111"),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01");
  t->flags = 0x02;
  EXPECT_EQ(t->child_header("1111111111111111"),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-00");
  // What a child header says parses back to the same trace.
  EXPECT_EQ(parse_traceparent(t->child_header("2222222222222222"))->trace_id, t->trace_id);
}

}  // namespace
}  // namespace kakehashi::http
