// Method + path-template routing ("/v1/trainees/{id}"), with the distinction
// between an unknown path (404) and a known path with another method (405).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <any>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "http/trace_context.hpp"

namespace kakehashi::http {

struct RequestContext {
  const Request& request;
  std::string request_id;
  std::string_view route;  // the matched template, for logs and metrics
  std::vector<std::pair<std::string, std::string>> params;
  // Who is calling, as the server's admission step found it before the body
  // was read (the API's principal); empty for public routes.
  std::any principal;
  // The client's W3C trace, when it sent a valid traceparent: its trace id is
  // on every log line of the request, and a call made on the request's behalf
  // (a webhook) passes it on with TraceContext::child_header.
  std::optional<TraceContext> trace;

  std::string_view param(std::string_view name) const;
};

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;

struct RouteOptions {
  // Largest request body accepted; 0 takes the server's default.
  std::size_t body_limit = 0;
  // Which callers may use the route, as a bit set the admission step
  // interprets (the API's roles); 0 lets every authenticated caller in. A
  // caller outside it is answered 403 with `forbidden` before the body is read.
  std::uint32_t roles = 0;
  std::string forbidden;
};

struct Route {
  std::string method;
  std::string path_template;
  std::vector<std::string> segments;  // "{name}" marks a parameter
  Handler handler;
  RouteOptions options;
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> params;
  std::string allow;  // for kMethodNotAllowed: "GET, POST"
};

class Router {
 public:
  // Registers a route; throws std::invalid_argument on a malformed template or
  // a duplicate (method, template) pair, since both are programming errors.
  void add(std::string method, std::string path_template, Handler handler,
           RouteOptions options = {});

  RouteMatch match(std::string_view method, std::string_view path) const;

 private:
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace kakehashi::http
