// RFC 9457 problem details: the one shape every error response takes, with a
// `type` URI per kind of problem and a stable `code` per field error, so that
// clients (the console in two languages) tell problems apart without reading
// English text.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "http/message.hpp"

namespace kakehashi::http {

// What is wrong with one input. The names (field_code_name) are part of the
// API: api-spec/openapi.yaml lists them, and clients translate by them.
enum class FieldCode {
  kRequired,            // absent or null
  kUnknownField,        // a body member, query parameter or CSV column not known
  kReadOnly,            // the server owns this value
  kWrongType,           // {expected: "string" | "object" | "array" | …}
  kInvalidText,         // not UTF-8, or holds control characters
  kBlank,               // only white space
  kTooLong,             // {max_length} in characters
  kTooMany,             // {max_items}
  kOutOfRange,          // {min, max}
  kInvalidChoice,       // {allowed: [...]}
  kInvalidFormat,       // {format: "date" | "email" | "timezone" | …}
  kUnknownSkill,        // {skill, closest?: [...]}
  kDuplicate,           // repeats an item, parameter or column given before
  kNotFound,            // {resource}: names nothing this caller can see
  kTaken,               // already used by another record
  kInvalidState,        // the thing named is not in a state that allows this
  kNotPermitted,        // this role may not give this field
  kInvalidCombination,  // conflicts with another field ({with})
  kStale,               // the ETag names an older version
  kReused,              // an Idempotency-Key used with another request
  kTruncated,           // {count}: more problems, not listed
};
std::string_view field_code_name(FieldCode code);

// A parameter of a field error: a number, a text or a list of texts.
using FieldParam = std::variant<long long, double, std::string, std::vector<std::string>>;
using FieldParams = std::vector<std::pair<std::string, FieldParam>>;

// One invalid input, located by a JSON pointer (RFC 6901) into the request
// body ("/skills/2/level"), or by a parameter or header name.
struct FieldError {
  std::string pointer;
  FieldCode code;
  std::string message;  // English, for people reading the raw response
  FieldParams params = {};
  std::optional<long> line = std::nullopt;  // for bulk input: the line of the row
};

// {pointer, code, detail, params?, line?}: one member of a problem's `errors`.
nlohmann::json field_error_json(const FieldError& error);

// `base` followed by one reference token, escaped as RFC 6901 says: "~" as
// "~0" and "/" as "~1", so a body key "a/b" is reported as "/a~1b".
std::string pointer_to(std::string_view base, std::string_view token);

// The kinds of problem; each has a `type` URI (problem_type_uri), listed in
// api-spec/openapi.yaml with its meaning.
enum class ProblemType {
  kMalformedRequest,      // 400
  kInvalidParameters,     // 400, 422: query parameters (errors lists them)
  kUnauthenticated,       // 401
  kForbidden,             // 403
  kNotFound,              // 404
  kMethodNotAllowed,      // 405
  kRequestTimeout,        // 408
  kConflict,              // 409
  kDuplicate,             // 409: unique data already used (errors lists it)
  kEditConflict,          // 409: the resource kept changing
  kRequestInProgress,     // 409: the same Idempotency-Key is still running
  kRoundRunning,          // 409: another matching round is running
  kTransitionNotAllowed,  // 409: a match state change this role may not make now
  kSeatsFilled,           // 409
  kAlreadyPlaced,         // 409
  kStale,                 // 412: If-Match names an older version
  kInvalidPrecondition,   // 412: If-Match is not an ETag this service issued
  kTooLarge,              // 413
  kUnsupportedMediaType,  // 415
  kExpectationFailed,     // 417
  kValidation,            // 422: the body is invalid (errors lists every field)
  kIdempotencyKeyReused,  // 422
  kConstraintsNotMet,     // 422: a trainee outside a project's hard constraints
  kPreconditionRequired,  // 428
  kRateLimited,           // 429
  kHeadersTooLarge,       // 431
  kInternal,              // 500
  kNotImplemented,        // 501
  kUnavailable,           // 503
  kIndexLoading,          // 503
};
std::string_view problem_type_slug(ProblemType type);
// "https://kakehashi.example/problems/<slug>": an identifier, not a locator.
std::string problem_type_uri(ProblemType type);
// Every kind, in declaration order (for tests and the spec's list).
std::span<const ProblemType> problem_types();
std::span<const FieldCode> field_codes();
// The general kind for a status, used when a problem names none.
ProblemType default_problem_type(int status);

struct Problem {
  int status = 500;
  std::string title;
  std::string detail;
  std::optional<ProblemType> type = std::nullopt;  // default_problem_type(status)
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
