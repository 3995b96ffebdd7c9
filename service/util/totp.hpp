// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP, HMAC-SHA1,
// 30-second steps), the optional second factor of a person's sign-in, and
// the base32 text (RFC 4648) in which authenticator apps take the secret.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kakehashi::util {

inline constexpr std::int64_t kTotpStepSeconds = 30;

// HOTP(secret, counter) truncated to `digits` decimal digits, zero-padded.
std::string hotp(std::string_view secret, std::uint64_t counter, int digits = 6);

// The time step that holds `unix_seconds`.
inline std::int64_t totp_step(std::int64_t unix_seconds) { return unix_seconds / kTotpStepSeconds; }

// The step within `window` steps of `now_step` (the clocks of phone and
// server drift) whose 6-digit code is `code`, if any, and only steps after
// `after_step` (a code once accepted is never accepted again).
std::optional<std::int64_t> totp_match(std::string_view secret, std::string_view code,
                                       std::int64_t now_step,
                                       std::optional<std::int64_t> after_step, int window = 1);

std::string base32_encode(std::string_view bytes);

}  // namespace kakehashi::util
