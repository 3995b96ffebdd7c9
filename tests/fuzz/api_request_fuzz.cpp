// Fuzz target: one API request through the real admission step (query
// checks, ids made canonical, role guard) and the real handler of its route,
// without a socket. Every /v1 route of the service is registered
// (api::add_api_routes), so bodies reach the validation of trainees, projects
// and their roles, matches, transitions, rounds, skills and proposals,
// preferences, exchange rates, webhooks, sessions and people, organizations
// and keys, the CSV/NDJSON import, and query strings reach the cursors,
// limits and filters of every list and report.
//
// Input, as text (see corpus/api_request/):
//   <admin|training_org|firm> <METHOD> <target>\n
//   <Header>: <value>\n ...
//   \n
//   <body>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_api.hpp"
#include "fuzz_target.hpp"

namespace {

using kakehashi::domain::Role;

std::optional<Role> role_named(std::string_view s) {
  if (s == "admin") return Role::kAdmin;
  if (s == "training_org") return Role::kTrainingOrg;
  if (s == "firm") return Role::kFirm;
  return std::nullopt;
}

std::string_view next_line(std::string_view& rest) {
  const auto end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

KAKEHASHI_FUZZ_TARGET(api_request) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view first = next_line(rest);
  const auto sp1 = first.find(' ');
  const auto sp2 = first.find(' ', sp1 == std::string_view::npos ? sp1 : sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) return 0;
  const auto role = role_named(first.substr(0, sp1));
  if (!role) return 0;
  kakehashi::http::Request request;
  request.method = std::string(first.substr(sp1 + 1, sp2 - sp1 - 1));
  request.target = std::string(first.substr(sp2 + 1));
  request.remote_address = "192.0.2.1";
  while (!rest.empty()) {
    const std::string_view line = next_line(rest);
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return 0;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
  }
  request.body = std::string(rest);
  auto& f = kakehashi::fuzz::fixture();
  f.call(request, kakehashi::fuzz::principal_for(*role));
  return 0;
}
