#include "util/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

#include "util/password.hpp"

namespace kakehashi::util {

std::string hotp(std::string_view secret, std::uint64_t counter, int digits) {
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message.data(),
           message.size(), mac.data(), &mac_size) == nullptr ||
      mac_size != 20) {
    throw std::runtime_error("HMAC-SHA1 failed");
  }
  // RFC 4226 section 5.3: dynamic truncation.
  const unsigned offset = mac[19] & 0x0F;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  if (code.size() < static_cast<std::size_t>(digits)) {
    code.insert(0, static_cast<std::size_t>(digits) - code.size(), '0');
  }
  return code;
}

std::optional<std::int64_t> totp_match(std::string_view secret, std::string_view code,
                                       std::int64_t now_step,
                                       std::optional<std::int64_t> after_step, int window) {
  if (code.size() != 6) return std::nullopt;
  std::optional<std::int64_t> found;
  // Every step in the window is computed and compared, so the time taken
  // does not say which one matched.
  for (std::int64_t step = now_step - window; step <= now_step + window; ++step) {
    if (step < 0) continue;
    const bool same = constant_time_equal(hotp(secret, static_cast<std::uint64_t>(step)), code);
    if (same && (!after_step || step > *after_step) && !found) found = step;
  }
  return found;
}

std::string base32_encode(std::string_view bytes) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(buffer >> bits) & 0x1F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1F]);
  return out;
}

}  // namespace kakehashi::util
