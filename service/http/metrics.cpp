#include "http/metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace kakehashi::http {
namespace {

std::string format_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::string prometheus_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string_view method_label(std::string_view method) {
  // Label values must stay a small closed set: a client choosing the method
  // (PROBEXA, 8,000 bytes of it) must not create a series per request.
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "OTHER";
}

void Metrics::observe(std::string_view method, std::string_view route, int status, double seconds) {
  if (status < 100 || status > 599) status = 0;
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(method_label(method)), std::string(route), status}];
  auto it = durations_.find(route);
  if (it == durations_.end()) it = durations_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = it->second;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::render(std::string& out) const {
  std::lock_guard lock(mutex_);
  out +=
      "# HELP http_requests_total HTTP requests answered, by method, route template and status.\n";
  out += "# TYPE http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += "http_requests_total{method=\"" + prometheus_label(method) + "\",route=\"" +
           prometheus_label(route) + "\",status=\"" + std::to_string(status) + "\"} " +
           std::to_string(count) + "\n";
  }
  out +=
      "# HELP http_request_duration_seconds Time from a request's last byte read to its "
      "response handed to the socket.\n";
  out += "# TYPE http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : durations_) {
    const std::string label = "route=\"" + prometheus_label(route) + "\"";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += "http_request_duration_seconds_bucket{" + label + ",le=\"" +
             format_double(kBuckets[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
    }
    out += "http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "http_request_duration_seconds_sum{" + label + "} " + format_double(h.sum) + "\n";
    out += "http_request_duration_seconds_count{" + label + "} " + std::to_string(h.count) + "\n";
  }
}

namespace {

void gauge(std::string& out, const char* name, const char* type, const char* help, double value) {
  out += std::string("# HELP ") + name + " " + help + "\n";
  out += std::string("# TYPE ") + name + " " + type + "\n";
  out += std::string(name) + " " + format_double(value) + "\n";
}

}  // namespace

void render_process_metrics(std::string& out) try {
  // /proc/self/stat: the command is in parentheses and may hold spaces, so
  // fields are counted from the last ')'. utime and stime are fields 14 and
  // 15, num_threads 20, vsize 23 and rss 24 (pages), numbered from 1.
  std::ifstream stat_file("/proc/self/stat");
  const std::string stat((std::istreambuf_iterator<char>(stat_file)),
                         std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::vector<std::string> f;
    for (std::string field; fields >> field;) f.push_back(field);
    // f[0] is field 3 (state).
    if (f.size() >= 22) {
      const auto ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
      const auto page = static_cast<double>(::sysconf(_SC_PAGESIZE));
      const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
      gauge(out, "process_cpu_seconds_total", "counter", "User and system CPU time spent.", cpu);
      gauge(out, "process_resident_memory_bytes", "gauge", "Resident memory size.",
            std::stod(f[21]) * page);
      gauge(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size.", std::stod(f[20]));
      gauge(out, "process_threads", "gauge", "Threads of the process.", std::stod(f[17]));
    }
  }
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    std::size_t open = 0;
    while (const dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] != '.') ++open;
    }
    ::closedir(dir);
    // Less the descriptor that reads the directory.
    gauge(out, "process_open_fds", "gauge", "Open file descriptors.",
          static_cast<double>(open > 0 ? open - 1 : 0));
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    gauge(out, "process_max_fds", "gauge", "Most file descriptors the process may open.",
          static_cast<double>(limit.rlim_cur));
  }
} catch (const std::exception&) {  // an unreadable /proc leaves the figures out
}

}  // namespace kakehashi::http
