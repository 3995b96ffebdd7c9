// Deterministic generator of realistic matching instances for tests,
// benchmarks and the service's synthetic seed: skills drawn from the AI and
// industrial-software taxonomy with a skewed popularity, JLPT mostly N5-N3 with
// a few N2, rates and budgets that overlap only partly.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "matcher/skill_graph.hpp"
#include "matcher/types.hpp"

namespace kakehashi::matcher {

// The starting taxonomy (canonical skills, aliases, related skills).
std::shared_ptr<SkillGraph> default_skill_graph();

struct GeneratorOptions {
  std::size_t trainees = 1000;
  std::size_t projects = 50;
  std::uint64_t seed = 42;
  std::size_t organizations = 3;
  std::size_t firms = 5;
  Day today = 20'800;  // 2026-12-13
};

struct Instance {
  std::vector<Trainee> trainees;  // ids 1..n
  std::vector<Project> projects;  // ids 1..m
};

Instance generate(const SkillGraph& graph, const GeneratorOptions& options);

}  // namespace kakehashi::matcher
