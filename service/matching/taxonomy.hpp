// The skill taxonomy in memory: canonical skills, aliases and related skills
// as the matcher's skill graph, resolved through aliases as whole names.
// Replaced whole on every taxonomy change (the change feed's full loads);
// readers take a snapshot.
#pragma once

#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "domain/skill.hpp"
#include "matcher/skill_graph.hpp"

namespace kakehashi::matching {

class Taxonomy {
 public:
  struct Snapshot {
    std::vector<domain::Skill> skills;                          // by id order
    matcher::SkillGraph graph;                                  // graph ids index `skills`
    std::optional<int> resolve(const std::string& name) const;  // database id
    const domain::Skill* by_id(int id) const;
    std::vector<std::string> closest(const std::string& name) const;
  };
  void load(std::vector<domain::Skill> rows);  // install(build(rows))
  // A snapshot of these rows, not yet the current one (a full load featurises
  // trainees against it before it replaces the index and the taxonomy at once).
  static std::shared_ptr<const Snapshot> build(std::vector<domain::Skill> rows);
  void install(std::shared_ptr<const Snapshot> snapshot);
  std::shared_ptr<const Snapshot> snapshot() const;

 private:
  mutable std::shared_mutex mutex_;
  std::shared_ptr<const Snapshot> current_ = std::make_shared<Snapshot>();
};

}  // namespace kakehashi::matching
