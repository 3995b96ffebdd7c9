// Fuzz target: a JSON request body through the service's own parser and
// validation into domain commands, without a server: api::parse_json (the
// nesting guard json_deeper_than, then nlohmann's parser), then every
// validation a body meets: parse_trainee (for a training organization, for
// an administrator, for a change of a placed trainee) and parse_project (for
// a firm and an administrator). Each accepted command is checked against what
// the store and the matcher rely on (fuzz_checks.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/common.hpp"
#include "fuzz_checks.hpp"
#include "fuzz_target.hpp"

KAKEHASHI_FUZZ_TARGET(json_input) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  bool too_deep = false;
  const auto body = kakehashi::api::parse_json(text, &too_deep);
  if (too_deep) {
    kakehashi::fuzz::expect(!body, "a body refused as too deep is not parsed");
    return 0;
  }
  if (!body) return 0;
  if (kakehashi::fuzz::depth_of(*body) > kakehashi::api::kMaxJsonDepth) {
    kakehashi::fuzz::fail("parse_json accepted a document nested deeper than kMaxJsonDepth");
  }
  if (!body->is_object()) return 0;
  kakehashi::fuzz::validate_everything(*body, kakehashi::fuzz::fixture().api);
  return 0;
}
