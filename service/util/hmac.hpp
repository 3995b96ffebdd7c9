// HMAC-SHA256, for signing webhook deliveries. Backed by OpenSSL, like
// crypto.hpp; kept apart so each file stays one idea.
#pragma once

#include <string>
#include <string_view>

namespace kakehashi::util {

// Lower-case hex HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

}  // namespace kakehashi::util
