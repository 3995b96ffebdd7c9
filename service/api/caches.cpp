#include <algorithm>

#include "api/api_context.hpp"

namespace kakehashi::api {

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
