#include "http/problem.hpp"

#include <array>

#include <nlohmann/json.hpp>

namespace kakehashi::http {

namespace {

constexpr std::string_view kProblemTypeBase = "https://kakehashi.example/problems/";

struct TypeName {
  ProblemType type;
  std::string_view slug;
};
constexpr std::array kTypeNames{
    TypeName{ProblemType::kMalformedRequest, "malformed-request"},
    TypeName{ProblemType::kInvalidParameters, "invalid-parameters"},
    TypeName{ProblemType::kUnauthenticated, "unauthenticated"},
    TypeName{ProblemType::kForbidden, "forbidden"},
    TypeName{ProblemType::kNotFound, "not-found"},
    TypeName{ProblemType::kMethodNotAllowed, "method-not-allowed"},
    TypeName{ProblemType::kRequestTimeout, "request-timeout"},
    TypeName{ProblemType::kConflict, "conflict"},
    TypeName{ProblemType::kDuplicate, "duplicate"},
    TypeName{ProblemType::kEditConflict, "edit-conflict"},
    TypeName{ProblemType::kRequestInProgress, "request-in-progress"},
    TypeName{ProblemType::kRoundRunning, "round-running"},
    TypeName{ProblemType::kTransitionNotAllowed, "transition-not-allowed"},
    TypeName{ProblemType::kSeatsFilled, "seats-filled"},
    TypeName{ProblemType::kAlreadyPlaced, "already-placed"},
    TypeName{ProblemType::kStale, "stale"},
    TypeName{ProblemType::kInvalidPrecondition, "invalid-precondition"},
    TypeName{ProblemType::kTooLarge, "too-large"},
    TypeName{ProblemType::kUnsupportedMediaType, "unsupported-media-type"},
    TypeName{ProblemType::kExpectationFailed, "expectation-failed"},
    TypeName{ProblemType::kValidation, "validation"},
    TypeName{ProblemType::kIdempotencyKeyReused, "idempotency-key-reused"},
    TypeName{ProblemType::kConstraintsNotMet, "constraints-not-met"},
    TypeName{ProblemType::kPreconditionRequired, "precondition-required"},
    TypeName{ProblemType::kRateLimited, "rate-limited"},
    TypeName{ProblemType::kHeadersTooLarge, "headers-too-large"},
    TypeName{ProblemType::kInternal, "internal"},
    TypeName{ProblemType::kNotImplemented, "not-implemented"},
    TypeName{ProblemType::kUnavailable, "unavailable"},
    TypeName{ProblemType::kIndexLoading, "index-loading"},
};

struct CodeName {
  FieldCode code;
  std::string_view name;
};
constexpr std::array kCodeNames{
    CodeName{FieldCode::kRequired, "required"},
    CodeName{FieldCode::kUnknownField, "unknown_field"},
    CodeName{FieldCode::kReadOnly, "read_only"},
    CodeName{FieldCode::kWrongType, "wrong_type"},
    CodeName{FieldCode::kInvalidText, "invalid_text"},
    CodeName{FieldCode::kBlank, "blank"},
    CodeName{FieldCode::kTooLong, "too_long"},
    CodeName{FieldCode::kTooMany, "too_many"},
    CodeName{FieldCode::kOutOfRange, "out_of_range"},
    CodeName{FieldCode::kInvalidChoice, "invalid_choice"},
    CodeName{FieldCode::kInvalidFormat, "invalid_format"},
    CodeName{FieldCode::kUnknownSkill, "unknown_skill"},
    CodeName{FieldCode::kDuplicate, "duplicate"},
    CodeName{FieldCode::kNotFound, "not_found"},
    CodeName{FieldCode::kTaken, "taken"},
    CodeName{FieldCode::kInvalidState, "invalid_state"},
    CodeName{FieldCode::kNotPermitted, "not_permitted"},
    CodeName{FieldCode::kInvalidCombination, "invalid_combination"},
    CodeName{FieldCode::kStale, "stale"},
    CodeName{FieldCode::kReused, "reused"},
    CodeName{FieldCode::kTruncated, "truncated"},
};

// The tables are indexed by the enums' values: these fail to compile if an
// entry is missing or out of order.
constexpr bool types_in_order() {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (static_cast<std::size_t>(kTypeNames[i].type) != i) return false;
  }
  return kTypeNames.back().type == ProblemType::kIndexLoading;
}
static_assert(types_in_order());
constexpr bool codes_in_order() {
  for (std::size_t i = 0; i < kCodeNames.size(); ++i) {
    if (static_cast<std::size_t>(kCodeNames[i].code) != i) return false;
  }
  return kCodeNames.back().code == FieldCode::kTruncated;
}
static_assert(codes_in_order());

constexpr std::array kAllTypes = [] {
  std::array<ProblemType, kTypeNames.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = kTypeNames[i].type;
  return out;
}();
constexpr std::array kAllCodes = [] {
  std::array<FieldCode, kCodeNames.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = kCodeNames[i].code;
  return out;
}();

nlohmann::json param_json(const FieldParam& p) {
  return std::visit([](const auto& v) { return nlohmann::json(v); }, p);
}

}  // namespace

