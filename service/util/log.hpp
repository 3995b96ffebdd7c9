// Structured logging: one JSON object per line on standard output, written with
// a single write(2) so lines from several threads never interleave.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace kakehashi::util {

struct LogField {
  std::string_view key;
  // A field is a string or a number; numbers are kept apart so JSON stays typed.
  std::string text;
  double number = 0;
  bool is_number = false;

  LogField(std::string_view k, std::string_view v) : key(k), text(v) {}
  LogField(std::string_view k, const char* v) : key(k), text(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), text(v) {}
  template <typename N>
  requires std::is_arithmetic_v<N> LogField(std::string_view k, N v)
      : key(k), number(static_cast<double>(v)), is_number(true) {}
};

void log(std::string_view level, std::string_view message,
         std::initializer_list<LogField> fields = {});

// One access-log line, formatted without building a JSON tree: it runs once
// per request.
void log_request(std::string_view request_id, std::string_view method, std::string_view route,
                 int status, double duration_ms, std::size_t bytes);

// RFC 3339 UTC timestamp with milliseconds, e.g. "2026-11-28T13:11:59.123Z".
std::string now_rfc3339();

// Switches logging off (benchmarks of the bare server) or on.
void set_log_enabled(bool enabled);

}  // namespace kakehashi::util
