#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace kakehashi::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Specificity: literal segments beat parameters, so "/v1/trainees/import" wins
// over "/v1/trainees/{id}" whatever the registration order.
bool matches(const Route& route, const std::vector<std::string_view>& parts,
             std::vector<std::pair<std::string, std::string>>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = route.segments[i];
    if (is_param(seg)) {
      if (parts[i].empty()) return false;
      if (params) params->emplace_back(seg.substr(1, seg.size() - 2), std::string(parts[i]));
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}

int literal_count(const Route& route) {
  return static_cast<int>(std::count_if(route.segments.begin(), route.segments.end(),
                                        [](const std::string& s) { return !is_param(s); }));
}

}  // namespace

std::string_view RequestContext::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

void Router::add(std::string method, std::string path_template, Handler handler,
                 RouteOptions options) {
  if (path_template.empty() || path_template.front() != '/') {
    throw std::invalid_argument("route template must start with '/': " + path_template);
  }
  for (const auto& r : routes_) {
    if (r->method == method && r->path_template == path_template) {
      throw std::invalid_argument("duplicate route " + method + " " + path_template);
    }
  }
  auto route = std::make_unique<Route>();
  for (auto part : split_path(path_template)) route->segments.emplace_back(part);
  route->method = std::move(method);
  route->path_template = std::move(path_template);
  route->handler = std::move(handler);
  route->options = options;
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(std::string_view requested, std::string_view path) const {
  // HEAD is GET without the body (RFC 9110 section 9.3.2).
  const std::string_view method = requested == "HEAD" ? "GET" : requested;
  const auto parts = split_path(path);
  RouteMatch result;
  const Route* best = nullptr;
  std::vector<std::string> allowed;
  for (const auto& r : routes_) {
    if (!matches(*r, parts, nullptr)) continue;
    if (r->method == method) {
      if (!best || literal_count(*r) > literal_count(*best)) best = r.get();
    } else if (std::find(allowed.begin(), allowed.end(), r->method) == allowed.end()) {
      allowed.push_back(r->method);
    }
  }
  if (best) {
    result.kind = RouteMatch::Kind::kFound;
    result.route = best;
    matches(*best, parts, &result.params);
    return result;
  }
  if (!allowed.empty()) {
    if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) {
      allowed.push_back("HEAD");
    }
    std::sort(allowed.begin(), allowed.end());
    result.kind = RouteMatch::Kind::kMethodNotAllowed;
    for (const auto& m : allowed) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += m;
    }
  }
  return result;
}

}  // namespace kakehashi::http
