// The API's caches and the rate limiter under concurrent use: many I/O
// threads reading and filling them while the change feed's thread
// invalidates. Under ThreadSanitizer, any access outside their locks shows.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "api/api_context.hpp"
#include "http/rate_limit.hpp"

namespace kakehashi {
namespace {

using namespace std::chrono_literals;

TEST(DocumentCacheConcurrency, InvalidationWinsOverRacingReads) {
  api::DocumentCache cache(64);
  cache.set_enabled(true);
  std::atomic<bool> running{true};
  std::atomic<std::int64_t> latest{0};  // the version the "database" holds for "t"
  std::vector<std::thread> threads;
  // The change feed: each write bumps the version, then invalidates.
  threads.emplace_back([&] {
    for (std::int64_t v = 1; v <= 20000; ++v) {
      latest = v;
      cache.erase("t");
      if (v % 97 == 0) cache.clear();
      if (v % 4999 == 0) {
        cache.set_enabled(false);
        cache.set_enabled(true);
      }
    }
    running = false;
  });
  // Readers: a miss reads "the database" and stores what it read under the
  // epoch taken before the read, as get_trainee does.
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&, r] {
      int n = 0;
      while (running) {
        const std::string id = (++n % 4 == 0) ? "other-" + std::to_string(r * 1000 + n % 100) : "t";
        if (auto hit = cache.get(id)) {
          EXPECT_FALSE(hit->body.empty());
          continue;
        }
        const auto epoch = cache.epoch();
        const auto read = latest.load();
        cache.put(id, {"org", "active", read, "{\"version\":" + std::to_string(read) + "}"}, epoch);
        (void)cache.stats();
      }
    });
  }
  for (auto& t : threads) t.join();
  // Once writes stop, what a read stores is the last write.
  const auto epoch = cache.epoch();
  cache.put("t", {"org", "active", latest.load(), "{}"}, epoch);
  ASSERT_TRUE(cache.get("t"));
  EXPECT_EQ(cache.get("t")->version, 20000);
  EXPECT_LE(cache.stats().entries, 64U);
}

TEST(KeyCacheConcurrency, LookupsPutsAndRevocations) {
  api::KeyCache keys;
  std::atomic<bool> running{true};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    for (int n = 0; n < 20000; ++n) keys.evict_key("key-" + std::to_string(n % 50));
    running = false;
  });
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&, r] {
      int n = r;
      while (running) {
        const std::string id = "key-" + std::to_string(n % 50);
        const std::string prefix = "kh_" + std::to_string(100000000 + n % 50);
        if (auto found = keys.get(prefix)) {
          EXPECT_EQ(found->key_id, id);
        } else {
          keys.put(prefix, {id, "org", "firm", "hash", false});
        }
        ++n;
      }
    });
  }
  for (auto& t : threads) t.join();
}

TEST(RateLimiterConcurrency, OneBucketGivesItsBurstOnceWhateverTheThreads) {
  const auto frozen = std::chrono::steady_clock::now();
  http::RateLimiter limit(1, 500, [frozen] { return frozen; });  // no refill while frozen
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < 4; ++r) {
    threads.emplace_back([&] {
      for (int n = 0; n < 300; ++n) {
        if (!limit.take("shared-key")) ++granted;
        (void)limit.check("shared-key");
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 500);
}

TEST(RateLimiterConcurrency, ManyCallersEvictWhileOthersTake) {
  // Enough names that shards fill up and drop buckets while other threads
  // take tokens and the metrics read the size.
  std::atomic<std::int64_t> ticks{0};
  const auto start = std::chrono::steady_clock::now();
  http::RateLimiter limit(100, 2, [&] { return start + std::chrono::milliseconds(ticks.load()); });
  std::vector<std::thread> threads;
  for (int r = 0; r < 4; ++r) {
    threads.emplace_back([&, r] {
      for (int n = 0; n < 80'000; ++n) {
        (void)limit.take("client-" + std::to_string(r) + "-" + std::to_string(n));
        if (n % 64 == 0) (void)limit.take("hot");
        if (n % 1000 == 0) ++ticks;
      }
    });
  }
  threads.emplace_back([&] {
    for (int n = 0; n < 50; ++n) {
      EXPECT_LE(limit.size(), 64U * 4096U);
      std::this_thread::sleep_for(1ms);
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_LE(limit.size(), 64U * 4096U);
}

}  // namespace
}  // namespace kakehashi
