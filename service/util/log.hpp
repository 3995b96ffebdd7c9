// Structured logging: one JSON object per line on standard output, written with
// a single write(2) so lines from several threads never interleave. Every line
// written while a request's work runs carries that request's id (and its W3C
// trace id, when the client sent a valid traceparent): see LogContext.
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

// The request a thread is working for. The HTTP server sets it while a
// request's coroutine runs on an I/O thread and clears it before each of its
// own suspensions; Database::run and CpuPool::run take it to their threads and
// set it again where the coroutine resumes (coroutines share threads, so a
// thread-local is only right between two suspensions). Kept by value: no line
// can read a request that has ended.
struct LogContext {
  std::string request_id;  // empty: no request
  std::string trace_id;    // 32 lower-case hex digits, or empty
};

// This thread's context.
const LogContext& log_context();
void set_log_context(std::string_view request_id, std::string_view trace_id);
inline void set_log_context(const LogContext& c) { set_log_context(c.request_id, c.trace_id); }
void clear_log_context();

// Sets a context for a scope on a worker thread, then restores what was there.
class ScopedLogContext {
 public:
  explicit ScopedLogContext(const LogContext& context) : saved_(log_context()) {
    set_log_context(context);
  }
  ~ScopedLogContext() { set_log_context(saved_); }
  ScopedLogContext(const ScopedLogContext&) = delete;
  ScopedLogContext& operator=(const ScopedLogContext&) = delete;

 private:
  LogContext saved_;
};

// Sets `context` when destroyed: a coroutine that awaits another thread's
// work keeps one, so its context is set again on the thread that resumes it,
// whether the work returned or threw.
class ReinstateLogContext {
 public:
  explicit ReinstateLogContext(LogContext context) : context_(std::move(context)) {}
  ~ReinstateLogContext() { set_log_context(context_); }
  ReinstateLogContext(const ReinstateLogContext&) = delete;
  ReinstateLogContext& operator=(const ReinstateLogContext&) = delete;

 private:
  LogContext context_;
};

// Writes one line; `request_id` and `trace_id` come from this thread's
// LogContext unless `fields` names them.
void log(std::string_view level, std::string_view message,
         std::initializer_list<LogField> fields = {});

// One access-log line, formatted without building a JSON tree: it runs once
// per request. An empty trace id is left out.
void log_request(std::string_view request_id, std::string_view trace_id, std::string_view method,
                 std::string_view route, int status, double duration_ms, std::size_t bytes);

// RFC 3339 UTC timestamp with milliseconds, e.g. "2026-11-28T13:11:59.123Z".
std::string now_rfc3339();

// Switches logging off (benchmarks of the bare server) or on.
void set_log_enabled(bool enabled);

}  // namespace kakehashi::util
