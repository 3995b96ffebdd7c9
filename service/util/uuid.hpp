// A uuid's text (8-4-4-4-12 hex digits) as its 16 bytes: the one parser the
// matching layer's packed cards and trainee lookup share.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kakehashi::util {

enum class UuidCase {
  kLowerOnly,  // for a form that must read back as the very same text
  kEither,     // for a lookup, where case does not name another uuid
};

inline std::optional<std::array<std::uint8_t, 16>> parse_uuid(std::string_view text,
                                                              UuidCase accept) {
  if (text.size() != 36) return std::nullopt;
  std::array<std::uint8_t, 16> out{};
  std::size_t digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return std::nullopt;
      continue;
    }
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (accept == UuidCase::kEither && c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    auto& byte = out[digits / 2];
    byte = static_cast<std::uint8_t>(byte << 4 | v);
    ++digits;
  }
  return out;
}

}  // namespace kakehashi::util
