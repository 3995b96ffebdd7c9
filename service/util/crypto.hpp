// Small cryptographic helpers shared by the store (migration checksums, API key
// hashes) and the HTTP layer (request ids). Backed by OpenSSL.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kakehashi::util {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// `bytes` bytes from the operating system's CSPRNG, hex encoded (2 * bytes chars).
std::string random_hex(std::size_t bytes);

// `count` such texts of `bytes` bytes each, drawn at once: one call to the
// generator for a bulk import's ids, not one per row (OpenSSL's per-call
// overhead was most of drawing 100k of them).
std::vector<std::string> random_hex(std::size_t count, std::size_t bytes);

// A random (version 4) UUID in canonical text form.
std::string random_uuid();
// `count` of them, drawn at once.
std::vector<std::string> random_uuids(std::size_t count);

}  // namespace kakehashi::util
