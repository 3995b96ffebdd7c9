#include <algorithm>

#include "api/api_context.hpp"

namespace kakehashi::api {

void Taxonomy::load(std::vector<store::SkillRow> rows) {
  auto snap = std::make_shared<Snapshot>();
  snap->skills = std::move(rows);
  for (const auto& s : snap->skills) snap->graph.add_skill(s.name);
  for (std::size_t i = 0; i < snap->skills.size(); ++i) {
    const auto& s = snap->skills[i];
    for (const auto& alias : s.aliases)
      snap->graph.add_alias(alias, static_cast<matcher::SkillId>(i));
    for (const auto& [other, similarity] : s.related) {
      auto it = std::find_if(snap->skills.begin(), snap->skills.end(),
                             [&](const store::SkillRow& r) { return r.id == other; });
      if (it != snap->skills.end()) {
        snap->graph.add_related(static_cast<matcher::SkillId>(i),
                                static_cast<matcher::SkillId>(it - snap->skills.begin()),
                                similarity);
      }
    }
  }
  std::unique_lock lock(mutex_);
  current_ = std::move(snap);
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

const store::SkillRow* Taxonomy::Snapshot::by_id(int id) const {
  for (const auto& s : skills) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::vector<std::string> Taxonomy::Snapshot::closest(const std::string& name) const {
  return graph.closest(name, 3);
}

std::optional<store::KeyLookup> KeyCache::get(const std::string& prefix) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(prefix);
  if (it == entries_.end() || it->second.expires < std::chrono::steady_clock::now())
    return std::nullopt;
  return it->second.key;
}

void KeyCache::put(const std::string& prefix, const store::KeyLookup& key) {
  std::lock_guard lock(mutex_);
  if (entries_.size() > 100'000) entries_.clear();  // bounded: a flood of keys cannot grow it
  entries_[prefix] = {key, std::chrono::steady_clock::now() + kTtl};
}

void KeyCache::evict_key(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const auto& e) { return e.second.key.key_id == key_id; });
}

std::optional<DocumentCache::Entry> DocumentCache::get(const std::string& id) const {
  std::shared_lock lock(mutex_);
  auto it = enabled_ ? entries_.find(id) : entries_.end();
  if (it == entries_.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second;
}

DocumentCache::Stats DocumentCache::stats() const {
  std::shared_lock lock(mutex_);
  return {hits_.load(), misses_.load(), entries_.size()};
}

std::uint64_t DocumentCache::epoch() const {
  std::shared_lock lock(mutex_);
  return epoch_;
}

void DocumentCache::put(const std::string& id, Entry entry, std::uint64_t epoch_before_read) {
  std::unique_lock lock(mutex_);
  if (!enabled_ || epoch_ != epoch_before_read) return;
  if (entries_.size() >= capacity_) entries_.clear();  // bounded; refills from reads
  entries_[id] = std::move(entry);
}

void DocumentCache::erase(const std::string& id) {
  std::unique_lock lock(mutex_);
  ++epoch_;
  entries_.erase(id);
}

void DocumentCache::clear() {
  std::unique_lock lock(mutex_);
  ++epoch_;
  entries_.clear();
}

void DocumentCache::set_enabled(bool enabled) {
  std::unique_lock lock(mutex_);
  ++epoch_;
  enabled_ = enabled;
  entries_.clear();
}

}  // namespace kakehashi::api
