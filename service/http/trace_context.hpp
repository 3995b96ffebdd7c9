// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent`
// header a client sends. A valid one ties the request's log lines to the
// client's trace; a malformed one is ignored as if it were absent (never an
// error: a tracing header must not make a request fail).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kakehashi::http {

struct TraceContext {
  std::string trace_id;   // 32 lower-case hex digits, not all zero
  std::string parent_id;  // 16 lower-case hex digits: the caller's span
  std::uint8_t flags = 0;

  // The traceparent for a call made on this request's behalf (a webhook, say):
  // the same trace, with `span_id` (16 lower-case hex digits) as the parent and
  // only the sampled flag kept.
  std::string child_header(std::string_view span_id) const;
};

// Parses a traceparent value: version 00 exactly, or a later version's first
// 55 characters (followed by the end or '-'); version ff, upper-case hex and
// all-zero ids are refused.
std::optional<TraceContext> parse_traceparent(std::string_view value);

}  // namespace kakehashi::http
