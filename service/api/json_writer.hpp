// JSON written straight into a string, for the hot lists (a page of
// candidates, a round's explanations): building nlohmann::json's tree for a
// page of 20 candidates, then dumping and freeing it, was half the CPU of a
// first read (issue 14, session 22: some 3,000 allocations per page). The
// output reads as nlohmann's dump of the same values with
// error_handler_t::replace: strings escaped alike (invalid UTF-8 as U+FFFD),
// integers as integers, doubles as their shortest round trip ("2.0" for an
// integral one), not-finite doubles as null. Keys are written in the order
// given; a caller that needs nlohmann's sorted order writes them so.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kakehashi::api {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() {
    separate();
    out_ += '{';
    has_member_.push_back(false);
    return *this;
  }
  JsonWriter& end_object() {
    has_member_.pop_back();
    out_ += '}';
    return *this;
  }
  JsonWriter& begin_array() {
    separate();
    out_ += '[';
    has_member_.push_back(false);
    return *this;
  }
  JsonWriter& end_array() {
    has_member_.pop_back();
    out_ += ']';
    return *this;
  }
  // The next value is this member's.
  JsonWriter& key(std::string_view name) {
    separate();
    escaped(name);
    out_ += ':';
    after_key_ = true;
    return *this;
  }

  JsonWriter& value(std::nullptr_t) { return literal("null"); }
  JsonWriter& value(bool b) { return literal(b ? "true" : "false"); }
  JsonWriter& value(std::string_view s) {
    separate();
    escaped(s);
    return *this;
  }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(int n) { return integer(n); }
  JsonWriter& value(long n) { return integer(n); }
  JsonWriter& value(long long n) { return integer(n); }
  JsonWriter& value(unsigned n) { return integer(n); }
  JsonWriter& value(unsigned long n) { return integer(n); }
  JsonWriter& value(unsigned long long n) { return integer(n); }
  JsonWriter& value(float x) { return value(static_cast<double>(x)); }
  JsonWriter& value(double x) {
    separate();
    if (!std::isfinite(x)) {
      out_ += "null";
      return *this;
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    const std::string_view digits(buf, static_cast<std::size_t>(r.ptr - buf));
    out_ += digits;
    if (digits.find_first_of(".e") == std::string_view::npos) out_ += ".0";
    return *this;
  }
  template <class T>
  JsonWriter& value(const std::optional<T>& v) {
    return v ? value(*v) : value(nullptr);
  }
  template <class T>
  JsonWriter& value(const std::vector<T>& items) {
    begin_array();
    for (const auto& item : items) value(item);
    return end_array();
  }
  // A value already serialized (a stored document): written as it is.
  JsonWriter& raw(std::string_view json) {
    separate();
    out_ += json;
    return *this;
  }

  template <class T>
  JsonWriter& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

 private:
  // The comma before a value or key, unless it is a member's value or the
  // first in its container.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (has_member_.empty()) return;
    if (has_member_.back()) out_ += ',';
    has_member_.back() = true;
  }
  JsonWriter& literal(std::string_view text) {
    separate();
    out_ += text;
    return *this;
  }
  template <class N>
  JsonWriter& integer(N n) {
    separate();
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    out_.append(buf, r.ptr);
    return *this;
  }

  // Quoted and escaped as nlohmann escapes (\b \f \n \r \t, other controls
  // as \u00xx), UTF-8 passed through; a byte that does not begin or continue
  // a well-formed sequence becomes U+FFFD.
  void escaped(std::string_view s) {
    out_ += '"';
    std::size_t i = 0;
    while (i < s.size()) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        const std::size_t start = i;
        while (i < s.size()) {
          const auto d = static_cast<unsigned char>(s[i]);
          if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\') break;
          ++i;
        }
        out_.append(s.data() + start, i - start);
        continue;
      }
      if (c < 0x80) {
        switch (c) {
          case '"':
            out_ += "\\\"";
            break;
          case '\\':
            out_ += "\\\\";
            break;
          case '\b':
            out_ += "\\b";
            break;
          case '\f':
            out_ += "\\f";
            break;
          case '\n':
            out_ += "\\n";
            break;
          case '\r':
            out_ += "\\r";
            break;
          case '\t':
            out_ += "\\t";
            break;
          default: {
            static constexpr char kHex[] = "0123456789abcdef";
            out_ += "\\u00";
            out_ += kHex[c >> 4];
            out_ += kHex[c & 0xF];
          }
        }
        ++i;
        continue;
      }
      const std::size_t n = sequence_length(s, i);
      if (n == 0) {
        out_ += "\xEF\xBF\xBD";
        ++i;
      } else {
        out_.append(s.data() + i, n);
        i += n;
      }
    }
    out_ += '"';
  }

  // The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no
  // overlong forms, no surrogates, nothing past U+10FFFF), 0 if there is none.
  static std::size_t sequence_length(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
      return i + k < s.size() && b(k) >= lo && b(k) <= hi;
    };
    const unsigned c = b(0);
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
    if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    return 0;
  }

  std::string& out_;
  std::vector<bool> has_member_;
  bool after_key_ = false;
};

}  // namespace kakehashi::api
