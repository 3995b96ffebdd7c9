#include "store/timezones.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>

#include <pqxx/pqxx>

#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kSelectTimezones = "SELECT name FROM pg_timezone_names";
constexpr const char* kSelectTimezoneOffsets =
    "SELECT name, (extract(epoch FROM utc_offset) / 60)::int AS offset_minutes "
    "FROM pg_timezone_names";

// The file's bytes into `out` (its size as read, not as stat said); false
// if it cannot be read. Plain read(2): an ifstream allocated and cleared a
// buffer of its own for each of the ~450 files.
bool read_whole(const std::string& path, std::string& out) {
  struct File {
    int fd;
    ~File() {
      if (fd >= 0) ::close(fd);
    }
  } file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) return false;
  out.clear();
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(file.fd, buffer, sizeof buffer);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::vector<std::string> load_timezones(Tx& t) {
  std::vector<std::string> out;
  for (const auto& r : exec(t.sql(), kSelectTimezones)) out.push_back(r["name"].as<std::string>());
  return out;
}

std::vector<std::pair<std::string, int>> load_timezone_offsets(Tx& t) {
  std::vector<std::pair<std::string, int>> out;
  for (const auto& r : exec(t.sql(), kSelectTimezoneOffsets)) {
    out.emplace_back(r["name"].as<std::string>(), r["offset_minutes"].as<int>());
  }
  return out;
}

ZoneFiles load_zone_rules(const std::vector<std::string>& names, const std::string& directory) {
  ZoneFiles out;
  // Most names are links to another's file (1,198 names, 447 files on
  // Debian 12): each file is read and parsed once, keyed by the file it
  // resolves to, and its rules are kept once. A start of the service spent
  // ~55 ms of CPU (ASan build) reading every name's file a character at a
  // time, and later a quarter of its start copying each name's rules.
  constexpr std::size_t kUnreadable = static_cast<std::size_t>(-1);
  std::map<std::pair<dev_t, ino_t>, std::size_t> by_file;
  std::string bytes;
  for (const auto& name : names) {
    // Names come from pg_timezone_names; refuse anything that could leave the directory.
    if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') continue;
    const std::string path = directory + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    auto [file, first] = by_file.try_emplace({st.st_dev, st.st_ino}, kUnreadable);
    if (first && read_whole(path, bytes)) {
      if (auto rules = domain::ZoneRules::parse(bytes)) {
        file->second = out.rules.size();
        out.rules.push_back(std::move(*rules));
      }
    }
    if (file->second != kUnreadable) out.names.emplace_back(name, file->second);
  }
  return out;
}

std::string zoneinfo_directory() { return "/usr/share/zoneinfo"; }

}  // namespace kakehashi::store
