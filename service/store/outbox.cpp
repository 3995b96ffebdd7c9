// The delivery worker's side of the webhook outbox: claim due deliveries
// with a lease (several workers and replicas never take the same row twice
// at once), then record each attempt and what follows from it.
#include <algorithm>
#include <cmath>

#include <pqxx/pqxx>

#include "store/sql_util.hpp"
#include "store/webhooks.hpp"

namespace kakehashi::store {
namespace {

// The body is built once from the event row, so every attempt sends the same
// bytes: jsonb renders its keys in one fixed order.
constexpr const char* kClaimDeliveries =
    "WITH due AS ("
    "  SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "
    "  WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND w.enabled "
    "  ORDER BY d.next_attempt_at, d.id LIMIT $1 "
    "  FOR UPDATE OF d SKIP LOCKED) "
    "UPDATE webhook_deliveries d SET attempts = d.attempts + 1, "
    "  next_attempt_at = now() + make_interval(secs => $2::double precision) "
    "FROM due, webhooks w, org_events e "
    "WHERE d.id = due.id AND w.id = d.webhook_id AND e.seq = d.event_seq "
    "RETURNING d.id, d.attempts, w.id AS webhook_id, w.url, w.secret, e.id AS event_id, "
    "  e.type AS event_type, "
    "  jsonb_build_object('id', e.id, 'type', e.type, 'occurred_at', e.occurred_at, "
    "    'organization_id', e.organization_id, 'data', e.data)::text AS body";

// The endpoint, then its delivery, held until the attempt is recorded, in
// the order a delete of the endpoint takes them (its row, then the
// deliveries' by the cascade): holding the delivery first, then updating the
// endpoint, deadlocked with such a delete (a probe). None when the endpoint
// was removed while the attempt was under way.
constexpr const char* kHoldEndpoint = "SELECT 1 FROM webhooks WHERE id = $1 FOR NO KEY UPDATE";
constexpr const char* kHoldDelivery =
    "SELECT 1 FROM webhook_deliveries WHERE id = $1 FOR KEY SHARE";
constexpr const char* kInsertAttempt =
    "INSERT INTO webhook_attempts (delivery_id, attempt, duration_ms, status_code, error) "
    "VALUES ($1, $2, $3, $4, $5)";
constexpr const char* kDelivered =
    "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now() "
    "WHERE id = $1 AND status = 'pending'";
constexpr const char* kEndpointSucceeded =
    "UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0";
// A late worker (its lease ran out and another retried) never moves a
// delivery that has since succeeded.
constexpr const char* kRetryLater =
    "UPDATE webhook_deliveries SET "
    "  status = CASE WHEN attempts >= $2::integer THEN 'failed' ELSE 'pending' END, "
    "  next_attempt_at = now() + make_interval(secs => $3::double precision) "
    "WHERE id = $1 AND status = 'pending'";
constexpr const char* kEndpointFailed =
    "UPDATE webhooks SET consecutive_failures = consecutive_failures + 1, "
    "  enabled = enabled AND consecutive_failures + 1 < $2::integer, "
    "  disabled_reason = CASE WHEN enabled AND consecutive_failures + 1 >= $2::integer "
    "    THEN 'disabled after ' || $2::integer::text || ' consecutive failed attempts' "
    "    ELSE disabled_reason END, "
    "  version = version + CASE WHEN enabled AND consecutive_failures + 1 >= $2::integer "
    "    THEN 1 ELSE 0 END, "
    "  updated_at = CASE WHEN enabled AND consecutive_failures + 1 >= $2::integer THEN now() "
    "    ELSE updated_at END "
    "WHERE id = $1";
constexpr const char* kOutboxStats =
    "SELECT count(*) FILTER (WHERE status = 'pending') AS pending, "
    "  count(*) FILTER (WHERE status = 'failed') AS failed FROM webhook_deliveries";

}  // namespace

std::vector<ClaimedDelivery> claim_deliveries(Tx& t, int limit, int lease_seconds) {
  std::vector<ClaimedDelivery> out;
  for (const auto& r : exec_params(t.sql(), kClaimDeliveries, limit, lease_seconds)) {
    ClaimedDelivery d;
    d.id = r["id"].as<std::int64_t>();
    d.attempt = r["attempts"].as<int>();
    d.webhook_id = r["webhook_id"].as<std::string>();
    d.url = r["url"].as<std::string>();
    d.secret = r["secret"].as<std::string>();
    d.event_id = r["event_id"].as<std::string>();
    d.event_type = r["event_type"].as<std::string>();
    d.body = r["body"].as<std::string>();
    out.push_back(std::move(d));
  }
  return out;
}

double backoff_seconds(int attempt, const RetryPolicy& policy, double jitter) {
  const double doubled = policy.backoff_seconds * std::pow(2.0, std::max(0, attempt - 1));
  const double capped = std::min(doubled, policy.max_backoff_seconds);
  return capped * (1.0 + 0.1 * std::clamp(jitter, 0.0, 1.0));
}

bool record_attempt(Tx& t, const ClaimedDelivery& d, const AttemptOutcome& outcome,
                    const RetryPolicy& policy, double jitter) {
  auto& tx = t.sql();
  if (exec_params(tx, kHoldEndpoint, d.webhook_id).empty() ||
      exec_params(tx, kHoldDelivery, d.id).empty()) {
    return false;
  }
  std::optional<std::string> error;
  if (outcome.error) error = outcome.error->substr(0, 300);
  exec_params(tx, kInsertAttempt, d.id, d.attempt, std::max(0, outcome.duration_ms),
              outcome.status_code, error);
  if (outcome.delivered) {
    exec_params(tx, kDelivered, d.id);
    exec_params(tx, kEndpointSucceeded, d.webhook_id);
    return true;
  }
  exec_params(tx, kRetryLater, d.id, policy.max_attempts,
              backoff_seconds(d.attempt, policy, jitter));
  exec_params(tx, kEndpointFailed, d.webhook_id, policy.disable_after);
  return true;
}

OutboxStats outbox_stats(Tx& t) {
  const auto r = exec1(t.sql(), kOutboxStats);
  return {r["pending"].as<std::int64_t>(), r["failed"].as<std::int64_t>()};
}

}  // namespace kakehashi::store
