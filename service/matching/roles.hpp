// Teams (issue 15): a project's seats grouped in roles, each matched as a
// demand of its own (the project's fields with the role's overrides). A
// project without roles is one role with the empty key, so rounds, candidates
// and matches treat every project alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/project.hpp"
#include "matcher/types.hpp"

namespace kakehashi::matching {

struct RoleDemand {
  std::string key;               // "" for a project without roles
  std::string title;             // the role's, or the project's
  domain::ProjectRecord record;  // the project as this role asks: role_demand()
  matcher::Id unit = 0;          // role_unit_id(): the role's id in rounds and rankings
};

// Every role of `project` in order; the project itself when it has none.
std::vector<RoleDemand> role_demands(const domain::ProjectRecord& project);

// The demand of role `key`; for a project without roles, "" names the
// project. nullopt when the project has no such role.
std::optional<RoleDemand> find_role(const domain::ProjectRecord& project, std::string_view key);

// The matcher id of a role's seat group in a round: a project without roles
// keeps its seq (so rounds over such projects are as before); role i of a
// project is a distinct id above every seq, ordered by (seq, i).
matcher::Id role_unit_id(std::int64_t project_seq, std::size_t role_index, bool has_roles);

}  // namespace kakehashi::matching
