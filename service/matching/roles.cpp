#include "matching/roles.hpp"

namespace kakehashi::matching {

std::vector<RoleDemand> role_demands(const domain::ProjectRecord& project) {
  std::vector<RoleDemand> out;
  if (project.data.roles.empty()) {
    out.push_back({"", project.data.title, project});
    return out;
  }
  for (const auto& role : project.data.roles) {
    domain::ProjectRecord r = project;
    r.data = domain::role_demand(project.data, role);
    out.push_back({role.key, role.title, std::move(r)});
  }
  return out;
}

std::optional<RoleDemand> find_role(const domain::ProjectRecord& project, std::string_view key) {
  if (project.data.roles.empty()) {
    if (!key.empty()) return std::nullopt;
    return RoleDemand{"", project.data.title, project};
  }
  for (const auto& role : project.data.roles) {
    if (role.key != key) continue;
    domain::ProjectRecord r = project;
    r.data = domain::role_demand(project.data, role);
    return RoleDemand{role.key, role.title, std::move(r)};
  }
  return std::nullopt;
}

matcher::Id role_unit_id(std::int64_t project_seq, std::size_t role_index, bool has_roles) {
  const auto seq = static_cast<matcher::Id>(project_seq);
  if (!has_roles) return seq;
  return (matcher::Id{1} << 62) | (seq << 5) | static_cast<matcher::Id>(role_index);
}

}  // namespace kakehashi::matching
