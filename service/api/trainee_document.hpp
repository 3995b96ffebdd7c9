// The body of GET /v1/trainees/{id} written straight from the database's
// text (store::TraineeView), without a JSON DOM: the cold read's renderer.
// It writes the same bytes as the DOM (trainee_json in trainees.cpp, keys in
// nlohmann's sorted order, its number and string formats) for the same
// trainee; tests/integration/trainee_reads_test.cpp compares the two.
#pragma once

#include <string>
#include <string_view>

#include "matching/taxonomy.hpp"
#include "store/trainees.hpp"

namespace kakehashi::api {

// Appends the trainee's document to `out`.
void write_trainee_body(std::string& out, const store::TraineeView& v,
                        const matching::Taxonomy::Snapshot& taxonomy);

// JSON pieces as nlohmann's dump() writes them (ensure_ascii off, invalid
// UTF-8 replaced): a string with its quotes, a double (null when not finite
// or not a number), for tests of their own.
void write_json_string(std::string& out, std::string_view s);
void write_json_double(std::string& out, std::string_view decimal_text);

}  // namespace kakehashi::api
