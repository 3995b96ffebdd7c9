// RFC 9457 problem details: the one shape every error response takes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace kakehashi::http {

// One invalid input, located by a JSON pointer into the request body
// ("/skills/2/level") or by a parameter name for query strings.
struct FieldError {
  std::string pointer;
  std::string message;
  std::optional<long> line = std::nullopt;  // for bulk input: the line of the row
};

struct Problem {
  int status = 500;
  std::string title;
  std::string detail;
  std::string type = "about:blank";
  std::vector<FieldError> errors;
  std::optional<int> retry_after_seconds;
};

// Renders `problem` as an application/problem+json response; `instance` is the
// request path and `request_id` lets a user quote the failing request.
Response problem_response(const Problem& problem, std::string_view instance,
                          std::string_view request_id);

// The standard reason phrase for a status ("Not Found").
std::string_view status_title(int status);

}  // namespace kakehashi::http
