#include "matcher/skill_graph.hpp"

#include <algorithm>
#include <cctype>

namespace kakehashi::matcher {

std::string normalise_skill_name(std::string_view name) {
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) {
    name.remove_prefix(1);
  }
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) {
    name.remove_suffix(1);
  }
  std::string out;
  out.reserve(name.size());
  bool space = false;
  for (char c : name) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

SkillId SkillGraph::add_skill(std::string_view canonical_name) {
  const auto key = normalise_skill_name(canonical_name);
  if (auto it = by_name_.find(key); it != by_name_.end()) return it->second;
  const auto id = static_cast<SkillId>(names_.size());
  names_.emplace_back(canonical_name);
  related_.emplace_back();
  by_name_.emplace(key, id);
  return id;
}

bool SkillGraph::add_alias(std::string_view alias, SkillId skill) {
  if (skill >= names_.size()) return false;
  const auto key = normalise_skill_name(alias);
  if (key.empty()) return false;
  auto [it, inserted] = by_name_.emplace(key, skill);
  return inserted || it->second == skill;
}

bool SkillGraph::add_related(SkillId a, SkillId b, double similarity) {
  if (a >= names_.size() || b >= names_.size() || a == b) return false;
  similarity = std::clamp(similarity, 1e-6, 1.0 - 1e-6);
  auto upsert = [&](SkillId from, SkillId to) {
    auto& list = related_[from];
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const RelatedSkill& r) { return r.skill == to; });
    if (it != list.end()) {
      it->similarity = similarity;
    } else {
      list.push_back({to, similarity});
      std::sort(list.begin(), list.end(),
                [](const RelatedSkill& x, const RelatedSkill& y) { return x.skill < y.skill; });
    }
  };
  upsert(a, b);
  upsert(b, a);
  return true;
}

std::optional<SkillId> SkillGraph::resolve(std::string_view name) const {
  auto it = by_name_.find(normalise_skill_name(name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::span<const RelatedSkill> SkillGraph::related(SkillId skill) const {
  if (skill >= related_.size()) return {};
  return related_[skill];
}

double SkillGraph::similarity(SkillId a, SkillId b) const {
  if (a == b) return 1.0;
  for (const auto& r : related(a)) {
    if (r.skill == b) return r.similarity;
  }
  return 0.0;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::vector<std::string> SkillGraph::closest(std::string_view name, std::size_t n) const {
  const auto key = normalise_skill_name(name);
  std::vector<std::pair<std::size_t, SkillId>> ranked;
  std::vector<std::size_t> best(names_.size(), SIZE_MAX);
  for (const auto& [known, id] : by_name_) {
    std::size_t d = edit_distance(key, known);
    // A known name that contains the input (or the reverse) is a strong hint.
    if (known.find(key) != std::string::npos || key.find(known) != std::string::npos) d = d / 2;
    best[id] = std::min(best[id], d);
  }
  for (SkillId id = 0; id < names_.size(); ++id) ranked.emplace_back(best[id], id);
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < ranked.size() && out.size() < n; ++i) {
    out.push_back(names_[ranked[i].second]);
  }
  return out;
}

}  // namespace kakehashi::matcher
