#include "util/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

namespace kakehashi::util {
namespace {

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4U]);
    out.push_back(kDigits[data[i] & 0x0fU]);
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return to_hex(digest.data(), size);
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
    throw std::runtime_error("the operating system's random generator failed");
  }
  return to_hex(buffer.data(), buffer.size());
}

std::vector<std::string> random_hex(std::size_t count, std::size_t bytes) {
  std::vector<unsigned char> buffer(count * bytes);
  if (!buffer.empty() && RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
    throw std::runtime_error("the operating system's random generator failed");
  }
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.push_back(to_hex(buffer.data() + i * bytes, bytes));
  return out;
}

namespace {

// 32 hex digits as a version 4 UUID's text.
std::string as_uuid(std::string h) {
  h[12] = '4';                                                  // version 4
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];  // RFC 4122 variant
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace

std::string random_uuid() { return as_uuid(random_hex(16)); }

std::vector<std::string> random_uuids(std::size_t count) {
  auto out = random_hex(count, 16);
  for (auto& h : out) h = as_uuid(std::move(h));
  return out;
}

}  // namespace kakehashi::util
