// A project demand's roles (issue 15) as clients send and read them, and the
// skill lists the project and its roles share.
#include <algorithm>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "api/project_input.hpp"
#include "api/validation.hpp"
#include "domain/levels.hpp"

namespace kakehashi::api {

using nlohmann::json;

std::vector<domain::ProjectSkill> parse_skill_list(const json& skills, const std::string& pointer,
                                                   const ApiContext& api,
                                                   std::vector<http::FieldError>& errors) {
  std::vector<domain::ProjectSkill> out;
  if (!skills.is_array()) {
    errors.push_back({pointer,
                      http::FieldCode::kWrongType,
                      "must be an array of at most 30 skills",
                      {{"expected", std::string("array")}}});
    return out;
  }
  if (skills.size() > 30) {
    errors.push_back({pointer,
                      http::FieldCode::kTooMany,
                      "must be an array of at most 30 skills",
                      {{"max_items", 30LL}}});
    return out;
  }
  const auto taxonomy = api.taxonomy.snapshot();
  for (std::size_t i = 0; i < skills.size(); ++i) {
    const std::string at = pointer + "/" + std::to_string(i);
    if (!skills[i].is_object()) {
      errors.push_back({at,
                        http::FieldCode::kWrongType,
                        "must be an object {skill, min_level, weight, required}",
                        {{"expected", std::string("object")}}});
      continue;
    }
    Validator s(skills[i], at, errors);
    s.only({"skill", "min_level", "weight", "required"});
    auto name = s.text("skill", true, 100);
    auto min_level = s.integer("min_level", true, 1, 5);
    auto weight = s.integer("weight", false, 1, 5);
    auto required = s.boolean("required", false);
    if (!name) continue;
    auto id = taxonomy->resolve(*name);
    if (!id) {
      errors.push_back(unknown_skill(at + "/skill", *name, taxonomy->closest(*name)));
      continue;
    }
    if (std::any_of(out.begin(), out.end(), [&](const auto& x) { return x.skill_id == *id; })) {
      errors.push_back(
          {at + "/skill", http::FieldCode::kDuplicate, "repeats a skill listed before"});
      continue;
    }
    if (min_level) {
      out.push_back({*id, taxonomy->by_id(*id)->name, static_cast<int>(*min_level),
                     static_cast<int>(weight.value_or(3)), required.value_or(false)});
    }
  }
  return out;
}

std::vector<domain::ProjectRole> parse_roles(const json& roles, const ApiContext& api,
                                             std::vector<http::FieldError>& errors) {
  std::vector<domain::ProjectRole> out;
  if (!roles.is_array()) {
    errors.push_back({"/roles",
                      http::FieldCode::kWrongType,
                      "must be an array of at most 20 roles",
                      {{"expected", std::string("array")}}});
    return out;
  }
  if (roles.size() > kMaxRoles) {
    errors.push_back({"/roles",
                      http::FieldCode::kTooMany,
                      "must be an array of at most 20 roles",
                      {{"max_items", static_cast<long long>(kMaxRoles)}}});
    return out;
  }
  std::unordered_set<std::string> keys;
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const std::string at = "/roles/" + std::to_string(i);
    if (!roles[i].is_object()) {
      errors.push_back({at,
                        http::FieldCode::kWrongType,
                        "must be an object {key, title, headcount, ...}",
                        {{"expected", std::string("object")}}});
      continue;
    }
    Validator v(roles[i], at, errors);
    v.only({"key", "title", "headcount", "skills", "japanese_min", "english_min"});
    domain::ProjectRole role;
    auto key = v.text("key", true, 40);
    if (key && !valid_slug(*key)) {
      v.fail("key", http::FieldCode::kInvalidFormat,
             "must be a lower-case key such as bridge_se or ml_engineer",
             {{"format", std::string("slug")}});
    } else if (key && !keys.insert(*key).second) {
      v.fail("key", http::FieldCode::kDuplicate, "repeats a role key listed before");
    }
    role.key = key.value_or("");
    role.title = v.text("title", true, 200).value_or("");
    role.headcount = static_cast<int>(v.integer("headcount", true, 1, 1000).value_or(1));
    if (v.has("skills")) {
      role.skills = parse_skill_list(roles[i]["skills"], v.at("skills"), api, errors);
    }
    role.japanese_min = v.choice("japanese_min", false, domain::names_of<domain::Jlpt>());
    role.english_min = v.choice("english_min", false, domain::names_of<domain::Cefr>());
    out.push_back(std::move(role));
  }
  return out;
}

json roles_json(const std::vector<domain::ProjectRole>& roles) {
  json out = json::array();
  for (const auto& r : roles) {
    json skills = nullptr;
    if (r.skills) {
      skills = json::array();
      for (const auto& s : *r.skills) {
        skills.push_back({{"skill", s.skill},
                          {"min_level", s.min_level},
                          {"weight", s.weight},
                          {"required", s.required}});
      }
    }
    out.push_back({{"key", r.key},
                   {"title", r.title},
                   {"headcount", r.headcount},
                   {"skills", skills},
                   {"japanese_min", r.japanese_min ? json(*r.japanese_min) : json(nullptr)},
                   {"english_min", r.english_min ? json(*r.english_min) : json(nullptr)}});
  }
  return out;
}

}  // namespace kakehashi::api
