#include <unordered_map>

#include <pqxx/pqxx>

#include "store/sql_text.hpp"
#include "store/sql_util.hpp"
#include "store/webhooks.hpp"

namespace kakehashi::store {
namespace {

#define KH_WEBHOOK_COLUMNS                                                                   \
  "id, organization_id, url, description, array_to_string(events, ',') AS events, enabled, " \
  "disabled_reason, consecutive_failures, version, "                                         \
  "to_json(created_at)#>>'{}' AS created_at, to_json(updated_at)#>>'{}' AS updated_at "

constexpr const char* kInsertWebhook =
    "INSERT INTO webhooks (organization_id, url, description, events, secret) "
    "VALUES ($1, $2, $3, $4::text[], $5) RETURNING " KH_WEBHOOK_COLUMNS;
constexpr const char* kSelectWebhook =
    "SELECT " KH_WEBHOOK_COLUMNS "FROM webhooks WHERE organization_id = $1 AND id = $2";
constexpr const char* kListWebhooks = "SELECT " KH_WEBHOOK_COLUMNS
                                      "FROM webhooks WHERE organization_id = $1 "
                                      "ORDER BY created_at, id LIMIT 200";
constexpr const char* kUpdateWebhook =
    "UPDATE webhooks SET url = coalesce($3, url), description = coalesce($4, description), "
    " events = coalesce($5::text[], events), "
    " enabled = coalesce($6::boolean, enabled), "
    " disabled_reason = CASE WHEN $6::boolean THEN NULL ELSE disabled_reason END, "
    " consecutive_failures = CASE WHEN $6::boolean THEN 0 ELSE consecutive_failures END, "
    " version = version + 1, updated_at = now() "
    "WHERE organization_id = $1 AND id = $2 AND ($7::bigint IS NULL OR version = $7::bigint) "
    "RETURNING " KH_WEBHOOK_COLUMNS;
constexpr const char* kDeleteWebhook =
    "DELETE FROM webhooks WHERE organization_id = $1 AND id = $2";
constexpr const char* kListDeliveries =
    "SELECT d.id, e.id AS event_id, e.type AS event_type, d.status, d.attempts, "
    " to_json(d.next_attempt_at)#>>'{}' AS next_attempt_at, "
    " to_json(d.created_at)#>>'{}' AS created_at, "
    " to_json(d.delivered_at)#>>'{}' AS delivered_at "
    "FROM webhook_deliveries d JOIN org_events e ON e.seq = d.event_seq "
    "WHERE d.webhook_id = $1 AND ($2::bigint = 0 OR d.id < $2::bigint) "
    "ORDER BY d.id DESC LIMIT $3";
constexpr const char* kListAttempts =
    "SELECT delivery_id, attempt, to_json(at)#>>'{}' AS at, duration_ms, status_code, error "
    "FROM webhook_attempts WHERE delivery_id = ANY ($1::bigint[]) ORDER BY id";

#undef KH_WEBHOOK_COLUMNS

WebhookRow webhook_from(const pqxx::row& r) {
  WebhookRow w;
  w.id = r["id"].as<std::string>();
  w.organization_id = r["organization_id"].as<std::string>();
  w.url = r["url"].as<std::string>();
  w.description = r["description"].as<std::string>();
  w.events = split(r["events"].as<std::string>(), ',');
  w.enabled = r["enabled"].as<bool>();
  w.disabled_reason = opt<std::string>(r["disabled_reason"]);
  w.consecutive_failures = r["consecutive_failures"].as<int>();
  w.version = r["version"].as<std::int64_t>();
  w.created_at = r["created_at"].as<std::string>();
  w.updated_at = r["updated_at"].as<std::string>();
  return w;
}

}  // namespace

std::optional<WebhookRow> insert_webhook(Tx& t, const NewWebhook& w) {
  try {
    pqxx::subtransaction sub(dynamic_cast<pqxx::dbtransaction&>(t.sql()), "insert_webhook");
    auto row = webhook_from(exec_params1(sub, kInsertWebhook, w.organization_id, w.url,
                                         w.description, pg_text_array(w.events), w.secret));
    sub.commit();
    return row;
  } catch (const pqxx::check_violation& e) {
    // The one check an insert by the service can fail (0105).
    if (std::string_view(e.what()).find("webhook endpoints") == std::string_view::npos) throw;
    return std::nullopt;
  }
}

std::optional<WebhookRow> find_webhook(Tx& t, const std::string& organization_id,
                                       const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  auto r = exec_params(t.sql(), kSelectWebhook, organization_id, id);
  if (r.empty()) return std::nullopt;
  return webhook_from(r[0]);
}

std::vector<WebhookRow> list_webhooks(Tx& t, const std::string& organization_id) {
  std::vector<WebhookRow> out;
  for (const auto& r : exec_params(t.sql(), kListWebhooks, organization_id)) {
    out.push_back(webhook_from(r));
  }
  return out;
}

std::optional<WebhookRow> update_webhook(Tx& t, const std::string& organization_id,
                                         const std::string& id, const WebhookChange& change,
                                         std::optional<std::int64_t> expected_version) {
  if (!is_uuid(id)) return std::nullopt;
  std::optional<std::string> events;
  if (change.events) events = pg_text_array(*change.events);
  auto r = exec_params(t.sql(), kUpdateWebhook, organization_id, id, change.url, change.description,
                       events, change.enabled, expected_version);
  if (r.empty()) return std::nullopt;
  return webhook_from(r[0]);
}

bool delete_webhook(Tx& t, const std::string& organization_id, const std::string& id) {
  if (!is_uuid(id)) return false;
  return exec_params(t.sql(), kDeleteWebhook, organization_id, id).affected_rows() > 0;
}

std::vector<DeliveryRow> list_deliveries(Tx& t, const std::string& webhook_id,
                                         std::int64_t before_id, int limit) {
  std::vector<DeliveryRow> out;
  for (const auto& r : exec_params(t.sql(), kListDeliveries, webhook_id, before_id, limit)) {
    DeliveryRow d;
    d.id = r["id"].as<std::int64_t>();
    d.event_id = r["event_id"].as<std::string>();
    d.event_type = r["event_type"].as<std::string>();
    d.status = r["status"].as<std::string>();
    d.attempts = r["attempts"].as<int>();
    d.next_attempt_at = r["next_attempt_at"].as<std::string>();
    d.created_at = r["created_at"].as<std::string>();
    d.delivered_at = opt<std::string>(r["delivered_at"]);
    out.push_back(std::move(d));
  }
  if (out.empty()) return out;
  std::vector<std::int64_t> ids;
  std::unordered_map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < out.size(); ++i) {
    ids.push_back(out[i].id);
    index.emplace(out[i].id, i);
  }
  for (const auto& r : exec_params(t.sql(), kListAttempts, pg_bigint_array(ids))) {
    AttemptRow a;
    a.attempt = r["attempt"].as<int>();
    a.at = r["at"].as<std::string>();
    a.duration_ms = r["duration_ms"].as<int>();
    a.status_code = opt<int>(r["status_code"]);
    a.error = opt<std::string>(r["error"]);
    out[index.at(r["delivery_id"].as<std::int64_t>())].attempt_log.push_back(std::move(a));
  }
  return out;
}

}  // namespace kakehashi::store
