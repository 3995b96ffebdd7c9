#include "domain/text.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace kakehashi::domain {

namespace {

unsigned char byte_at(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]);
}

bool is_continuation(unsigned char b) { return (b & 0xC0U) == 0x80U; }

// The length of the well-formed sequence that starts at s[i], or 0 when it is
// ill-formed. Follows the Unicode well-formed byte sequences table: the lead
// byte fixes the length, and the second byte's range is narrowed after E0
// (overlongs), ED (surrogates), F0 (overlongs) and F4 (above U+10FFFF).
std::size_t sequence_length(std::string_view s, std::size_t i) {
  const unsigned char lead = byte_at(s, i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;  // a continuation byte, C0/C1 (always overlong) or F5..FF
  }
  if (s.size() - i < length) return 0;
  const unsigned char second = byte_at(s, i + 1);
  if (second < low || second > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (!is_continuation(byte_at(s, i + k))) return 0;
  }
  return length;
}

}  // namespace

std::optional<std::size_t> first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t length = sequence_length(s, i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

bool valid_utf8(std::string_view s) { return !first_invalid_utf8(s).has_value(); }

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) {
    if (!is_continuation(static_cast<unsigned char>(c))) ++n;
  }
  return n;
}

bool has_control_characters(std::string_view s, bool allow_newlines) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char b = byte_at(s, i);
    if (b < 0x20) {
      if (b == '\t') continue;
      if (allow_newlines && (b == '\n' || b == '\r')) continue;
      return true;
    }
    if (b == 0x7F) return true;
    // C1 controls are the two-byte sequences C2 80..C2 9F; in UTF-8 a C2 byte
    // is always a lead byte, so a byte scan cannot misread one.
    if (b == 0xC2 && i + 1 < s.size()) {
      const unsigned char next = byte_at(s, i + 1);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

bool has_hidden_format_characters(std::string_view s) {
  // U+202A..U+202E are E2 80 AA..AE, U+2066..U+2069 E2 81 A6..A9 and U+FEFF
  // EF BB BF; E2 and EF are always lead bytes in UTF-8, so a byte scan cannot
  // misread a continuation.
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    const unsigned char b = byte_at(s, i);
    if (b != 0xE2 && b != 0xEF) continue;
    const unsigned char b1 = byte_at(s, i + 1);
    const unsigned char b2 = byte_at(s, i + 2);
    if (b == 0xE2 && b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) return true;
    if (b == 0xE2 && b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) return true;
    if (b == 0xEF && b1 == 0xBB && b2 == 0xBF) return true;
  }
  return false;
}

bool has_replacement_character(std::string_view s) {
  return s.find("\xEF\xBF\xBD") != std::string_view::npos;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c & 0x80) == 0; });
}

std::string fold_digits(std::string_view s) {
  std::string bengali;
  bengali.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    // U+09E6..U+09EF: E0 A7 A6..AF.
    const auto last = i + 2 < s.size() ? static_cast<unsigned char>(s[i + 2]) : 0U;
    if (s[i] == '\xE0' && i + 2 < s.size() && s[i + 1] == '\xA7' && last >= 0xA6 && last <= 0xAF) {
      bengali += static_cast<char>('0' + (last - 0xA6));
      i += 2;
    } else {
      bengali += s[i];
    }
  }
  return fold_width(bengali);
}

// Beyond ASCII, the Excel checks read full-width digits as ASCII ones (a
// Japanese IME types "１７１２３４５６７８" for 1712345678; probe F6).
bool looks_like_scientific_number(std::string_view s) {
  if (!is_ascii(s)) {
    const std::string ascii = fold_width(s);
    return is_ascii(ascii) && looks_like_scientific_number(ascii);
  }
  std::size_t i = s.starts_with('+') ? 1 : 0;  // "+8.80171E+12": a + typed before it
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (!digits()) return false;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    if (!digits()) return false;
  }
  if (i >= s.size() || (s[i] != 'E' && s[i] != 'e')) return false;
  ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  return digits() && i == s.size();
}

bool looks_like_mobile_without_its_zero(std::string_view s) {
  if (!is_ascii(s)) {
    const std::string ascii = fold_width(s);
    return is_ascii(ascii) && looks_like_mobile_without_its_zero(ascii);
  }
  return s.size() == 10 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool has_lost_letters(std::string_view name) { return name.find('?') != std::string_view::npos; }

std::string_view strip_utf8_bom(std::string_view s) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (s.starts_with(kBom)) s.remove_prefix(kBom.size());
  return s;
}

std::size_t nonblank_lines(std::string_view s) {
  std::size_t lines = 0;
  bool held = false;  // the current line holds something
  for (const char c : s) {
    if (c == '\n' || c == '\r') {
      lines += held ? 1 : 0;
      held = false;  // a CR LF's LF ends an empty line: not counted
    } else {
      held = true;
    }
  }
  return lines + (held ? 1 : 0);
}

namespace {

// The code point at s[i] of valid UTF-8, and its length in bytes.
std::pair<std::uint32_t, std::size_t> decode(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::uint32_t cp = c;
  std::size_t n = 1;
  if (c >= 0xF0) {
    n = 4;
    cp = c & 0x07U;
  } else if (c >= 0xE0) {
    n = 3;
    cp = c & 0x0FU;
  } else if (c >= 0xC0) {
    n = 2;
    cp = c & 0x1FU;
  }
  for (std::size_t k = 1; k < n && i + k < s.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3FU);
  }
  return {cp, n};
}

bool white_space(std::uint32_t cp) {
  return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// White space and the invisible marks that only pad text: zero-width space,
// word joiner and the byte order mark (zero-width no-break space).
bool padding(std::uint32_t cp) {
  return white_space(cp) || cp == 0x200B || cp == 0x2060 || cp == 0xFEFF;
}

}  // namespace

bool has_default_ignorable(std::string_view s) {
  const auto ignorable = [](std::uint32_t cp) {
    return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 ||
           cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F) ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFFB) ||
           (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) ||
           (cp >= 0xE0000 && cp <= 0xE0FFF);
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, n] = decode(s, i);
    if (ignorable(cp)) return true;
    i += n;
  }
  return false;
}

std::string fold_width(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, n] = decode(s, i);
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
      out.push_back(static_cast<char>(cp - 0xFF01 + 0x21));
    } else if (cp == 0x3002 || cp == 0xFF61) {
      out.push_back('.');
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

bool has_white_space(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, n] = decode(s, i);
    if (white_space(cp)) return true;
    i += n;
  }
  return false;
}

std::string_view trim_padding(std::string_view s) {
  std::size_t from = 0;
  while (from < s.size()) {
    const auto [cp, n] = decode(s, from);
    if (!padding(cp)) break;
    from += n;
  }
  std::size_t to = s.size();
  while (to > from) {
    std::size_t start = to - 1;  // the last code point's lead byte
    while (start > from && (static_cast<unsigned char>(s[start]) & 0xC0U) == 0x80U) --start;
    if (!padding(decode(s, start).first)) break;
    to = start;
  }
  return s.substr(from, to - from);
}

}  // namespace kakehashi::domain
