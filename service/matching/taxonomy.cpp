#include "matching/taxonomy.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>

namespace kakehashi::matching {

void Taxonomy::load(std::vector<domain::Skill> rows) { install(build(std::move(rows))); }

void Taxonomy::install(std::shared_ptr<const Snapshot> snapshot) {
  std::unique_lock lock(mutex_);
  current_ = std::move(snapshot);
}

std::shared_ptr<const Taxonomy::Snapshot> Taxonomy::build(std::vector<domain::Skill> rows) {
  auto snap = std::make_shared<Snapshot>();
  snap->skills = std::move(rows);
  // Graph ids index `skills`: two stored names that normalise alike (the
  // database keeps names unique by lower case only, "Ｐython" and "Python")
  // would share one graph id, so the later one is dropped rather than
  // shifting every id after it.
  std::vector<domain::Skill> kept;
  kept.reserve(snap->skills.size());
  for (auto& s : snap->skills) {
    if (snap->graph.resolve(s.name)) continue;
    snap->graph.add_skill(s.name);
    kept.push_back(std::move(s));
  }
  snap->skills = std::move(kept);
  std::unordered_map<int, matcher::SkillId> position;
  for (std::size_t i = 0; i < snap->skills.size(); ++i) {
    position.emplace(snap->skills[i].id, static_cast<matcher::SkillId>(i));
  }
  for (std::size_t i = 0; i < snap->skills.size(); ++i) {
    const auto& s = snap->skills[i];
    // The Japanese name resolves like an alias ("ララベル", full-width too).
    if (s.name_ja && !snap->graph.resolve(*s.name_ja))
      snap->graph.add_alias(*s.name_ja, static_cast<matcher::SkillId>(i));
    for (const auto& alias : s.aliases) {
      if (!snap->graph.resolve(alias))
        snap->graph.add_alias(alias, static_cast<matcher::SkillId>(i));
    }
    for (const auto& [other, similarity] : s.related) {
      if (auto it = position.find(other); it != position.end()) {
        snap->graph.add_related(static_cast<matcher::SkillId>(i), it->second, similarity);
      }
    }
  }
  return snap;
}

std::shared_ptr<const Taxonomy::Snapshot> Taxonomy::snapshot() const {
  std::shared_lock lock(mutex_);
  return current_;
}

std::optional<int> Taxonomy::Snapshot::resolve(const std::string& name) const {
  auto id = graph.resolve(name);
  if (!id || *id >= skills.size()) return std::nullopt;
  return skills[*id].id;
}

const domain::Skill* Taxonomy::Snapshot::by_id(int id) const {
  for (const auto& s : skills) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::vector<std::string> Taxonomy::Snapshot::closest(const std::string& name) const {
  return graph.closest(name, 3);
}

}  // namespace kakehashi::matching
