// Token buckets by name (an API key, a client address): `rate` tokens a
// second up to `burst`. Sharded by the name's hash, so requests of different
// callers rarely share a lock; idle buckets are dropped when a shard grows.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kakehashi::http {

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // rate <= 0 turns the limiter off (every take succeeds).
  RateLimiter(double rate, double burst, Clock clock = std::chrono::steady_clock::now);

  // Takes a token for `name`: nullopt when there was one, else how long until
  // there will be (for Retry-After, at least one second).
  std::optional<std::chrono::seconds> take(std::string_view name);
  // The same without taking: whether `name` has a token now.
  std::optional<std::chrono::seconds> check(std::string_view name);
  // Returns a token taken for `name` (never above the burst): a guess counted
  // before it was checked, which proved right.
  void give_back(std::string_view name);

  bool enabled() const { return rate_ > 0; }
  // Buckets held (for tests and metrics).
  std::size_t size();

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point at;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr std::size_t kShards = 64;
  static constexpr std::size_t kMaxPerShard = 4'096;

  std::optional<std::chrono::seconds> use(std::string_view name, double cost);

  double rate_;
  double burst_;
  Clock clock_;
  std::array<Shard, kShards> shards_;
};

}  // namespace kakehashi::http
