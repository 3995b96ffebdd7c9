// Plain request and response values that handlers see. They keep Beast out of
// every file but the session, so handlers compile fast and are tested without
// a server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kakehashi::http {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded path without the query
  std::string query;   // raw query string without '?'
  std::vector<Header> headers;
  std::string body;
  std::string remote_address;  // the peer's IP address, as text

  // Case-insensitive header lookup; the first occurrence wins.
  std::optional<std::string_view> header(std::string_view name) const;
  // Percent-decoded value of the first `name=` query parameter.
  std::optional<std::string> query_param(std::string_view name) const;
  // All query parameters in order, decoded.
  std::vector<std::pair<std::string, std::string>> query_params() const;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;
  // An answer to HEAD: the headers (Content-Length of `body` included), no body.
  bool omit_body = false;
  // False when the ETag names a version for If-Match but not this whole
  // representation (a match shown with its trainee's current profile and
  // contacts): If-None-Match then never answers 304, which would keep a copy
  // whose contacts have since been withdrawn.
  bool revalidate = true;

  // Replaces any header of the same name (case-insensitive).
  void set_header(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string content_type);
};

// Splits a request target into a decoded path and the raw query. Returns
// nullopt for a target that is not origin-form or decodes to invalid bytes.
struct Target {
  std::string path;
  std::string query;
};
std::optional<Target> parse_target(std::string_view target);

std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space);

bool iequals(std::string_view a, std::string_view b);

}  // namespace kakehashi::http
