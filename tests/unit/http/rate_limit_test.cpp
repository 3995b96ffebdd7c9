// Token buckets with an injected clock: a burst, then the rate; callers apart;
// Retry-After that says when a token will be there.
#include "http/rate_limit.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace kakehashi::http {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  RateLimiter::Clock fn() {
    return [this] { return now; };
  }
};

TEST(RateLimiter, ABurstThenTheRate) {
  FakeClock clock;
  RateLimiter limit(2, 5, clock.fn());  // 2 a second, bursts of 5
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limit.take("key")) << i;
  const auto wait = limit.take("key");
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 1s);
  clock.now += 500ms;  // one token back
  EXPECT_FALSE(limit.take("key"));
  EXPECT_TRUE(limit.take("key"));
  clock.now += 10s;  // refills to the burst, not beyond
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limit.take("key")) << i;
  EXPECT_TRUE(limit.take("key"));
}

TEST(RateLimiter, CallersHaveTheirOwnBuckets) {
  FakeClock clock;
  RateLimiter limit(1, 1, clock.fn());
  EXPECT_FALSE(limit.take("a"));
  EXPECT_TRUE(limit.take("a"));
  EXPECT_FALSE(limit.take("b"));
}

TEST(RateLimiter, RetryAfterSaysWhenATokenWillBeThere) {
  FakeClock clock;
  RateLimiter limit(1.0 / 60, 2, clock.fn());  // one a minute
  EXPECT_FALSE(limit.take("addr"));
  EXPECT_FALSE(limit.take("addr"));
  EXPECT_EQ(limit.take("addr"), std::optional(60s));
  EXPECT_EQ(limit.check("addr"), std::optional(60s));  // checking takes nothing
  clock.now += 30s;
  EXPECT_EQ(limit.check("addr"), std::optional(30s));
  clock.now += 30s;
  EXPECT_FALSE(limit.check("addr"));
  EXPECT_FALSE(limit.check("addr"));  // still there: check does not use it
  EXPECT_FALSE(limit.take("addr"));
}

TEST(RateLimiter, ATokenGivenBackIsThereAgainButNeverAboveTheBurst) {
  FakeClock clock;
  RateLimiter limit(1.0 / 60, 2, clock.fn());
  EXPECT_FALSE(limit.take("addr"));
  EXPECT_FALSE(limit.take("addr"));
  EXPECT_TRUE(limit.take("addr"));
  limit.give_back("addr");  // the guess was right
  EXPECT_FALSE(limit.take("addr"));
  EXPECT_TRUE(limit.take("addr"));
  // Giving back to a full bucket adds nothing.
  limit.give_back("other");
  limit.give_back("other");
  EXPECT_FALSE(limit.take("other"));
  EXPECT_FALSE(limit.take("other"));
  EXPECT_TRUE(limit.take("other"));
}

TEST(RateLimiter, OffWhenTheRateIsZero) {
  RateLimiter limit(0, 1);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(limit.take("key"));
}

TEST(RateLimiter, ManyThreadsTakeExactlyTheBurst) {
  FakeClock clock;  // time stands still: only the burst is there
  RateLimiter limit(1, 1000, clock.fn());
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (!limit.take("shared")) ++granted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 1000);
}

TEST(RateLimiter, MemoryStaysBoundedAndRecentCallersStayLimited) {
  FakeClock clock;
  RateLimiter limit(0.001, 1, clock.fn());  // a bucket refills in 1000 s
  for (int i = 0; i < 300'000; ++i) {
    clock.now += 1us;
    limit.take("caller-" + std::to_string(i));
  }
  EXPECT_LE(limit.size(), 64U * 4'096U);
  clock.now += 1us;
  EXPECT_FALSE(limit.take("busy"));
  EXPECT_TRUE(limit.take("busy"));  // the newest bucket is kept and still empty
  EXPECT_TRUE(limit.take("caller-299999"));
}

}  // namespace
}  // namespace kakehashi::http
