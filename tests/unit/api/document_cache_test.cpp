// The trainee document cache: off until enabled, invalidation wins over a
// read that raced it, bounded.
#include <gtest/gtest.h>

#include "api/api_context.hpp"

namespace kakehashi::api {
namespace {

TEST(DocumentCache, StoresNothingUntilEnabled) {
  DocumentCache cache;
  cache.put("a", {"org", "active", 1, "{}"}, cache.epoch());
  EXPECT_FALSE(cache.get("a"));
  cache.set_enabled(true);
  cache.put("a", {"org", "active", 1, "{}"}, cache.epoch());
  ASSERT_TRUE(cache.get("a"));
  EXPECT_EQ(cache.get("a")->version, 1);
  cache.set_enabled(false);  // the listener lost its connection: nothing is trusted
  EXPECT_FALSE(cache.get("a"));
}

TEST(DocumentCache, AReadThatRacedAWriteIsNotStored) {
  DocumentCache cache;
  cache.set_enabled(true);
  const auto before_read = cache.epoch();
  cache.erase("a");  // a write lands while the read is in flight
  cache.put("a", {"org", "active", 1, "old"}, before_read);
  EXPECT_FALSE(cache.get("a"));
  cache.put("a", {"org", "active", 2, "new"}, cache.epoch());
  EXPECT_EQ(cache.get("a")->body, "new");
  cache.erase("a");
  EXPECT_FALSE(cache.get("a"));
}

TEST(DocumentCache, StaysWithinItsCapacity) {
  DocumentCache cache(3);
  cache.set_enabled(true);
  for (int i = 0; i < 10; ++i) cache.put(std::to_string(i), {"o", "active", 1, "x"}, cache.epoch());
  int held = 0;
  for (int i = 0; i < 10; ++i) held += cache.get(std::to_string(i)) ? 1 : 0;
  EXPECT_LE(held, 3);
  EXPECT_TRUE(cache.get("9"));
}

}  // namespace
}  // namespace kakehashi::api
