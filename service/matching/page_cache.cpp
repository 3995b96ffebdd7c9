#include "matching/page_cache.hpp"

#include <utility>

namespace kakehashi::matching {

namespace {
std::size_t cost(const std::string& key, const std::string& body) {
  return key.size() + body.size();
}
}  // namespace

std::shared_ptr<const std::string> PageCache::find(const std::string& key, const PageStamp& stamp) {
  auto it = pages_.find(key);
  if (it == pages_.end()) return nullptr;
  if (!(it->second.stamp == stamp)) {
    drop(it);
    return nullptr;
  }
  uses_.splice(uses_.begin(), uses_, it->second.use);
  return it->second.body;
}

void PageCache::put(const std::string& key, const PageStamp& stamp, std::string body) {
  if (auto it = pages_.find(key); it != pages_.end()) drop(it);
  if (cost(key, body) > budget_) return;
  bytes_ += cost(key, body);
  uses_.push_front(key);
  pages_.emplace(key,
                 Page{stamp, std::make_shared<const std::string>(std::move(body)), uses_.begin()});
  fit();
}

void PageCache::clear() {
  pages_.clear();
  uses_.clear();
  bytes_ = 0;
}

void PageCache::set_budget(std::size_t bytes) {
  budget_ = bytes;
  fit();
}

void PageCache::drop(std::unordered_map<std::string, Page>::iterator it) {
  bytes_ -= cost(it->first, *it->second.body);
  uses_.erase(it->second.use);
  pages_.erase(it);
}

void PageCache::fit() {
  while (bytes_ > budget_ && !uses_.empty()) drop(pages_.find(uses_.back()));
}

}  // namespace kakehashi::matching
