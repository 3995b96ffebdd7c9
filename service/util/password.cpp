#include "util/password.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

namespace kakehashi::util {
namespace {

void ensure_sodium() {
  static const int ready = sodium_init();
  if (ready < 0) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::optional<std::string> password_weakness(std::string_view password, std::string_view email) {
  // Compared folded: ASCII letters lower-cased and full-width forms (ｐａｓｓ)
  // as their ASCII; characters counted as code points, not bytes (two
  // emoji are 8 bytes).
  std::string lower;
  std::vector<std::uint32_t> seen;
  for (std::size_t i = 0; i < password.size();) {
    const auto b = static_cast<unsigned char>(password[i]);
    const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    std::uint32_t cp = n == 1 ? b : b & (0x3FU >> (n - 1));
    for (std::size_t k = 1; k < n && i + k < password.size(); ++k) {
      cp = cp << 6 | (static_cast<unsigned char>(password[i + k]) & 0x3FU);
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full width to ASCII
    if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
    if (cp < 0x80) {
      lower.push_back(static_cast<char>(cp));
    } else {
      lower.append(password.substr(i, n));
    }
    if (std::find(seen.begin(), seen.end(), cp) == seen.end()) seen.push_back(cp);
    i += n;
  }
  if (seen.size() < 5) return "it repeats a few characters";
  for (const std::string_view run :
       {"01234567890123456789", "98765432109876543210", "abcdefghijklmnopqrstuvwxyz",
        "zyxwvutsrqponmlkjihgfedcba", "qwertyuiop[]asdfghjkl;'zxcvbnm,./",
        "qwertzuiopasdfghjklyxcvbnm", "azertyuiopqsdfghjklmwxcvbn",
        "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "1q2w3e4r5t6y7u8i9o0p", "!@#$%^&*()_+",
        "poiuytrewqlkjhgfdsamnbvcxz"}) {
    if (run.find(lower) != std::string_view::npos) return "it is a run of the keyboard or alphabet";
  }
  // A well-known password, alone or with digits and signs around it
  // ("Password1234567", "p@ssw0rd!!").
  std::string letters;
  for (const char c : lower) {
    if (c >= 'a' && c <= 'z') letters.push_back(c);
  }
  for (const std::string_view common :
       {"password",  "passw0rd", "p@ssw0rd", "qwerty",   "letmein",  "iloveyou", "welcome",
        "kakehashi", "admin123", "abc12345", "11111111", "12345678", "monkey",   "dragon",
        "football",  "baseball", "sunshine", "princess", "trustno",  "master",   "shadow"}) {
    const bool only_letters =
        common.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string_view::npos;
    if ((only_letters && letters == common) ||
        (lower.find(common) != std::string::npos && lower.size() < common.size() + 6)) {
      return "it is a well-known password";
    }
  }
  std::string address(email);
  for (auto& c : address) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const auto at = address.find('@');
  const std::string local = address.substr(0, at);
  // The local part from 5 characters: "mina" is in "terminal", "info" in
  // "information".
  if ((!address.empty() && lower.find(address) != std::string::npos) ||
      (local.size() >= 5 && lower.find(local) != std::string::npos)) {
    return "it contains the email address";
  }
  return std::nullopt;
}

PasswordCost interactive_password_cost() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost minimum_password_cost() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

std::string hash_password(std::string_view password, PasswordCost cost) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), cost.passes, cost.memory_bytes) !=
      0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return std::string(out);
}

bool verify_password(std::string_view password, const std::string& encoded) {
  ensure_sodium();
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

namespace {

// The passes (t=) and the memory in KiB (m=) of an encoded Argon2id hash.
std::optional<std::pair<unsigned long long, unsigned long long>> argon2id_cost(
    const std::string& encoded) {
  if (encoded.rfind("$argon2id$", 0) != 0) return std::nullopt;
  auto number_after = [&](std::string_view key) -> std::optional<unsigned long long> {
    const auto at = encoded.find(key);
    if (at == std::string::npos) return std::nullopt;
    unsigned long long v = 0;
    const char* first = encoded.data() + at + key.size();
    const auto [end, ec] = std::from_chars(first, encoded.data() + encoded.size(), v);
    if (ec != std::errc() || end == first) return std::nullopt;
    return v;
  };
  const auto memory = number_after("$m=");
  const auto passes = number_after(",t=");
  if (!memory || !passes) return std::nullopt;
  return std::pair{*passes, *memory};
}

}  // namespace

bool password_needs_rehash(const std::string& encoded, PasswordCost cost) {
  const auto stored = argon2id_cost(encoded);
  if (!stored) return false;  // not a hash verification accepts
  const auto [passes, kib] = *stored;
  const unsigned long long want_kib = cost.memory_bytes / 1024;
  return passes <= cost.passes && kib <= want_kib && (passes < cost.passes || kib < want_kib);
}

void verify_dummy_password(std::string_view password, PasswordCost cost) {
  constexpr const char* kDummy = "kakehashi: no account has this address";
  if (cost == interactive_password_cost()) {
    static const std::string interactive = hash_password(kDummy, cost);
    (void)verify_password(password, interactive);
  } else {
    // A process keeps one cost from its start.
    static const std::string other = hash_password(kDummy, cost);
    (void)verify_password(password, other);
  }
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kakehashi::util
