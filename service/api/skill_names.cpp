#include "api/skill_names.hpp"

#include <algorithm>

#include "api/validation.hpp"
#include "domain/text.hpp"

namespace kakehashi::api {

using nlohmann::json;

namespace {

constexpr const char* kForbidden = "\t\n\r,:;";

void check_free(const std::string& name, const std::string& pointer, const Taxonomy::Snapshot& snap,
                std::optional<int> self, std::vector<http::FieldError>& conflicts) {
  if (auto owner = snap.resolve(name); owner && owner != self) {
    const auto& other = snap.by_id(*owner)->name;
    conflicts.push_back(
        {pointer, http::FieldCode::kTaken, "already names " + other, {{"skill", other}}});
  }
}

}  // namespace

std::optional<std::string> skill_name_field(const json& body, const std::string& key, bool required,
                                            const Taxonomy::Snapshot& snap, std::optional<int> self,
                                            std::vector<http::FieldError>& errors,
                                            std::vector<http::FieldError>& conflicts) {
  Validator v(body, "", errors);
  auto name = v.text(key, required, 100);
  if (!name) return std::nullopt;
  if (name->find_first_of(kForbidden) != std::string::npos ||
      matcher::normalise_skill_name(*name).empty()) {
    v.fail(key, http::FieldCode::kInvalidFormat, "must not contain tabs, line breaks or , : ;",
           {{"format", std::string("skill_name")}});
    return std::nullopt;
  }
  check_free(*name, v.at(key), snap, self, conflicts);
  return name;
}

std::vector<std::string> skill_aliases_field(const json& body, const Taxonomy::Snapshot& snap,
                                             std::optional<int> self,
                                             std::vector<http::FieldError>& errors,
                                             std::vector<http::FieldError>& conflicts) {
  std::vector<std::string> out;
  Validator v(body, "", errors);
  if (!v.has("aliases")) return out;
  const auto& aliases = body["aliases"];
  if (!aliases.is_array()) {
    v.fail("aliases", http::FieldCode::kWrongType, "must be an array of at most 20 names",
           {{"expected", std::string("array")}});
    return out;
  }
  if (aliases.size() > 20) {
    v.fail("aliases", http::FieldCode::kTooMany, "must be an array of at most 20 names",
           {{"max_items", 20LL}});
    return out;
  }
  for (std::size_t i = 0; i < aliases.size(); ++i) {
    const std::string at = "/aliases/" + std::to_string(i);
    if (!aliases[i].is_string()) {
      errors.push_back({at,
                        http::FieldCode::kWrongType,
                        "must be a string",
                        {{"expected", std::string("string")}}});
      continue;
    }
    const auto& raw = aliases[i].get_ref<const std::string&>();
    const auto alias = matcher::normalise_skill_name(raw);
    if (alias.empty() || domain::code_points(alias) > 100 ||
        alias.find_first_of(kForbidden) != std::string::npos ||
        domain::has_control_characters(raw, false) || domain::has_hidden_format_characters(alias)) {
      errors.push_back(invalid_format(
          at, "must be 1 to 100 characters without , : ; or control characters", "skill_name"));
    } else if (std::find(out.begin(), out.end(), alias) != out.end()) {
      errors.push_back({at, http::FieldCode::kDuplicate, "is repeated"});
    } else {
      check_free(alias, at, snap, self, conflicts);
      out.push_back(alias);
    }
  }
  return out;
}

}  // namespace kakehashi::api
