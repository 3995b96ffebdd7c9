// Repository for the skill taxonomy: skills with their aliases and related
// skills. Each function runs on a transaction the caller holds (on the
// database executor); the SQL lives in skills.cpp as named constants.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "domain/skill.hpp"
#include "store/conflict.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

using SkillRow = domain::Skill;

std::vector<SkillRow> load_skills(Tx& t);
// Inserts or (with `id`) replaces a skill with its aliases and relations, if
// its version is still `expected_version`. Returns the id, or nullopt on a
// stale version. Throws Conflict when a name or alias is taken.
std::optional<int> save_skill(Tx& t, std::optional<int> id,
                              std::optional<std::int64_t> expected_version, const SkillRow& skill);

}  // namespace kakehashi::store
