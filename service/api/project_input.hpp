// A project demand as clients send it, validated into the domain's
// ProjectData: shared by the create and the merge patch.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/api_context.hpp"
#include "domain/project.hpp"
#include "http/problem.hpp"

namespace kakehashi::api {

// Validates a project document; appends every error to `errors` and returns
// nullopt if there is any. Administrators name the firm (`org`).
std::optional<domain::ProjectData> parse_project(const nlohmann::json& body, const ApiContext& api,
                                                 bool admin, std::optional<std::string>* org,
                                                 std::vector<http::FieldError>& errors);

inline constexpr std::size_t kMaxRoles = 20;

// A list of required skills ({skill, min_level, weight, required}) at
// `pointer`, resolved against the taxonomy (project_roles.cpp).
std::vector<domain::ProjectSkill> parse_skill_list(const nlohmann::json& skills,
                                                   const std::string& pointer,
                                                   const ApiContext& api,
                                                   std::vector<http::FieldError>& errors);
// `roles`: [{key, title, headcount, skills?, japanese_min?, english_min?}];
// a field a role leaves out (or null) is the project's.
std::vector<domain::ProjectRole> parse_roles(const nlohmann::json& roles, const ApiContext& api,
                                             std::vector<http::FieldError>& errors);
nlohmann::json roles_json(const std::vector<domain::ProjectRole>& roles);

}  // namespace kakehashi::api
