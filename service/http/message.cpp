#include "http/message.hpp"

#include <cctype>

namespace kakehashi::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const auto byte = static_cast<char>((hi << 4) | lo);
      if (byte == '\0') return std::nullopt;
      out.push_back(byte);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  const auto q = target.find('?');
  const std::string_view raw_path = target.substr(0, q);
  // A path that escapes a character with a plain spelling only disguises
  // itself: "/%6detrics" is /metrics past a balancer's path filter, and
  // "a%2Fb" would become two segments. Such escapes (of '/' and of the
  // unreserved letters, digits and - . _ ~) are refused; others decode.
  for (std::size_t i = raw_path.find('%'); i != std::string_view::npos && i + 2 < raw_path.size();
       i = raw_path.find('%', i + 1)) {
    const int hi = hex_value(raw_path[i + 1]);
    const int lo = hex_value(raw_path[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    const auto c = static_cast<unsigned char>((hi << 4) | lo);
    if (c == '/' || std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      return std::nullopt;
    }
  }
  auto path = percent_decode(raw_path, false);
  if (!path) return std::nullopt;
  Target out{std::move(*path), {}};
  if (q != std::string_view::npos) {
    // Every query parameter must decode: one that did not would be dropped
    // (`?dry_run=true%00` read as no dry run at all).
    const std::string_view query = target.substr(q + 1);
    for (std::string_view rest = query; !rest.empty();) {
      const auto amp = rest.find('&');
      const std::string_view part = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      if (!percent_decode(part, true)) return std::nullopt;
    }
    out.query = std::string(query);
  }
  return out;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> Request::query_params() const {
  std::vector<std::pair<std::string, std::string>> out;
  std::string_view rest(query);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view part = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    auto key = percent_decode(part.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>(std::string{})
                                              : percent_decode(part.substr(eq + 1), true);
    if (key && value) out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  for (auto& [key, value] : query_params()) {
    if (key == name) return std::move(value);
  }
  return std::nullopt;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& h : headers) {
    if (iequals(h.name, name)) {
      h.value = std::move(value);
      return;
    }
  }
  headers.push_back({std::move(name), std::move(value)});
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

Response Response::json(int status, std::string body) {
  return text(status, std::move(body), "application/json");
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.push_back({"Content-Type", std::move(content_type)});
  return r;
}

}  // namespace kakehashi::http
