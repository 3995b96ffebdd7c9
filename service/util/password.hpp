// Password hashing for people's accounts: Argon2id through libsodium's
// crypto_pwhash_str, whose output carries its own salt and parameters. The
// work is deliberately slow (2 passes over 64 MiB, ~165 ms on a 2-core
// host): call it on the CPU pool, never on an I/O thread. (Tests hash at
// libsodium's minimum cost: PasswordCost below.) Passwords are never logged.
#pragma once

#include <cstddef>
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

// The work one hash takes: Argon2id's passes over its memory.
struct PasswordCost {
  unsigned long long passes;
  std::size_t memory_bytes;
  friend bool operator==(const PasswordCost&, const PasswordCost&) = default;
};
// libsodium's "interactive" cost (2 passes over 64 MiB): what every real
// account's password is hashed with.
PasswordCost interactive_password_cost();
// libsodium's minimum (1 pass over 8 KiB), for tests only: the suite signs
// people in hundreds of times, and at the interactive cost those hashes were
// a large part of its CPU. A hash made so is cheap to guess from.
PasswordCost minimum_password_cost();

// The encoded Argon2id hash ("$argon2id$v=19$m=...") of `password`.
// Throws std::runtime_error when libsodium cannot allocate its memory.
std::string hash_password(std::string_view password,
                          PasswordCost cost = interactive_password_cost());

// True when `encoded` is an Argon2id hash made at a lower cost than `cost`
// (no more passes and no more memory, and not the same): sign-in then hashes
// the password again at `cost`. Never true towards a lower cost: a service
// started at the test cost by mistake does not weaken the hashes it reads.
bool password_needs_rehash(const std::string& encoded, PasswordCost cost);

// True when `password` matches `encoded`. A malformed `encoded` is false.
bool verify_password(std::string_view password, const std::string& encoded);

// Verifies `password` against a fixed hash at `cost` made once per process,
// taking the time a real verification at that cost takes: sign-in calls it when no account has the
// address, so the answer's timing does not tell whether one does.
void verify_dummy_password(std::string_view password, PasswordCost cost);

// Constant-time equality of two byte strings of any length (the lengths are
// not secret).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace kakehashi::util
