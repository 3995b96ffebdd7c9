// Webhooks as the domain sees them: the event types an organization may
// subscribe to, the endpoint URLs the service accepts, and which network
// addresses a delivery may reach (never a private or loopback one unless the
// operator allows it for tests). Pure logic, no I/O: resolving a name and
// connecting are app/delivery.cpp's.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/enum_table.hpp"

namespace kakehashi::domain {

enum class EventType : std::uint8_t {
  kMatchStateChanged,
  kOfferReceived,
  kRoundCompleted,
  kTraineeConsentChanged,
  kProjectStatusChanged,
};

inline constexpr std::array kAllEventTypes = {
    EventType::kMatchStateChanged, EventType::kOfferReceived, EventType::kRoundCompleted,
    EventType::kTraineeConsentChanged, EventType::kProjectStatusChanged};

// The names are the database's (org_events.type, webhooks.events in 0050).
template <>
struct EnumTable<EventType> {
  static constexpr const auto& kValues = kAllEventTypes;
  static constexpr std::array<std::string_view, kValues.size()> kNames = {
      "match.state_changed", "offer.received", "round.completed", "trainee.consent_changed",
      "project.status_changed"};
};
static_assert(valid_enum_table<EventType>());

// An endpoint URL split into what a delivery needs.
struct WebhookUrl {
  bool tls = false;  // https
  std::string host;  // a name, or an IP address without brackets
  std::uint16_t port = 80;
  std::string authority;  // HOST[:PORT] as given, for the Host header
  std::string target;     // path and query, "/" when empty
};

// http(s)://HOST[:PORT][/PATH][?QUERY] (the scheme in lower case), at most
// 2,000 characters, no user information or fragment, no spaces or control
// characters. Returns why not.
std::optional<std::string> parse_webhook_url(std::string_view text, WebhookUrl& out);

// True for an address a delivery must not reach unless private targets are
// allowed: loopback, private (RFC 1918, fc00::/7), link-local, carrier-grade
// NAT (100.64/10), unspecified, multicast, broadcast, "this network"
// (0/8), benchmarking (198.18/15), documentation and reserved ranges, and the
// IPv4-mapped, -compatible, NAT64 and 6to4 forms of any of those.
bool is_private_ipv4(const std::array<std::uint8_t, 4>& a);
bool is_private_ipv6(const std::array<std::uint8_t, 16>& a);

// A literal IPv4 or IPv6 address's bytes; nullopt for a name.
std::optional<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text);
std::optional<std::array<std::uint8_t, 16>> parse_ipv6(std::string_view text);

// For a host given literally (an address, in dotted decimal or in one of
// the older numeric forms the resolver also reads, such as 2130706433 or
// 127.1; "localhost" or a name under .localhost, with or without a final
// dot): is it a refused target? A name is not decided here; the delivery
// checks every address it resolves to.
bool is_private_literal_host(std::string_view host);

}  // namespace kakehashi::domain
