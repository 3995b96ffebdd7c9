#include "support/service_process.hpp"

#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/paths.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace kakehashi::testing {
namespace {

// A new, empty file of a name no other process has: the caller reads it for
// the child's "listening" line from the moment it forks. A name made of the
// pid and a counter could be a file a killed test left behind (pids wrap at
// 32768 here, within one suite), and the reader could then find that file's
// old port before the child truncated it ("connect to port ... failed").
std::string temp_log_path() {
  std::string path = "/tmp/kakehashi-test-XXXXXX.log";
  const int fd = ::mkstemps(path.data(), 4);
  if (fd < 0) throw std::runtime_error("cannot create a log file in /tmp");
  ::close(fd);
  return path;
}

}  // namespace

std::string kakehashi_binary() { return executable_directory() + KAKEHASHI_TEST_BINARY; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::string& log_path) {
  // Everything the child needs is made before the fork: the child only
  // redirects its output and execs, as a child of a process with threads
  // must (a test may start a service while another thread of it starts the
  // next test's: support/spare_service.hpp).
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) merged.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  for (const auto& [k, v] : env) merged[k] = v;
  // Not for the child's environment: its limit on open files (soft and hard).
  rlim_t open_files = 0;
  if (auto it = merged.find(std::string(kOpenFilesLimit)); it != merged.end()) {
    open_files = std::stoul(it->second);
    merged.erase(it);
  }
  std::vector<std::string> entries;
  entries.reserve(merged.size());
  for (const auto& [k, v] : merged) entries.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : entries) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args_copy = argv;
  std::vector<char*> args;
  for (auto& a : args_copy) args.push_back(a.data());
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    if (open_files > 0) {
      const rlimit limit{open_files, open_files};
      if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(126);
    }
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // A killed service is gone within a few milliseconds: poll often at first
  // (every test ends with one), then every 10 ms.
  auto poll = std::chrono::milliseconds(1);
  while (true) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(poll);
    poll = std::min(poll * 2, std::chrono::milliseconds(10));
  }
}

ProcessResult run_kakehashi(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv{kakehashi_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string log = temp_log_path();
  const pid_t pid = spawn(argv, env, log);
  auto code = wait_for(pid, std::chrono::seconds(60));
  if (!code) {
    ::kill(pid, SIGKILL);
    code = wait_for(pid, std::chrono::seconds(5));
  }
  ProcessResult result{code.value_or(-1), read_file(log)};
  ::unlink(log.c_str());
  return result;
}

ServiceProcess::ServiceProcess(const std::map<std::string, std::string>& env,
                               const std::vector<std::string>& extra_args)
    : log_path_(temp_log_path()) {
  std::vector<std::string> argv{kakehashi_binary(), "serve", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(argv, env, log_path_);
  static const std::regex kListening(R"re("msg":"listening".*"port":(\d+))re");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const std::string out = read_file(log_path_);
    if (std::regex_search(out, m, kListening)) {
      port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
      return;
    }
    if (auto code = wait_for(pid_, std::chrono::milliseconds(0))) {
      exit_code_ = code;
      throw std::runtime_error("kakehashi serve exited with " + std::to_string(*code) + ":\n" +
                               out);
    }
    // Every integration test waits here once or more: a 20 ms poll cost
    // 10 ms a start on average; reading the short log is cheap.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  throw std::runtime_error("kakehashi serve did not listen within 30 s:\n" + output());
}

ServiceProcess::~ServiceProcess() {
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    wait_for(pid_, std::chrono::seconds(5));
  }
  ::unlink(log_path_.c_str());
}

void ServiceProcess::signal(int sig) { ::kill(pid_, sig); }

std::optional<int> ServiceProcess::wait(std::chrono::milliseconds timeout) {
  if (!exit_code_) exit_code_ = wait_for(pid_, timeout);
  return exit_code_;
}

std::string ServiceProcess::output() const { return read_file(log_path_); }

bool ServiceProcess::wait_for_output(const std::string& needle,
                                     std::chrono::milliseconds timeout) const {
  return eventually([&] { return output().find(needle) != std::string::npos; }, timeout,
                    std::chrono::milliseconds(5));
}

void ServiceProcess::log_barrier() {
  const std::string id = "log-barrier-" + std::to_string(++barriers_);
  request(port_, "GET", "/healthz", "", {{"X-Request-Id", id}});
  if (!wait_for_output("\"request_id\":\"" + id + "\"")) {
    throw std::runtime_error("the access-log line of " + id + " never came:\n" + output());
  }
}

HttpResponse wait_ready(std::uint16_t port, std::chrono::milliseconds timeout) {
  HttpResponse r;
  eventually(
      [&] {
        r = request(port, "GET", "/readyz");
        return r.status == 200;
      },
      timeout, std::chrono::milliseconds(5));
  return r;
}

}  // namespace kakehashi::testing
