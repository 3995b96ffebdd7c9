// Repositories for webhook endpoints (webhooks.cpp) and their outbox of
// deliveries (outbox.cpp). Deliveries are written by triggers (migration
// 0050) in the transaction of the change they report; the delivery worker
// claims due ones here, posts them outside any transaction, and records each
// attempt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/transaction.hpp"

namespace kakehashi::store {

struct WebhookRow {
  std::string id;
  std::string organization_id;
  std::string url;
  std::string description;
  std::vector<std::string> events;
  bool enabled = true;
  std::optional<std::string> disabled_reason;
  int consecutive_failures = 0;
  std::int64_t version = 0;
  std::string created_at;
  std::string updated_at;
};

struct NewWebhook {
  std::string organization_id;
  std::string url;
  std::string description;
  std::vector<std::string> events;
  std::string secret;
};

// The most endpoints an organization may have (the database holds the rule).
inline constexpr int kMaxWebhooksPerOrganization = 10;
// nullopt when the organization has kMaxWebhooksPerOrganization already.
std::optional<WebhookRow> insert_webhook(Tx& t, const NewWebhook& w);
// The organization's endpoint by id; nullopt for another organization's.
std::optional<WebhookRow> find_webhook(Tx& t, const std::string& organization_id,
                                       const std::string& id);
std::vector<WebhookRow> list_webhooks(Tx& t, const std::string& organization_id);

struct WebhookChange {
  std::optional<std::string> url;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> events;
  std::optional<bool> enabled;  // true also forgets the failures counted so far
};
// Applies `change` if the row is still at `expected_version` (when given);
// nullopt when it is not (or is gone).
std::optional<WebhookRow> update_webhook(Tx& t, const std::string& organization_id,
                                         const std::string& id, const WebhookChange& change,
                                         std::optional<std::int64_t> expected_version);
// Deletes the endpoint and its deliveries; false if there was none.
bool delete_webhook(Tx& t, const std::string& organization_id, const std::string& id);

struct AttemptRow {
  int attempt = 0;
  std::string at;
  int duration_ms = 0;
  std::optional<int> status_code;
  std::optional<std::string> error;
};

struct DeliveryRow {
  std::int64_t id = 0;
  std::string event_id;
  std::string event_type;
  std::string status;
  int attempts = 0;
  std::string next_attempt_at;
  std::string created_at;
  std::optional<std::string> delivered_at;
  std::vector<AttemptRow> attempt_log;
};
// Newest first, below `before_id` (0: from the newest).
std::vector<DeliveryRow> list_deliveries(Tx& t, const std::string& webhook_id,
                                         std::int64_t before_id, int limit);

// --- The delivery worker's side (outbox.cpp) ---

struct ClaimedDelivery {
  std::int64_t id = 0;
  int attempt = 0;  // this attempt's number, from 1
  std::string webhook_id;
  std::string url;
  std::string secret;
  std::string event_id;
  std::string event_type;
  std::string body;  // the JSON document every attempt sends, byte for byte
};

// Claims up to `limit` due deliveries of enabled endpoints, skipping rows
// another worker holds (FOR UPDATE SKIP LOCKED), and leases each for
// `lease_seconds`: a worker that dies mid-attempt leaves its delivery due
// again once the lease runs out.
std::vector<ClaimedDelivery> claim_deliveries(Tx& t, int limit, int lease_seconds);

struct AttemptOutcome {
  bool delivered = false;  // a 2xx answer
  int duration_ms = 0;
  std::optional<int> status_code;
  std::optional<std::string> error;  // short, never a secret or a body
};

struct RetryPolicy {
  int max_attempts = 15;       // then the delivery is `failed`
  double backoff_seconds = 5;  // before the second attempt; doubled after each
  double max_backoff_seconds = 3600;
  int disable_after = 50;  // consecutive failed attempts disable the endpoint
};

// Records one attempt; on success the delivery is `delivered` and the
// endpoint's failure count resets; otherwise the delivery is due again after
// the backoff (or `failed` after max_attempts), and the endpoint is disabled
// after disable_after consecutive failures. `jitter` in [0, 1) spreads retries.
// False, recording nothing, when the endpoint was removed meanwhile (its
// deliveries went with it).
bool record_attempt(Tx& t, const ClaimedDelivery& d, const AttemptOutcome& outcome,
                    const RetryPolicy& policy, double jitter);

// The backoff before attempt `attempt + 1`, in seconds (pure; jitter adds up to 10%).
double backoff_seconds(int attempt, const RetryPolicy& policy, double jitter);

struct OutboxStats {
  std::int64_t pending = 0;
  std::int64_t failed = 0;
};
OutboxStats outbox_stats(Tx& t);

}  // namespace kakehashi::store
