// What every API handler shares: the database, the skill taxonomy in memory,
// and the set of IANA time zone names (from PostgreSQL's tz database).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "http/rate_limit.hpp"
#include "matching/taxonomy.hpp"
#include "store/database.hpp"
#include "store/registry.hpp"
#include "util/cpu_pool.hpp"
#include "util/histogram.hpp"

namespace kakehashi::matching {
class LiveIndex;
}

namespace kakehashi::api {

using matching::Taxonomy;

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

// Rendered trainee documents by id, so a repeated read skips the database.
// Correct by invalidation: every write through this process erases its
// trainee's entry, another replica's writes arrive through the matching
// index's change notifications, and while that listener is disconnected the
// cache is off (and emptied). A read that raced a write never stores its
// older document: put() only stores when nothing was invalidated since
// epoch() was taken before the read.
class DocumentCache {
 public:
  struct Entry {
    std::string organization_id;
    std::string status;
    std::int64_t version = 0;
    std::string body;
  };
  DocumentCache() : DocumentCache(250'000) {}
  explicit DocumentCache(std::size_t capacity) : capacity_(capacity) {}
  std::optional<Entry> get(const std::string& id) const;
  std::uint64_t epoch() const;
  void put(const std::string& id, Entry entry, std::uint64_t epoch_before_read);
  void erase(const std::string& id);
  void clear();
  void set_enabled(bool enabled);
  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::size_t entries = 0;
  };
  Stats stats() const;

 private:
  mutable std::atomic<std::uint64_t> hits_{0};
  mutable std::atomic<std::uint64_t> misses_{0};
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t epoch_ = 0;
  bool enabled_ = false;
  std::size_t capacity_;
};

// People's accounts (api/accounts.cpp): how long sessions and invitations
// last, when the session cookie is marked Secure, and how many failed
// sign-ins an address may make before it waits.
struct AccountSettings {
  enum class SecureCookie { kAuto, kAlways, kNever };
  std::int64_t session_ttl_seconds = 12 * 3600;
  std::int64_t invitation_ttl_seconds = 7 * 24 * 3600;
  // kAuto: Secure when the request came through TLS as a proxy reports it
  // (X-Forwarded-Proto: https); the service itself speaks plain HTTP.
  SecureCookie secure_cookie = SecureCookie::kAuto;
  int free_sign_in_failures = 5;
};

struct ApiContext {
  store::Database& db;
  util::CpuPool& cpu;
  matching::Taxonomy taxonomy;
  std::unordered_set<std::string> timezones;
  KeyCache keys;
  matching::LiveIndex* live = nullptr;  // the matcher's index; set by serve
  DocumentCache trainee_documents;
  // Per API key, and failed authentications per client address; null: off.
  std::unique_ptr<http::RateLimiter> key_limit;
  std::unique_ptr<http::RateLimiter> auth_failure_limit;
  AccountSettings accounts;
  // Completed matching rounds, inputs to stored, by algorithm (for /metrics).
  util::LabelledHistograms round_seconds{"algorithm"};
};

}  // namespace kakehashi::api
