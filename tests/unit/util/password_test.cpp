#include "util/password.hpp"

#include <gtest/gtest.h>

namespace kakehashi::util {
namespace {

TEST(Password, HashesWithArgon2idAndVerifies) {
  const std::string hash = hash_password("correct horse battery");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0U) << hash;
  EXPECT_EQ(hash.find("correct"), std::string::npos);
  EXPECT_TRUE(verify_password("correct horse battery", hash));
  EXPECT_FALSE(verify_password("correct horse batterz", hash));
  EXPECT_FALSE(verify_password("", hash));
  // Salted: the same password hashes differently each time.
  EXPECT_NE(hash, hash_password("correct horse battery"));
}

TEST(Password, MalformedHashesAreFalseNotCrashes) {
  EXPECT_FALSE(verify_password("x", ""));
  EXPECT_FALSE(verify_password("x", "$argon2id$garbage"));
  EXPECT_FALSE(verify_password("x", std::string(500, '$')));
  // Takes its time and answers nothing: this only shows it does not throw.
  verify_dummy_password("anything", interactive_password_cost());
}

// The cost is in the hash: real accounts' at libsodium's interactive
// parameters, a test's at the minimum; each verifies, and a hash of the
// other cost asks to be made again (sign-in then rehashes it).
TEST(Password, EachCostIsWrittenInItsHashAndTheOtherAsksForARehash) {
  const std::string real = hash_password("correct horse battery");
  EXPECT_NE(real.find("$m=65536,t=2,p=1$"), std::string::npos) << real;
  const std::string cheap = hash_password("correct horse battery", minimum_password_cost());
  EXPECT_NE(cheap.find("$m=8,t=1,p=1$"), std::string::npos) << cheap;
  EXPECT_TRUE(verify_password("correct horse battery", cheap));
  EXPECT_FALSE(verify_password("correct horse batterz", cheap));
  const auto interactive = interactive_password_cost();
  const auto minimum = minimum_password_cost();
  EXPECT_FALSE(password_needs_rehash(real, interactive));
  EXPECT_TRUE(password_needs_rehash(cheap, interactive));
  EXPECT_FALSE(password_needs_rehash(cheap, minimum));
  // Never towards a lower cost: a service at the test cost leaves a real hash.
  EXPECT_FALSE(password_needs_rehash(real, minimum));
  // More passes but less memory is not lower on both: left as it is.
  EXPECT_FALSE(
      password_needs_rehash("$argon2id$v=19$m=32768,t=4,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
                            "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
                            interactive));
  EXPECT_TRUE(
      password_needs_rehash("$argon2id$v=19$m=65536,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
                            "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
                            interactive));
  // Not a hash at all: nothing to make again (verification refused it).
  EXPECT_FALSE(password_needs_rehash("$argon2id$garbage", interactive));
  EXPECT_FALSE(password_needs_rehash("$argon2i$v=19$m=8,t=1,p=1$abc$def", interactive));
  EXPECT_FALSE(password_needs_rehash("", interactive));
}

// Long enough is not enough: passwords a guesser tries first are refused.
TEST(Password, EasyToGuessPasswordsAreNamed) {
  for (const char* weak :
       {"aaaaaaaaaa", "1212121212", "abababababab", "1234567890", "0987654321", "QWERTYUIOP",
        "abcdefghijk", "password12", "Passw0rd!!", "qwerty1234", "kakehashi1"}) {
    EXPECT_TRUE(password_weakness(weak, "")) << weak;
  }
  EXPECT_EQ(password_weakness("rahim.uddin2026", "Rahim.Uddin@dhaka.example"),
            std::optional<std::string>("it contains the email address"));
  EXPECT_TRUE(password_weakness("x rahim@dhaka.example", "rahim@dhaka.example"));
  for (const char* fine :
       {"correct horse battery staple", "a long enough password", "tsukuba-2026-bridge",
        "パスワードは長い方がいい", "my password is long"}) {
    EXPECT_FALSE(password_weakness(fine, "rahim@dhaka.example")) << fine;
    EXPECT_FALSE(password_weakness(fine, "mina@info.example")) << fine;
  }
  EXPECT_FALSE(password_weakness("abc4x9!kq2", "ab@x.example"));  // a 2-letter local part
}

TEST(Password, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace
}  // namespace kakehashi::util
