#include "store/idempotency.hpp"

#include <pqxx/pqxx>

#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kDeleteStaleKey =
    "DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND "
    "(created_at < now() - make_interval(hours => $3) OR "
    " (status IS NULL AND created_at < now() - make_interval(mins => $4)))";
constexpr const char* kReserveKey =
    "INSERT INTO idempotency_keys (api_key_id, key, method, path, request_hash) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1 AS reserved";
constexpr const char* kSelectKey =
    "SELECT request_hash, status, resource_id FROM idempotency_keys "
    "WHERE api_key_id = $1 AND key = $2";
constexpr const char* kCompleteKey =
    "UPDATE idempotency_keys SET status = $3, resource_id = $4 "
    "WHERE api_key_id = $1 AND key = $2";
constexpr const char* kReleaseKey =
    "DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND status IS NULL";
constexpr const char* kPurgeKeys =
    "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)";

}  // namespace

std::optional<IdempotencyRecord> reserve_idempotency_key(Tx& t, const std::string& api_key_id,
                                                         const std::string& key,
                                                         const std::string& method,
                                                         const std::string& path,
                                                         const std::string& request_hash) {
  // Each statement commits on its own: a twin request must see the
  // reservation at once, not when this request's work commits.
  auto& tx = t.sql();
  exec_params(tx, kDeleteStaleKey, api_key_id, key, kIdempotencyTtlHours, kAbandonedAfterMinutes);
  if (!exec_params(tx, kReserveKey, api_key_id, key, method, path, request_hash).empty()) {
    return std::nullopt;
  }
  const auto r = exec_params(tx, kSelectKey, api_key_id, key);
  if (r.empty()) {
    // Released between our insert and select: report it as running, the
    // caller answers "retry".
    return IdempotencyRecord{request_hash, std::nullopt, std::nullopt};
  }
  IdempotencyRecord out;
  out.request_hash = r[0]["request_hash"].as<std::string>();
  if (!r[0]["status"].is_null()) out.status = r[0]["status"].as<int>();
  if (!r[0]["resource_id"].is_null()) out.resource_id = r[0]["resource_id"].as<std::string>();
  return out;
}

void complete_idempotency_key(Tx& t, const std::string& api_key_id, const std::string& key,
                              int status, const std::string& resource_id) {
  auto& tx = t.sql();
  exec_params(tx, kCompleteKey, api_key_id, key, status, resource_id);
}

void release_idempotency_key(Tx& t, const std::string& api_key_id, const std::string& key) {
  auto& tx = t.sql();
  exec_params(tx, kReleaseKey, api_key_id, key);
}

long purge_idempotency_keys(Tx& t) {
  auto& tx = t.sql();
  return static_cast<long>(exec_params(tx, kPurgeKeys, kIdempotencyTtlHours).affected_rows());
}

}  // namespace kakehashi::store
