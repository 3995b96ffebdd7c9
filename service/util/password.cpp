#include "util/password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace kakehashi::util {
namespace {

void ensure_sodium() {
  static const int ready = sodium_init();
  if (ready < 0) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::optional<std::string> password_weakness(std::string_view password, std::string_view email) {
  std::string lower(password);
  for (auto& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string distinct;
  for (const char c : password) {
    if (distinct.find(c) == std::string::npos) distinct.push_back(c);
    if (distinct.size() >= 5) break;
  }
  if (distinct.size() < 5) return "it repeats a few characters";
  for (const std::string_view run :
       {"01234567890123456789", "98765432109876543210", "abcdefghijklmnopqrstuvwxyz",
        "zyxwvutsrqponmlkjihgfedcba", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn",
        "qwertzuiopasdfghjklyxcvbnm", "azertyuiopqsdfghjklmwxcvbn"}) {
    if (run.find(lower) != std::string_view::npos) return "it is a run of the keyboard or alphabet";
  }
  for (const std::string_view common :
       {"password", "passw0rd", "p@ssw0rd", "qwerty", "letmein", "iloveyou", "welcome", "kakehashi",
        "admin123", "abc12345", "11111111", "12345678"}) {
    if (lower.find(common) != std::string::npos && lower.size() < common.size() + 6) {
      return "it is a well-known password";
    }
  }
  std::string address(email);
  for (auto& c : address) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const auto at = address.find('@');
  const std::string local = address.substr(0, at);
  if ((!address.empty() && lower.find(address) != std::string::npos) ||
      (local.size() >= 4 && lower.find(local) != std::string::npos)) {
    return "it contains the email address";
  }
  return std::nullopt;
}

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return std::string(out);
}

bool verify_password(std::string_view password, const std::string& encoded) {
  ensure_sodium();
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

void verify_dummy_password(std::string_view password) {
  static const std::string dummy = hash_password("kakehashi: no account has this address");
  (void)verify_password(password, dummy);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kakehashi::util
