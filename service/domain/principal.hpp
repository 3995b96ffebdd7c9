// Who is calling: the API key's organization and role. Pure data, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kakehashi::domain {

enum class Role { kAdmin, kTrainingOrg, kFirm };

inline std::string_view role_name(Role r) {
  switch (r) {
    case Role::kAdmin:
      return "admin";
    case Role::kTrainingOrg:
      return "training_org";
    case Role::kFirm:
      return "firm";
  }
  return "unknown";
}

inline std::optional<Role> parse_role(std::string_view s) {
  if (s == "admin") return Role::kAdmin;
  if (s == "training_org") return Role::kTrainingOrg;
  if (s == "firm") return Role::kFirm;
  return std::nullopt;
}

// The role an organization's keys carry.
inline std::optional<Role> role_for_kind(std::string_view kind) {
  if (kind == "programme_office") return Role::kAdmin;
  if (kind == "training_provider") return Role::kTrainingOrg;
  if (kind == "firm") return Role::kFirm;
  return std::nullopt;
}

struct Principal {
  std::string key_id;
  std::string organization_id;
  Role role = Role::kFirm;

  bool is_admin() const { return role == Role::kAdmin; }
  // May this principal see an object owned by `owner_organization_id`?
  bool owns(std::string_view owner_organization_id) const {
    return is_admin() || owner_organization_id == organization_id;
  }
};

}  // namespace kakehashi::domain
