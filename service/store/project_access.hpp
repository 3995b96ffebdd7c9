// What the trainee's side may read of a firm's projects (issue 16): whether a
// training organization has a trainee proposed for or matched to a project
// (a match in any state), and the firms' names to show with them.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "store/organizations.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

// True when a trainee of `training_org_id` has a match with the project.
bool project_has_match_of(Tx& t, const std::string& project_id, const std::string& training_org_id);
// Organizations by id (ids that name none are left out).
std::unordered_map<std::string, OrganizationRow> organizations_by_id(
    Tx& t, const std::vector<std::string>& ids);

}  // namespace kakehashi::store
