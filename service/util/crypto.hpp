// Small cryptographic helpers shared by the store (migration checksums, API key
// hashes) and the HTTP layer (request ids). Backed by OpenSSL.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kakehashi::util {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// `bytes` bytes from the operating system's CSPRNG, hex encoded (2 * bytes chars).
std::string random_hex(std::size_t bytes);

// A random (version 4) UUID in canonical text form.
std::string random_uuid();

}  // namespace kakehashi::util
