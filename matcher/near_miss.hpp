// "Why so few?" (issue 15): for one demand, how many trainees of a pool each
// hard constraint excludes, and how many would become eligible if one
// constraint were relaxed one step (JLPT or CEFR minimum one level lower, a
// must-have skill made nice-to-have, the start a month later, the budget
// 10 % higher). Counts only: no trainee is named.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "matcher/scorer.hpp"
#include "matcher/skill_graph.hpp"
#include "matcher/types.hpp"

namespace kakehashi::matcher {

enum class RelaxKind : std::uint8_t { kJapanese, kEnglish, kMustHave, kStartLater, kBudget };

struct Relaxation {
  RelaxKind kind;
  std::optional<SkillId> skill;  // kMustHave
  std::int64_t from = 0;         // level ordinal, day, or amount
  std::int64_t to = 0;
  Project project;  // the demand relaxed this one step
  std::size_t newly_eligible = 0;
};

struct NearMiss {
  std::size_t pool = 0;      // trainees considered (active and consenting)
  std::size_t eligible = 0;  // pass every hard constraint
  // Trainees failing each constraint (one trainee may count under several),
  // by ReasonCode.
  std::array<std::size_t, 8> excluded_by{};
  std::vector<Relaxation> relaxations;
};

// The relaxations of `project` that exist (a minimum of "none" has none).
std::vector<Relaxation> relaxations_of(const Project& project);

// One explanation per trainee against the demand; a relaxation is tried
// only on trainees whose every failed constraint it could change, scored
// again against the relaxed demand (so the counts follow the scorer).
NearMiss count_near_misses(const std::vector<Trainee>& pool, const Project& project,
                           const SkillGraph& graph);

}  // namespace kakehashi::matcher
