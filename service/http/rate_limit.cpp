#include "http/rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace kakehashi::http {

RateLimiter::RateLimiter(double rate, double burst, Clock clock)
    : rate_(rate), burst_(std::max(1.0, burst)), clock_(std::move(clock)) {}

std::optional<std::chrono::seconds> RateLimiter::take(std::string_view name) {
  return use(name, 1);
}

std::optional<std::chrono::seconds> RateLimiter::check(std::string_view name) {
  return use(name, 0);
}

void RateLimiter::give_back(std::string_view name) { use(name, -1); }

std::size_t RateLimiter::size() {
  std::size_t n = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.buckets.size();
  }
  return n;
}

std::optional<std::chrono::seconds> RateLimiter::use(std::string_view name, double cost) {
  if (!enabled()) return std::nullopt;
  const auto now = clock_();
  auto& shard = shards_[std::hash<std::string_view>{}(name) % kShards];
  std::lock_guard lock(shard.mutex);
  if (shard.buckets.size() >= kMaxPerShard) {
    // Drop the buckets that have refilled: they carry no memory of use.
    std::erase_if(shard.buckets, [&](const auto& entry) {
      const double elapsed = std::chrono::duration<double>(now - entry.second.at).count();
      return entry.second.tokens + elapsed * rate_ >= burst_;
    });
    // Still full (many callers at once): forget the older half, so memory
    // stays bounded whatever the callers do.
    if (shard.buckets.size() >= kMaxPerShard) {
      std::vector<std::chrono::steady_clock::time_point> times;
      times.reserve(shard.buckets.size());
      for (const auto& [key, bucket] : shard.buckets) times.push_back(bucket.at);
      auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
      std::nth_element(times.begin(), middle, times.end());
      const auto cutoff = *middle;
      std::erase_if(shard.buckets, [&](const auto& entry) { return entry.second.at < cutoff; });
    }
  }
  auto [it, inserted] = shard.buckets.try_emplace(std::string(name), Bucket{burst_, now});
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.at).count();
  b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
  b.at = now;
  if (cost < 0) {
    b.tokens = std::min(burst_, b.tokens - cost);
    return std::nullopt;
  }
  const double need = std::max(cost, 1.0);
  if (b.tokens >= need) {
    b.tokens -= cost;
    return std::nullopt;
  }
  const double wait = (need - b.tokens) / rate_;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait))));
}

}  // namespace kakehashi::http
