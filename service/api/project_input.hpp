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

}  // namespace kakehashi::api
