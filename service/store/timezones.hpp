// The IANA time zones the database knows (pg_timezone_names): the names a
// trainee's timezone must be one of, and each zone's offset for the matcher.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "store/transaction.hpp"

namespace kakehashi::store {

std::vector<std::string> load_timezones(Tx& t);
// Each IANA zone's current offset from UTC, in minutes.
std::vector<std::pair<std::string, int>> load_timezone_offsets(Tx& t);

}  // namespace kakehashi::store
