#include "store/timezones.hpp"

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

}  // namespace kakehashi::store
