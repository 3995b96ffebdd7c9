#include "matching/roles.hpp"

namespace kakehashi::matching {

std::vector<RoleDemand> role_demands(const domain::ProjectRecord& project) {
  std::vector<RoleDemand> out;
  if (project.data.roles.empty()) {
    out.push_back({"", project.data.title, project, role_unit_id(project.seq, 0, false)});
    return out;
  }
  for (std::size_t i = 0; i < project.data.roles.size(); ++i) {
    const auto& role = project.data.roles[i];
    domain::ProjectRecord r = project;
    r.data = domain::role_demand(project.data, role);
    out.push_back({role.key, role.title, std::move(r), role_unit_id(project.seq, i, true)});
  }
  return out;
}

std::optional<RoleDemand> find_role(const domain::ProjectRecord& project, std::string_view key) {
  if (project.data.roles.empty()) {
    if (!key.empty()) return std::nullopt;
    return RoleDemand{"", project.data.title, project, role_unit_id(project.seq, 0, false)};
  }
  for (std::size_t i = 0; i < project.data.roles.size(); ++i) {
    const auto& role = project.data.roles[i];
    if (role.key != key) continue;
    domain::ProjectRecord r = project;
    r.data = domain::role_demand(project.data, role);
    return RoleDemand{role.key, role.title, std::move(r), role_unit_id(project.seq, i, true)};
  }
  return std::nullopt;
}

matcher::Id role_unit_id(std::int64_t project_seq, std::size_t role_index, bool has_roles) {
  const auto seq = static_cast<matcher::Id>(project_seq);
  if (!has_roles) return seq;
  return (matcher::Id{1} << 62) | (seq << 5) | static_cast<matcher::Id>(role_index);
}

}  // namespace kakehashi::matching
