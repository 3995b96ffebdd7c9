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
  verify_dummy_password("anything");  // takes its time, answers nothing
}

TEST(Password, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace
}  // namespace kakehashi::util
