// What every API handler shares: the database, the skill taxonomy in memory,
// and the set of IANA time zone names (from PostgreSQL's tz database).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "http/rate_limit.hpp"
#include "matching/taxonomy.hpp"
#include "store/database.hpp"
#include "store/registry.hpp"
#include "util/cpu_pool.hpp"
#include "util/histogram.hpp"
#include "util/log.hpp"
#include "util/password.hpp"

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
    bool personal = false;  // the body holds personal data
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

struct ApiContext;

// The cold path of GET /v1/trainees/{id}: reads that missed the document
// cache wait together for one statement. The first miss starts a batch on a
// database thread; misses arriving while a statement is in flight join the
// next one, which follows as soon as it returns, so one round trip and one
// hop to a database thread serve many requests. The database thread renders
// each document (write_trainee_body) and hands it to its waiters' coroutines.
class TraineeReader {
 public:
  using Result = std::optional<DocumentCache::Entry>;
  // The trainee's document (any tenant's: the caller decides who may see
  // it), or nullopt when there is none. `id` must be a uuid
  // (store::is_uuid). Throws DatabaseUnavailable as Database::read does.
  boost::asio::awaitable<Result> read(ApiContext& api, std::string id);
  // How many statements served how many reads, for /metrics and tests.
  struct Stats {
    std::uint64_t batches = 0;
    std::uint64_t reads = 0;
  };
  Stats stats() const {
    return {batches_.load(std::memory_order_relaxed), reads_.load(std::memory_order_relaxed)};
  }

  // At most this many ids in one statement.
  static constexpr std::size_t kMaxBatch = 128;

  using Handler = boost::asio::any_completion_handler<void(std::exception_ptr, Result)>;
  struct Waiter {
    std::string id;                         // lower case, as PostgreSQL writes a uuid
    boost::asio::any_io_executor executor;  // where the reading coroutine resumes
    Handler handler;
    util::LogContext context;  // the request's, for a batch of one
  };

 private:
  void enqueue(ApiContext& api, Waiter waiter);
  void start(ApiContext& api);
  void drain(ApiContext& api, store::Tx& t);

  std::mutex mutex_;
  std::vector<Waiter> pending_;
  std::size_t running_ = 0;  // batch loops queued or running
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> reads_{0};
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
  // Every password hashed from now on; a sign-in with a hash made at a
  // lower cost hashes the password again.
  util::PasswordCost password_cost = util::interactive_password_cost();
};

struct ApiContext {
  store::Database& db;
  util::CpuPool& cpu;
  matching::Taxonomy taxonomy;
  std::unordered_set<std::string> timezones;
  KeyCache keys;
  matching::LiveIndex* live = nullptr;  // the matcher's index; set by serve
  DocumentCache trainee_documents;
  TraineeReader trainee_reader;  // the documents' cold path
  // Per API key, and failed authentications per client address; null: off.
  std::unique_ptr<http::RateLimiter> key_limit;
  std::unique_ptr<http::RateLimiter> auth_failure_limit;
  AccountSettings accounts;
  // Completed matching rounds, inputs to stored, by algorithm (for /metrics).
  util::LabelledHistograms round_seconds{"algorithm"};
  // Webhook endpoints may name private and loopback addresses (tests only).
  bool webhook_allow_private = false;
};

}  // namespace kakehashi::api
