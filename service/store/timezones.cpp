#include "store/timezones.hpp"

#include <fstream>
#include <iterator>

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
  for (const auto& name : names) {
    // Names come from pg_timezone_names; refuse anything that could leave the directory.
    if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') continue;
    std::ifstream in(directory + "/" + name, std::ios::binary);
    if (!in) continue;
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (auto rules = domain::ZoneRules::parse(bytes)) out.emplace_back(name, std::move(*rules));
  }
  return out;
}

std::string zoneinfo_directory() { return "/usr/share/zoneinfo"; }

}  // namespace kakehashi::store
