#include "store/timezones.hpp"

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <optional>

#include <pqxx/pqxx>

#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kSelectTimezones = "SELECT name FROM pg_timezone_names";
constexpr const char* kSelectTimezoneOffsets =
    "SELECT name, (extract(epoch FROM utc_offset) / 60)::int AS offset_minutes "
    "FROM pg_timezone_names";

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

std::vector<std::pair<std::string, domain::ZoneRules>> load_zone_rules(
    const std::vector<std::string>& names, const std::string& directory) {
  std::vector<std::pair<std::string, domain::ZoneRules>> out;
  // Most names are links to another's file (1,198 names, 447 files on
  // Debian 12: "Japan" and "posix/Asia/Tokyo" are "Asia/Tokyo"): each file
  // is read and parsed once, keyed by the file it resolves to. A start of
  // the service spent ~55 ms of CPU (ASan build) reading every name's file
  // a character at a time.
  std::map<std::pair<dev_t, ino_t>, std::optional<domain::ZoneRules>> by_file;
  for (const auto& name : names) {
    // Names come from pg_timezone_names; refuse anything that could leave the directory.
    if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') continue;
    const std::string path = directory + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    auto [file, first] = by_file.try_emplace({st.st_dev, st.st_ino});
    if (first) {
      std::ifstream in(path, std::ios::binary);
      std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
      if (in.read(bytes.data(), st.st_size)) file->second = domain::ZoneRules::parse(bytes);
    }
    if (file->second) out.emplace_back(name, *file->second);
  }
  return out;
}

std::string zoneinfo_directory() { return "/usr/share/zoneinfo"; }

}  // namespace kakehashi::store
