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
    EventRow e;
    e.kind = "erasure";
    e.actor_role = kSystemRole;
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

std::vector<PurgeStep> retention_steps(int months) {
  std::vector<PurgeStep> steps;
  if (months > 0) {
    steps.push_back(
        {"inactive_trainees", [months](Tx& t) { return erase_inactive_trainees(t, months); }});
  }
  steps.push_back({"idempotency_keys", [](Tx& t) { return purge_idempotency_keys(t); }});
  steps.push_back({"sessions_and_invitations", [](Tx& t) {
                     const auto purged = purge_expired_sessions_and_invitations(t);
                     return static_cast<long>(purged.sessions + purged.invitations +
                                              purged.sign_in_failures);
                   }});
  return steps;
}

}  // namespace kakehashi::store
