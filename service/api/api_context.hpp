// What every API handler shares: the database, the skill taxonomy in memory,
// and the set of IANA time zone names (from PostgreSQL's tz database).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "matcher/skill_graph.hpp"
#include "store/database.hpp"
#include "store/registry.hpp"

namespace kakehashi::api {

class LiveIndex;

// The skill taxonomy, resolved through aliases as whole names; reloaded after
// every taxonomy write. Readers take a snapshot.
class Taxonomy {
 public:
  struct Snapshot {
    std::vector<store::SkillRow> skills;                        // by id order
    matcher::SkillGraph graph;                                  // graph ids index `skills`
    std::optional<int> resolve(const std::string& name) const;  // database id
    const store::SkillRow* by_id(int id) const;
    std::vector<std::string> closest(const std::string& name) const;
  };
  void load(std::vector<store::SkillRow> rows);
  std::shared_ptr<const Snapshot> snapshot() const;

 private:
  mutable std::shared_mutex mutex_;
  std::shared_ptr<const Snapshot> current_ = std::make_shared<Snapshot>();
};

// API keys recently seen, by prefix, so most requests skip the lookup query.
// An entry lives kTtl; a revocation through this process evicts it at once,
// one through another replica takes effect within kTtl.
class KeyCache {
 public:
  static constexpr std::chrono::seconds kTtl{5};
  std::optional<store::KeyLookup> get(const std::string& prefix) const;
  void put(const std::string& prefix, const store::KeyLookup& key);
  void evict_key(const std::string& key_id);

 private:
  struct Entry {
    store::KeyLookup key;
    std::chrono::steady_clock::time_point expires;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

struct ApiContext {
  store::Database& db;
  Taxonomy taxonomy;
  std::unordered_set<std::string> timezones;
  KeyCache keys;
  LiveIndex* live = nullptr;  // the matcher's index; set by serve
};

}  // namespace kakehashi::api
