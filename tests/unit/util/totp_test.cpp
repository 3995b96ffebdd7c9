#include "util/totp.hpp"

#include <gtest/gtest.h>

namespace kakehashi::util {
namespace {

// RFC 6238 appendix B: the SHA-1 seed is the ASCII "12345678901234567890",
// codes of 8 digits.
constexpr std::string_view kSeed = "12345678901234567890";

TEST(Totp, Rfc6238Sha1TestVectors) {
  const std::pair<std::int64_t, std::string_view> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& [time, code] : vectors) {
    EXPECT_EQ(hotp(kSeed, static_cast<std::uint64_t>(totp_step(time)), 8), code) << time;
  }
}

TEST(Totp, Rfc4226HotpVectors) {
  // RFC 4226 appendix D, 6 digits.
  const char* codes[] = {"755224", "287082", "359152", "969429", "338314",
                         "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t i = 0; i < 10; ++i) EXPECT_EQ(hotp(kSeed, i), codes[i]) << i;
}

TEST(Totp, MatchAcceptsTheWindowAndRefusesReuse) {
  const std::int64_t now = totp_step(1111111111);
  const std::string current = hotp(kSeed, static_cast<std::uint64_t>(now));
  const std::string previous = hotp(kSeed, static_cast<std::uint64_t>(now - 1));
  const std::string old = hotp(kSeed, static_cast<std::uint64_t>(now - 2));
  EXPECT_EQ(totp_match(kSeed, current, now, std::nullopt), now);
  EXPECT_EQ(totp_match(kSeed, previous, now, std::nullopt), now - 1);
  EXPECT_EQ(totp_match(kSeed, old, now, std::nullopt), std::nullopt);
  // A step accepted once is not accepted again, nor one before it.
  EXPECT_EQ(totp_match(kSeed, current, now, now), std::nullopt);
  EXPECT_EQ(totp_match(kSeed, previous, now, now - 1), std::nullopt);
  EXPECT_EQ(totp_match(kSeed, "12345", now, std::nullopt), std::nullopt);
  EXPECT_EQ(totp_match(kSeed, "abcdef", now, std::nullopt), std::nullopt);
}

TEST(Totp, Base32MatchesRfc4648) {
  EXPECT_EQ(base32_encode(""), "");
  EXPECT_EQ(base32_encode("f"), "MY");
  EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32_encode(kSeed), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

}  // namespace
}  // namespace kakehashi::util
