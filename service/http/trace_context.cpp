#include "http/trace_context.hpp"

namespace kakehashi::http {
namespace {

constexpr std::size_t kLength = 55;  // "vv-" + 32 + "-" + 16 + "-" + "ff"

bool lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return !s.empty();
}

bool all_zero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

std::optional<TraceContext> parse_traceparent(std::string_view value) {
  if (value.size() < kLength) return std::nullopt;
  const auto version = value.substr(0, 2);
  if (!lower_hex(version) || version == "ff") return std::nullopt;
  // Version 00 is exactly 55 characters; a later version may append fields,
  // which this parser does not read.
  if (version == "00" ? value.size() != kLength : value.size() > kLength && value[kLength] != '-') {
    return std::nullopt;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') return std::nullopt;
  const auto trace_id = value.substr(3, 32);
  const auto parent_id = value.substr(36, 16);
  const auto flags = value.substr(53, 2);
  if (!lower_hex(trace_id) || !lower_hex(parent_id) || !lower_hex(flags)) return std::nullopt;
  if (all_zero(trace_id) || all_zero(parent_id)) return std::nullopt;
  return TraceContext{
      .trace_id = std::string(trace_id),
      .parent_id = std::string(parent_id),
      .flags = static_cast<std::uint8_t>(hex_value(flags[0]) * 16 + hex_value(flags[1]))};
}

std::string TraceContext::child_header(std::string_view span_id) const {
  std::string out = "00-";
  out += trace_id;
  out += '-';
  out += span_id;
  out += (flags & 0x01) != 0 ? "-01" : "-00";
  return out;
}

}  // namespace kakehashi::http
