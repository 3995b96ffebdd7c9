#include "util/crypto.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace kakehashi::util {
namespace {

TEST(Crypto, Sha256KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, RandomHexHasLengthAndDiffers) {
  auto a = random_hex(16);
  auto b = random_hex(16);
  EXPECT_EQ(a.size(), 32U);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace kakehashi::util

namespace kakehashi::util {
namespace {

TEST(Crypto, RandomUuidIsVersion4WithTheRfcVariant) {
  const auto a = random_uuid();
  ASSERT_EQ(a.size(), 36U);
  EXPECT_EQ(a[8], '-');
  EXPECT_EQ(a[13], '-');
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
  EXPECT_NE(a, random_uuid());
}

}  // namespace
}  // namespace kakehashi::util

namespace kakehashi::util {
namespace {

// A bulk import's ids and aliases are drawn at once: each as the single
// draw's, and all different.
TEST(Crypto, DrawnAtOnceEachIsAsOneDrawnAlone) {
  const auto hex = random_hex(1'000, 5);
  ASSERT_EQ(hex.size(), 1'000U);
  std::set<std::string> seen;
  for (const auto& h : hex) {
    EXPECT_EQ(h.size(), 10U);
    EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(h);
  }
  EXPECT_EQ(seen.size(), hex.size());
  const auto uuids = random_uuids(1'000);
  ASSERT_EQ(uuids.size(), 1'000U);
  seen.clear();
  for (const auto& u : uuids) {
    ASSERT_EQ(u.size(), 36U);
    EXPECT_EQ(u[8], '-');
    EXPECT_EQ(u[13], '-');
    EXPECT_EQ(u[14], '4');
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos);
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), uuids.size());
  EXPECT_TRUE(random_uuids(0).empty());
}

}  // namespace
}  // namespace kakehashi::util