std::string_view field_code_name(FieldCode code) {
  return kCodeNames[static_cast<std::size_t>(code)].name;
}
std::string_view problem_type_slug(ProblemType type) {
  return kTypeNames[static_cast<std::size_t>(type)].slug;
}
std::string problem_type_uri(ProblemType type) {
  return std::string(kProblemTypeBase) + std::string(problem_type_slug(type));
}
std::span<const ProblemType> problem_types() { return kAllTypes; }
std::span<const FieldCode> field_codes() { return kAllCodes; }

ProblemType default_problem_type(int status) {
  switch (status) {
    case 400:
      return ProblemType::kMalformedRequest;
    case 401:
      return ProblemType::kUnauthenticated;
    case 403:
      return ProblemType::kForbidden;
    case 404:
      return ProblemType::kNotFound;
    case 405:
      return ProblemType::kMethodNotAllowed;
    case 408:
      return ProblemType::kRequestTimeout;
    case 409:
      return ProblemType::kConflict;
    case 412:
      return ProblemType::kStale;
    case 413:
      return ProblemType::kTooLarge;
    case 415:
      return ProblemType::kUnsupportedMediaType;
    case 417:
      return ProblemType::kExpectationFailed;
    case 422:
      return ProblemType::kValidation;
    case 428:
      return ProblemType::kPreconditionRequired;
    case 429:
      return ProblemType::kRateLimited;
    case 431:
      return ProblemType::kHeadersTooLarge;
    case 501:
      return ProblemType::kNotImplemented;
    case 503:
      return ProblemType::kUnavailable;
    default:
      return status < 500 ? ProblemType::kMalformedRequest : ProblemType::kInternal;
  }
}

nlohmann::json field_error_json(const FieldError& e) {
  nlohmann::json item = {
      {"pointer", e.pointer}, {"code", field_code_name(e.code)}, {"detail", e.message}};
  if (!e.params.empty()) {
    auto& params = item["params"] = nlohmann::json::object();
    for (const auto& [name, value] : e.params) params[name] = param_json(value);
  }
  if (e.line) item["line"] = *e.line;
  return item;
}

std::string pointer_to(std::string_view base, std::string_view token) {
  std::string out(base);
  out.reserve(out.size() + token.size() + 1);
  out += '/';
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view status_title(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

Response problem_response(const Problem& problem, std::string_view instance,
                          std::string_view request_id) {
  nlohmann::json body = {
      {"type", problem_type_uri(problem.type.value_or(default_problem_type(problem.status)))},
      {"title", problem.title.empty() ? std::string(status_title(problem.status)) : problem.title},
      {"status", problem.status},
  };
  if (!problem.detail.empty()) body["detail"] = problem.detail;
  if (!instance.empty()) body["instance"] = instance;
  if (!request_id.empty()) body["request_id"] = request_id;
  if (!problem.errors.empty()) {
    // Every error at once, up to a bound: one per unknown key of a large
    // document made an answer seven times the request's size. The rest are
    // counted in a last `truncated` entry (an import lists 1,000 and its own).
    constexpr std::size_t kListed = 1'000;
    auto& errors = body["errors"] = nlohmann::json::array();
    const std::size_t listed =
        problem.errors.size() > kListed + 1 ? kListed : problem.errors.size();
    for (std::size_t i = 0; i < listed; ++i) errors.push_back(field_error_json(problem.errors[i]));
    if (listed < problem.errors.size()) {
      const auto more = static_cast<long long>(problem.errors.size() - listed);
      errors.push_back(
          field_error_json({"",
                            FieldCode::kTruncated,
                            "and " + std::to_string(more) + " more problem(s), not listed",
                            {{"count", more}}}));
    }
  }
  // Invalid UTF-8 echoed from a request must not throw while rendering an error.
  Response r = Response::text(problem.status,
                              body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                              "application/problem+json");
  if (problem.retry_after_seconds) {
    r.set_header("Retry-After", std::to_string(*problem.retry_after_seconds));
  }
  return r;
}

}  // namespace kakehashi::http
