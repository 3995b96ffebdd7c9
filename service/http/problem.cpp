#include "http/problem.hpp"

#include <nlohmann/json.hpp>

namespace kakehashi::http {

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
      {"type", problem.type},
      {"title", problem.title.empty() ? std::string(status_title(problem.status)) : problem.title},
      {"status", problem.status},
  };
  if (!problem.detail.empty()) body["detail"] = problem.detail;
  if (!instance.empty()) body["instance"] = instance;
  if (!request_id.empty()) body["request_id"] = request_id;
  if (!problem.errors.empty()) {
    auto& errors = body["errors"] = nlohmann::json::array();
    for (const auto& e : problem.errors) {
      nlohmann::json item = {{"pointer", e.pointer}, {"detail", e.message}};
      if (e.line) item["line"] = *e.line;
      errors.push_back(std::move(item));
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
