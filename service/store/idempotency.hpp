// Idempotency keys: which request a key was first used with and which resource
// it created. Never a response body: bodies can hold secrets (a new API key)
// and personal data that erasure must be able to remove, so a replay renders
// the resource as it is now.
#pragma once

#include <optional>
#include <string>

#include "store/transaction.hpp"

namespace kakehashi::store {

// How long a key is remembered; a reservation whose request never finished
// (the process died) is given up after kAbandonedAfterMinutes.
inline constexpr int kIdempotencyTtlHours = 24;
inline constexpr int kAbandonedAfterMinutes = 10;

struct IdempotencyRecord {
  std::string request_hash;
  std::optional<int> status;               // nullopt: the first request is still running
  std::optional<std::string> resource_id;  // what it created
};

// Reserves (api_key_id, key) for a request with `request_hash`. Returns nullopt
// when this call reserved it (the caller now runs the request), otherwise the
// record already there. Expired and abandoned records are removed first.
std::optional<IdempotencyRecord> reserve_idempotency_key(Tx& t, const std::string& api_key_id,
                                                         const std::string& key,
                                                         const std::string& method,
                                                         const std::string& path,
                                                         const std::string& request_hash);

// Records the outcome of the reserved request.
void complete_idempotency_key(Tx& t, const std::string& api_key_id, const std::string& key,
                              int status, const std::string& resource_id);

// Gives the key back after a request that created nothing, so a retry runs.
void release_idempotency_key(Tx& t, const std::string& api_key_id, const std::string& key);

// Removes every expired record; returns how many.
long purge_idempotency_keys(Tx& t);

}  // namespace kakehashi::store
