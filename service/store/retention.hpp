// Retention (issue 17): what the scheduled job erases and purges, as a list
// of steps. Each step runs in its own transaction under an advisory lock, so
// with several replicas one runs it at a time; a step returns how many rows it
// handled and is repeated while it returns a full batch.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "store/transaction.hpp"

namespace kakehashi::store {

// The advisory lock's key (pg_try_advisory_xact_lock): "kakeRETN".
inline constexpr long long kRetentionLockKey = 0x6b616b6552455443LL;

// Rows a step handles in one transaction at most.
inline constexpr int kRetentionBatch = 500;

struct PurgeStep {
  std::string name;  // in logs and metrics
  std::function<long(Tx&)> run;
};

// How long things are kept; 0 keeps them.
// (The defaults are the configuration's: app/config.)
struct RetentionPolicy {
  int trainee_months;  // inactive trainees' personal data
  int event_days;      // organizations' events (inbox, webhooks) and finished deliveries
};

// The steps in order. Another store's purge is one more line here.
std::vector<PurgeStep> retention_steps(const RetentionPolicy& policy);

// True when this transaction took the retention lock (held to its end);
// false when another session holds it.
bool try_retention_lock(Tx& t);

// Erases, through the same store functions as DELETE /v1/trainees/{id}
// (erase_trainee, withdraw_open_matches), up to kRetentionBatch trainees that
// are withdrawn or active and neither they nor any of their matches changed
// for `months`; each erasure is an `erasure` audit event. Returns how many.
long erase_inactive_trainees(Tx& t, int months);

// Gives up (failed) up to kRetentionBatch pending deliveries of disabled
// endpoints for events older than `days`; deletes up to kRetentionBatch
// finished (delivered or failed) deliveries of such events, with their
// attempts; then up to kRetentionBatch such events that no delivery still
// waits for, with their read marks. A pending delivery of an enabled endpoint
// (being retried) keeps its event. Returns how many rows of all three.
long purge_old_events(Tx& t, int days);

}  // namespace kakehashi::store
