#pragma once
// Rendered pages of candidates, bounded by bytes, least recently used first
// out. A page is held with the stamp it was rendered under; a lookup under
// another stamp finds nothing and lets the stale page go at once.
//
// Not synchronised: LiveIndex holds it under its cache mutex, where the stamps
// it is checked against live.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

namespace kakehashi::matching {

struct PageStamp {
  std::uint64_t epoch = 0;    // rebuilds and dropped rankings
  std::uint64_t project = 0;  // changes that touched this project's list
  bool operator==(const PageStamp&) const = default;
};

class PageCache {
 public:
  explicit PageCache(std::size_t budget_bytes) : budget_(budget_bytes) {}

  // The page under `key` if it was rendered under `stamp` (and now the most
  // recently used); a page under an older stamp is dropped.
  std::shared_ptr<const std::string> find(const std::string& key, const PageStamp& stamp);
  // Holds `body` under `key`, letting the least recently used pages go until
  // everything fits the budget. A page larger than the whole budget is not held.
  void put(const std::string& key, const PageStamp& stamp, std::string body);
  void clear();
  void set_budget(std::size_t bytes);

  std::size_t bytes() const { return bytes_; }
  std::size_t size() const { return pages_.size(); }
  std::size_t budget() const { return budget_; }

 private:
  struct Page {
    PageStamp stamp;
    std::shared_ptr<const std::string> body;
    std::list<std::string>::iterator use;  // its place in uses_
  };
  void drop(std::unordered_map<std::string, Page>::iterator it);
  void fit();

  std::size_t budget_;
  std::size_t bytes_ = 0;  // bodies and keys held
  std::unordered_map<std::string, Page> pages_;
  std::list<std::string> uses_;  // keys, most recently used first
};

}  // namespace kakehashi::matching
