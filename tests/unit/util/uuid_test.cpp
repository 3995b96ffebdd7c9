#include "util/uuid.hpp"

#include <gtest/gtest.h>

namespace kakehashi::util {
namespace {

TEST(Uuid, ParsesTheSixteenBytesInOrder) {
  const auto b = parse_uuid("00112233-4455-6677-8899-aabbccddeeff", UuidCase::kLowerOnly);
  ASSERT_TRUE(b);
  for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ((*b)[i], i * 0x11) << i;
}

TEST(Uuid, UpperCaseOnlyWhenAsked) {
  constexpr std::string_view kUpper = "0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D";
  EXPECT_FALSE(parse_uuid(kUpper, UuidCase::kLowerOnly));
  const auto either = parse_uuid(kUpper, UuidCase::kEither);
  ASSERT_TRUE(either);
  EXPECT_EQ(either, parse_uuid("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", UuidCase::kLowerOnly));
}

TEST(Uuid, RefusesEverythingElse) {
  for (std::string_view bad : {"", "0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d",
                               "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5",      // 35
                               "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d0",    // 37
                               "0a1b2c3d_4e5f-6a7b-8c9d-0e1f2a3b4c5d",     // separator
                               "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5g",     // not hex
                               "0a1b2c3d-4e5f-6a7b-8c9d0-e1f2a3b4c5d"}) {  // dash moved
    EXPECT_FALSE(parse_uuid(bad, UuidCase::kEither)) << bad;
  }
}

}  // namespace
}  // namespace kakehashi::util
