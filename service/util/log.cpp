#include "util/log.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace kakehashi::util {
namespace {
std::atomic<bool> g_enabled{true};
thread_local LogContext t_context;
}  // namespace

const LogContext& log_context() { return t_context; }

void set_log_context(std::string_view request_id, std::string_view trace_id) {
  // assign() reuses the strings' capacity: no allocation once a thread has
  // held one id.
  t_context.request_id.assign(request_id);
  t_context.trace_id.assign(trace_id);
}

void clear_log_context() {
  t_context.request_id.clear();
  t_context.trace_id.clear();
}

void set_log_enabled(bool enabled) { g_enabled.store(enabled, std::memory_order_relaxed); }

std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

namespace {

void write_all(const std::string& out) {
  const char* p = out.data();
  std::size_t left = out.size();
  while (left > 0) {
    const ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n <= 0) return;  // a closed stdout must not take the service down
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

// JSON string escaping for the few fields of an access-log line.
void append_escaped(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

void log_request(std::string_view request_id, std::string_view trace_id, std::string_view method,
                 std::string_view route, int status, double duration_ms, std::size_t bytes) {
  if (!g_enabled.load(std::memory_order_relaxed)) return;
  std::string out;
  out.reserve(256);
  char numbers[96];
  std::snprintf(numbers, sizeof numbers, ",\"status\":%d,\"duration_ms\":%.3f,\"bytes\":%zu}\n",
                status, duration_ms, bytes);
  out += "{\"time\":\"";
  out += now_rfc3339();
  out += "\",\"level\":\"info\",\"msg\":\"request\",\"request_id\":";
  append_escaped(out, request_id);
  if (!trace_id.empty()) {
    out += ",\"trace_id\":";
    append_escaped(out, trace_id);
  }
  out += ",\"method\":";
  append_escaped(out, method);
  out += ",\"route\":";
  append_escaped(out, route);
  out += numbers;
  write_all(out);
}

void log(std::string_view level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!g_enabled.load(std::memory_order_relaxed)) return;
  nlohmann::json line = {{"time", now_rfc3339()}, {"level", level}, {"msg", message}};
  for (const auto& f : fields) {
    if (f.is_number) {
      const auto whole = static_cast<long long>(f.number);
      if (static_cast<double>(whole) == f.number) {
        line[std::string(f.key)] = whole;
      } else {
        line[std::string(f.key)] = f.number;
      }
    } else {
      line[std::string(f.key)] = f.text;
    }
  }
  if (!t_context.request_id.empty() && !line.contains("request_id")) {
    line["request_id"] = t_context.request_id;
  }
  if (!t_context.trace_id.empty() && !line.contains("trace_id")) {
    line["trace_id"] = t_context.trace_id;
  }
  std::string out = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out.push_back('\n');
  write_all(out);
}

}  // namespace kakehashi::util
