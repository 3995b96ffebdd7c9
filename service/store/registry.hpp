// The registry's repositories in one include: organizations and API keys,
// the skill taxonomy, time zones, trainees and projects (one header each),
// and the statements every connection of a pool running them prepares.
#pragma once

#include <vector>

#include "store/conflict.hpp"
#include "store/database.hpp"
#include "store/organizations.hpp"
#include "store/projects.hpp"
#include "store/skills.hpp"
#include "store/sql_text.hpp"
#include "store/timezones.hpp"
#include "store/trainees.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

// The statements the hot paths use, prepared on every connection of a pool
// that runs these repositories (pass them to Database's constructor).
std::vector<PreparedStatement> registry_statements();

}  // namespace kakehashi::store
