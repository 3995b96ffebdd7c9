// Runs the real kakehashi binary as a child process for black-box tests, with
// its output captured in a file the test can read.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kakehashi::testing {

// Path of the kakehashi executable under test.
std::string kakehashi_binary();

struct ProcessResult {
  int exit_code = -1;  // or 128 + signal
  std::string output;  // stdout and stderr
};

// Runs `kakehashi args...` to completion with extra environment variables.
ProcessResult run_kakehashi(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env = {});

// An entry of a spawned process's `env` that is not put in its environment:
// its limit on open files (soft and hard), as `prlimit --nofile=N:N` sets it.
inline constexpr std::string_view kOpenFilesLimit = "KAKEHASHI_TEST_OPEN_FILES_LIMIT";

class ServiceProcess {
 public:
  // Starts `kakehashi serve --listen 127.0.0.1:0 extra_args...` and waits for
  // its "listening" log line. Throws if it exits or does not listen in time.
  ServiceProcess(const std::map<std::string, std::string>& env,
                 const std::vector<std::string>& extra_args = {});
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  std::uint16_t port() const { return port_; }
  void signal(int sig);
  // Waits for exit; returns the exit code, or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  std::string output() const;
  // Polls the output until it contains `needle`; false if `timeout` passes first.
  bool wait_for_output(const std::string& needle,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Sends a request with a fresh request id and waits for its access-log
  // line: every line that requests answered before it caused is then in the
  // output, so a test can check what the log does not contain.
  void log_barrier();

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string log_path_;
  std::optional<int> exit_code_;
  int barriers_ = 0;
};

// Polls GET /readyz until it answers 200 (the service loads its matching
// index after it starts listening) or `timeout` passes; returns the last answer.
struct HttpResponse;
HttpResponse wait_ready(std::uint16_t port,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Starts a process with the given environment; stdout/stderr go to log_path.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::string& log_path);
std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds timeout);
std::string read_file(const std::string& path);

}  // namespace kakehashi::testing
