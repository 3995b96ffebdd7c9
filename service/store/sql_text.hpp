// Text forms the database accepts that callers outside store/ build or check
// too: PostgreSQL array literals and canonical UUID text. No libpqxx here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kakehashi::store {

// A PostgreSQL bigint[] literal.
std::string pg_bigint_array(const std::vector<std::int64_t>& values);

// A PostgreSQL text[] literal of simple items (no commas, quotes or braces).
std::string pg_text_array(const std::vector<std::string>& items);

// Ids must be canonical UUID text; anything else can never name a row.
bool is_uuid(const std::string& s);

}  // namespace kakehashi::store
