// Password hashing for people's accounts: Argon2id through libsodium's
// crypto_pwhash_str, whose output carries its own salt and parameters. The
// work is deliberately slow (tens of milliseconds, 64 MiB): call it on the
// CPU pool, never on an I/O thread. Passwords are never logged.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kakehashi::util {

// Shortest and longest password accepted (bytes of UTF-8).
inline constexpr std::size_t kMinPasswordBytes = 10;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Why `password` is too easy to guess, or nullopt: fewer than 5 different
// characters ("aaaaaaaaaa", "1212121212"), a run of a keyboard row or of
// digits or letters ("1234567890", "qwertyuiop"), a well-known password, or
// the account's email or the part before its @ (of 4 characters or more).
// Length is checked apart (kMinPasswordBytes).
std::optional<std::string> password_weakness(std::string_view password, std::string_view email);

// The encoded Argon2id hash ("$argon2id$v=19$m=...") of `password`.
// Throws std::runtime_error when libsodium cannot allocate its memory.
std::string hash_password(std::string_view password);

// True when `password` matches `encoded`. A malformed `encoded` is false.
bool verify_password(std::string_view password, const std::string& encoded);

// Verifies `password` against a fixed hash made once per process, taking the
// time a real verification takes: sign-in calls it when no account has the
// address, so the answer's timing does not tell whether one does.
void verify_dummy_password(std::string_view password);

// Constant-time equality of two byte strings of any length (the lengths are
// not secret).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace kakehashi::util
