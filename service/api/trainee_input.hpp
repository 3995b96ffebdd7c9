// A trainee as clients send it, validated: shared by the single create, the
// merge patch and the bulk import.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/api_context.hpp"
#include "domain/trainee.hpp"
#include "http/problem.hpp"

namespace kakehashi::api {

// A trainee as a client sent it, validated: its personal data and profile
// (the base), and the organization an administrator named.
struct TraineeInput : domain::NewTrainee {
  std::optional<std::string> organization_id;  // administrators only
};

// Validates a trainee document; appends every error to `errors` and returns
// nullopt if there is any.
std::optional<TraineeInput> parse_trainee(const nlohmann::json& body, const ApiContext& api,
                                          bool admin, std::vector<http::FieldError>& errors);
// The same for a change of a trainee whose status is now `current_status`
// ("placed" can neither be written nor left by a client).
std::optional<TraineeInput> parse_trainee(const nlohmann::json& body, const ApiContext& api,
                                          bool admin, std::vector<http::FieldError>& errors,
                                          std::string_view current_status);

}  // namespace kakehashi::api
