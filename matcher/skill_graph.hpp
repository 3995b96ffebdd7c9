// The skill taxonomy as the matcher sees it: canonical skills, aliases matched
// as whole names ("torch" is PyTorch; "java" is not JavaScript), and related
// skills with a similarity in (0,1) that earn partial credit.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "matcher/types.hpp"

namespace kakehashi::matcher {

struct RelatedSkill {
  SkillId skill;
  double similarity;  // (0,1)
};

class SkillGraph {
 public:
  // Adds a canonical skill; returns its id (ids are dense from 0). Adding a
  // name that already resolves returns the existing id.
  SkillId add_skill(std::string_view canonical_name);
  // Returns false when the alias already names another skill.
  bool add_alias(std::string_view alias, SkillId skill);
  // Symmetric; similarity is clamped into (0,1). Returns false on a bad id or self-relation.
  bool add_related(SkillId a, SkillId b, double similarity);

  // Resolves a canonical name or alias, ignoring case and surrounding spaces.
  std::optional<SkillId> resolve(std::string_view name) const;
  // The known canonical names closest to `name` (edit distance over code
  // points, relative to length, over names and aliases), best first, with the
  // nearest one's related skills right after it.
  std::vector<std::string> closest(std::string_view name, std::size_t n) const;

  std::span<const RelatedSkill> related(SkillId skill) const;
  // Similarity of b to a: 1 if equal, the related similarity, else 0.
  double similarity(SkillId a, SkillId b) const;
  const std::string& name(SkillId skill) const { return names_.at(skill); }
  std::size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::vector<std::vector<RelatedSkill>> related_;
  std::unordered_map<std::string, SkillId> by_name_;  // normalised name or alias
};

std::string normalise_skill_name(std::string_view name);

}  // namespace kakehashi::matcher
