#include "store/retention.hpp"

#include <pqxx/pqxx>

#include "store/accounts.hpp"
#include "store/idempotency.hpp"
#include "store/matches.hpp"
#include "store/sql_util.hpp"
#include "store/trainees.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kTryLock = "SELECT pg_try_advisory_xact_lock($1) AS locked";

// Placed trainees are never due: their placement is current. Rows are locked
// so that a concurrent write (a new match, a PATCH) waits or is skipped.
constexpr const char* kDueTrainees =
    "SELECT t.id, t.status FROM trainees t "
    "WHERE t.status IN ('active', 'withdrawn') "
    " AND t.updated_at < now() - make_interval(months => $1) "
    " AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.trainee_id = t.id "
    "   AND m.updated_at >= now() - make_interval(months => $1)) "
    "ORDER BY t.seq LIMIT $2 FOR UPDATE OF t SKIP LOCKED";

constexpr const char* kSystemRole = "retention";

// A disabled endpoint's deliveries of old events are given up: enabled again
// a year later, it would otherwise receive a year of stale events.
constexpr const char* kGiveUpStale =
    "UPDATE webhook_deliveries SET status = 'failed' WHERE id IN ("
    " SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id"
    " JOIN org_events e ON e.seq = d.event_seq"
    " WHERE d.status = 'pending' AND NOT w.enabled"
    "  AND e.occurred_at < now() - make_interval(days => $1)"
    " ORDER BY d.id LIMIT $2)";
constexpr const char* kOldDeliveries =
    "DELETE FROM webhook_deliveries WHERE id IN ("
    " SELECT d.id FROM webhook_deliveries d JOIN org_events e ON e.seq = d.event_seq"
    " WHERE d.status <> 'pending' AND e.occurred_at < now() - make_interval(days => $1)"
    " ORDER BY d.id LIMIT $2)";
constexpr const char* kOldEvents =
    "DELETE FROM org_events WHERE seq IN ("
    " SELECT e.seq FROM org_events e"
    " WHERE e.occurred_at < now() - make_interval(days => $1)"
    "  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_seq = e.seq)"
    " ORDER BY e.seq LIMIT $2)";

}  // namespace

bool try_retention_lock(Tx& t) {
  return exec_params1(t.sql(), kTryLock, kRetentionLockKey)["locked"].as<bool>();
}

long erase_inactive_trainees(Tx& t, int months) {
  long erased = 0;
  const Actor system{"", "", kSystemRole};
  for (const auto& r : exec_params(t.sql(), kDueTrainees, months, kRetentionBatch)) {
    const auto id = r["id"].as<std::string>();
    if (!erase_trainee(t, id, std::nullopt)) continue;
    withdraw_open_matches(t, id, system, "the trainee's personal data was erased (retention)");
    EventRow e = event_by(system, "erasure");
    e.trainee_id = id;
    e.reason = "inactive for " + std::to_string(months) + " months";
    // The status is a closed set (a CHECK): no escaping needed.
    e.details = "{\"retention_months\": " + std::to_string(months) + ", \"previous_status\": \"" +
                r["status"].as<std::string>() + "\"}";
    record_event(t, e);
    ++erased;
  }
  return erased;
}

long purge_old_events(Tx& t, int days) {
  auto& tx = t.sql();
  const auto given_up = exec_params(tx, kGiveUpStale, days, kRetentionBatch).affected_rows();
  const auto deliveries = exec_params(tx, kOldDeliveries, days, kRetentionBatch).affected_rows();
  const auto events = exec_params(tx, kOldEvents, days, kRetentionBatch).affected_rows();
  // Rows of both: at least a full batch asks for another turn (at worst one
  // turn more than needed).
  return static_cast<long>(given_up + deliveries + events);
}

std::vector<PurgeStep> retention_steps(const RetentionPolicy& policy) {
  std::vector<PurgeStep> steps;
  if (const int months = policy.trainee_months; months > 0) {
    steps.push_back(
        {"inactive_trainees", [months](Tx& t) { return erase_inactive_trainees(t, months); }});
  }
  steps.push_back({"idempotency_keys", [](Tx& t) { return purge_idempotency_keys(t); }});
  if (const int days = policy.event_days; days > 0) {
    steps.push_back({"old_events", [days](Tx& t) { return purge_old_events(t, days); }});
  }
  steps.push_back({"sessions_and_invitations", [](Tx& t) {
                     const auto purged = purge_expired_sessions_and_invitations(t);
                     return static_cast<long>(purged.sessions + purged.invitations +
                                              purged.sign_in_failures + purged.devices);
                   }});
  return steps;
}

}  // namespace kakehashi::store
