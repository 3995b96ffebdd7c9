#include "domain/webhook.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace kakehashi::domain {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         equals_ignoring_case(text.substr(text.size() - suffix.size()), suffix);
}

bool valid_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
  });
}

}  // namespace

std::optional<std::string> parse_webhook_url(std::string_view text, WebhookUrl& out) {
  if (text.size() > 2000) return "must be at most 2000 characters";
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return "must look like https://HOST[:PORT]/PATH";
  const auto scheme = text.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return "must be an http:// or https:// URL";
  out.tls = scheme == "https";
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return "must not contain spaces, control or non-ASCII characters (percent-encode them)";
    }
  }
  auto rest = text.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) return "must not have a fragment";
  const auto authority_end = std::min(rest.find_first_of("/?"), rest.size());
  const auto authority = rest.substr(0, authority_end);
  const auto target = rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return "must not carry user information";

  std::string_view host = authority;
  std::string_view port;
  bool bracketed = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return "an IPv6 address needs its closing ]";
    host = authority.substr(1, close - 1);
    bracketed = true;
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return "unexpected text after the ]";
    if (!after.empty()) port = after.substr(1);
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return "has no host";
  if (bracketed ? !parse_ipv6(host) : !valid_host_name(host)) return "has an invalid host";
  out.port = out.tls ? 443 : 80;
  if (!port.empty()) {
    unsigned long n = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc() || ptr != port.data() + port.size() || n == 0 || n > 65535) {
      return "port must be a number from 1 to 65535";
    }
    out.port = static_cast<std::uint16_t>(n);
  }
  out.host = std::string(host);
  out.authority = std::string(authority);
  out.target = target.empty()          ? "/"
               : target.front() == '?' ? "/" + std::string(target)
                                       : std::string(target);
  return std::nullopt;
}

std::optional<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text) {
  if (text.size() > 15) return std::nullopt;
  const std::string s(text);
  std::array<std::uint8_t, 4> out{};
  if (inet_pton(AF_INET, s.c_str(), out.data()) != 1) return std::nullopt;
  return out;
}

std::optional<std::array<std::uint8_t, 16>> parse_ipv6(std::string_view text) {
  if (text.size() > 45) return std::nullopt;
  const std::string s(text);
  std::array<std::uint8_t, 16> out{};
  if (inet_pton(AF_INET6, s.c_str(), out.data()) != 1) return std::nullopt;
  return out;
}

bool is_private_ipv4(const std::array<std::uint8_t, 4>& a) {
  const auto in = [&](std::uint32_t net, int bits) {
    const std::uint32_t v = (std::uint32_t{a[0]} << 24U) | (std::uint32_t{a[1]} << 16U) |
                            (std::uint32_t{a[2]} << 8U) | std::uint32_t{a[3]};
    const std::uint32_t mask =
        bits == 0 ? 0 : ~std::uint32_t{0} << (32U - static_cast<unsigned>(bits));
    return (v & mask) == (net & mask);
  };
  return in(0x00000000, 8)      // "this network", 0.0.0.0
         || in(0x0A000000, 8)   // 10/8
         || in(0x64400000, 10)  // 100.64/10 carrier-grade NAT
         || in(0x7F000000, 8)   // loopback
         || in(0xA9FE0000, 16)  // link-local (cloud metadata 169.254.169.254)
         || in(0xAC100000, 12)  // 172.16/12
         || in(0xC0000000, 24)  // IETF protocol assignments
         || in(0xC0000200, 24)  // TEST-NET-1
         || in(0xC0586300, 24)  // 6to4 relay anycast (deprecated)
         || in(0xC0A80000, 16)  // 192.168/16
         || in(0xC6120000, 15)  // benchmarking
         || in(0xC6336400, 24)  // TEST-NET-2
         || in(0xCB007100, 24)  // TEST-NET-3
         || in(0xE0000000, 4)   // multicast
         || in(0xF0000000, 4);  // reserved and broadcast
}

bool is_private_ipv6(const std::array<std::uint8_t, 16>& a) {
  const auto zeros = [&](int from, int to) {
    return std::all_of(a.begin() + from, a.begin() + to, [](std::uint8_t b) { return b == 0; });
  };
  const auto v4_at = [&](int offset) {
    return std::array<std::uint8_t, 4>{a[offset], a[offset + 1], a[offset + 2], a[offset + 3]};
  };
  if (zeros(0, 16)) return true;                                                          // ::
  if (zeros(0, 15) && a[15] == 1) return true;                                            // ::1
  if (zeros(0, 10) && a[10] == 0xff && a[11] == 0xff) return is_private_ipv4(v4_at(12));  // mapped
  if (zeros(0, 12)) return is_private_ipv4(v4_at(12));  // IPv4-compatible (deprecated)
  if (zeros(0, 8) && a[8] == 0xff && a[9] == 0xff && zeros(10, 12)) {  // ::ffff:0:0/96 translated
    return is_private_ipv4(v4_at(12));
  }
  // The local-use NAT64 prefix (64:ff9b:1::/48) maps any IPv4 address, as
  // Teredo (2001::/32, below) hides one: neither is a place a webhook lives
  // (a probe registered both). The well-known prefix maps one, judged as such.
  if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && zeros(4, 12)) {
    return is_private_ipv4(v4_at(12));  // 64:ff9b::/96
  }
  if (a[0] == 0x20 && a[1] == 0x02) return is_private_ipv4(v4_at(2));  // 6to4
  // Otherwise only global unicast (2000::/3) is allowed, without its
  // special-purpose blocks: everything else is unique local, link-local,
  // site-local, multicast, discard, SRv6 SIDs (5f00::/16), or unassigned.
  if ((a[0] & 0xe0) != 0x20) return true;
  if (a[0] == 0x20 && a[1] == 0x01 && (a[2] & 0xfe) == 0) {
    return true;  // 2001::/23: IETF protocol assignments (Teredo, benchmarking, ORCHIDv2)
  }
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) return true;  // documentation
  if (a[0] == 0x3f && a[1] == 0xff && (a[2] & 0xf0) == 0) return true;  // 3fff::/20 documentation
  return false;
}

bool is_private_literal_host(std::string_view host) {
  // "localhost." is localhost: a name may end in the root's dot.
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (equals_ignoring_case(host, "localhost") || ends_with_ignoring_case(host, ".localhost")) {
    return true;
  }
  if (auto v4 = parse_ipv4(host)) return is_private_ipv4(*v4);
  if (auto v6 = parse_ipv6(host)) return is_private_ipv6(*v6);
  // The resolver reads the old numeric forms as addresses too (2130706433,
  // 0x7f000001, 0177.0.0.1, 127.1 are all 127.0.0.1): judged as the address
  // they name, not as a name.
  if (host.size() <= 64) {
    const std::string s(host);
    in_addr addr{};
    if (inet_aton(s.c_str(), &addr) != 0) {
      std::array<std::uint8_t, 4> a{};
      std::memcpy(a.data(), &addr.s_addr, 4);  // network order: a[0] is the first byte
      return is_private_ipv4(a);
    }
  }
  return false;
}

}  // namespace kakehashi::domain
