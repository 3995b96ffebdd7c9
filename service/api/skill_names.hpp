// The checks a skill's names get wherever they are written (the taxonomy's
// POST/PATCH and training organizations' proposals): canonical and Japanese
// names, aliases (whole names, folded by matcher::normalise_skill_name), and
// that none of them already names another skill (names, Japanese names and
// aliases share one namespace).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "http/problem.hpp"

namespace kakehashi::api {

// A name (`key` of `body`, 1..100 characters, none of tab, line breaks , : ;),
// or nullopt when absent or invalid (an error is added when invalid, or when
// absent and `required`). A name another skill than `self` has is a conflict.
std::optional<std::string> skill_name_field(const nlohmann::json& body, const std::string& key,
                                            bool required, const Taxonomy::Snapshot& snap,
                                            std::optional<int> self,
                                            std::vector<http::FieldError>& errors,
                                            std::vector<http::FieldError>& conflicts);

// `body["aliases"]` (when present): at most 20 distinct names, each folded;
// one another skill has is a conflict.
std::vector<std::string> skill_aliases_field(const nlohmann::json& body,
                                             const Taxonomy::Snapshot& snap,
                                             std::optional<int> self,
                                             std::vector<http::FieldError>& errors,
                                             std::vector<http::FieldError>& conflicts);

}  // namespace kakehashi::api
