// The IANA time zones the database knows (pg_timezone_names): the names a
// trainee's timezone must be one of, and each zone's offset for the matcher.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "domain/zone_rules.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

std::vector<std::string> load_timezones(Tx& t);
// Each IANA zone's current offset from UTC, in minutes.
std::vector<std::pair<std::string, int>> load_timezone_offsets(Tx& t);

// The rules of named zones, each file's once: names that resolve to one file
// (links: "Japan" and "posix/Asia/Tokyo" are "Asia/Tokyo") share its entry.
struct ZoneFiles {
  std::vector<domain::ZoneRules> rules;                    // one per file read
  std::vector<std::pair<std::string, std::size_t>> names;  // in the order asked: a name, its rules
};

// The rules of each named zone from the tz database's compiled files under
// `directory` (the ones PostgreSQL uses on Debian: /usr/share/zoneinfo). A
// name without a readable, valid file is left out: the matcher then uses
// the zone's offset today.
ZoneFiles load_zone_rules(const std::vector<std::string>& names, const std::string& directory);
std::string zoneinfo_directory();

}  // namespace kakehashi::store
