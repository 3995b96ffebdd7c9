// /v1/webhooks: an organization's endpoints for event deliveries, and the
// record of each delivery's attempts. Every role manages its own
// organization's endpoints only (an administrator's are the programme
// office's); another organization's endpoint is 404. The signing secret is
// shown once, in the answer to the create.
#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "domain/webhook.hpp"
#include "store/webhooks.hpp"
#include "util/crypto.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

json webhook_json(const store::WebhookRow& w) {
  return {{"id", w.id},
          {"organization_id", w.organization_id},
          {"url", w.url},
          {"description", w.description},
          {"events", w.events},
          {"enabled", w.enabled},
          {"disabled_reason", w.disabled_reason ? json(*w.disabled_reason) : json(nullptr)},
          {"consecutive_failures", w.consecutive_failures},
          {"version", w.version},
          {"created_at", w.created_at},
          {"updated_at", w.updated_at}};
}

Response webhook_response(int status, const store::WebhookRow& w,
                          const std::optional<std::string>& secret = std::nullopt) {
  auto j = webhook_json(w);
  if (secret) j["secret"] = *secret;
  Response r = json_response(status, j);
  r.set_header("Location", "/v1/webhooks/" + w.id);
  r.set_header("ETag", etag(w.version));
  return r;
}

// The endpoint URL: well-formed http://, and not a private or loopback
// address given literally (names are checked on every delivery, against the
// addresses they resolve to).
std::optional<std::string> webhook_url(Validator& v, const ApiContext& api, bool required) {
  auto url = v.text("url", required, 2000);
  if (!url) return std::nullopt;
  domain::WebhookUrl parsed;
  if (auto why = domain::parse_webhook_url(*url, parsed)) {
    v.fail("url", http::FieldCode::kInvalidFormat, *why, {{"format", std::string("http-url")}});
    return std::nullopt;
  }
  if (!api.webhook_allow_private && domain::is_private_literal_host(parsed.host)) {
    v.fail("url", http::FieldCode::kNotPermitted,
           "must not name a private, loopback or link-local address");
    return std::nullopt;
  }
  return url;
}

// 1 to 5 distinct event types.
std::optional<std::vector<std::string>> event_types(Validator& v,
                                                    std::vector<http::FieldError>& errors,
                                                    bool required) {
  if (!v.has("events")) {
    if (required) v.fail("events", http::FieldCode::kRequired, "is required");
    return std::nullopt;
  }
  const auto& list = v.object()["events"];
  if (!list.is_array()) {
    v.fail("events", http::FieldCode::kWrongType, "must be an array",
           {{"expected", std::string("array")}});
    return std::nullopt;
  }
  const auto names = domain::names_of<domain::EventType>();
  if (list.empty()) {
    v.fail("events", http::FieldCode::kRequired, "must name at least one event type");
    return std::nullopt;
  }
  if (list.size() > names.size()) {
    v.fail("events", http::FieldCode::kTooMany,
           "names at most " + std::to_string(names.size()) + " event types",
           {{"max_items", static_cast<long long>(names.size())}});
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string pointer = http::pointer_to(v.at("events"), std::to_string(i));
    const auto* name = list[i].get_ptr<const std::string*>();
    if (!name || !domain::parse_enum<domain::EventType>(*name)) {
      errors.push_back(invalid_choice(pointer, "must be one of the event types", names));
      ok = false;
    } else if (std::find(out.begin(), out.end(), *name) != out.end()) {
      errors.push_back({pointer, http::FieldCode::kDuplicate, "is given twice"});
      ok = false;
    } else {
      out.push_back(*name);
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

awaitable<Response> create_webhook(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"url", "events", "description"});
  auto url = webhook_url(v, api, true);
  auto events = event_types(v, errors, true);
  auto description = v.text("description", false, 200);
  if (!errors.empty()) co_return problem(ctx, 422, "the webhook is invalid", errors);
  co_return co_await idempotent(
      api, ctx, who,
      [&]() -> awaitable<Response> {
        store::NewWebhook w{who.organization_id, *url, description.value_or(""), *events,
                            "whsec_" + util::random_hex(32)};
        std::optional<store::WebhookRow> row;
        co_await api.db.transact([&](store::Tx& t) { row = store::insert_webhook(t, w); });
        if (!row) {
          co_return problem(ctx, 409,
                            "the organization has " +
                                std::to_string(store::kMaxWebhooksPerOrganization) +
                                " webhook endpoints, the most it may: delete one first");
        }
        co_return webhook_response(201, *row, w.secret);
      },
      [&](const std::string& id) -> awaitable<Response> {
        // The secret was shown once: a replay names the endpoint without it.
        std::optional<store::WebhookRow> row;
        co_await api.db.read(
            [&](store::Tx& t) { row = store::find_webhook(t, who.organization_id, id); });
        if (!row) co_return problem(ctx, 404, "the webhook this request created is gone");
        co_return webhook_response(200, *row);
      });
}

awaitable<Response> list_webhooks(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {}, errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  std::vector<store::WebhookRow> rows;
  co_await api.db.read([&](store::Tx& t) { rows = store::list_webhooks(t, who.organization_id); });
  json out = {{"items", json::array()}, {"next_cursor", nullptr}};
  for (const auto& w : rows) out["items"].push_back(webhook_json(w));
  co_return json_response(200, out);
}

awaitable<Response> get_webhook(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  std::optional<store::WebhookRow> row;
  co_await api.db.read(
      [&](store::Tx& t) { row = store::find_webhook(t, who.organization_id, id); });
  if (!row) co_return problem(ctx, 404, "no such webhook");
  co_return webhook_response(200, *row);
}

awaitable<Response> update_webhook(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  bool bad_match = false;
  const auto expected = if_match(ctx, &bad_match);
  if (bad_match) co_return bad_if_match(ctx);
  auto parsed = json_body(ctx, true);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"url", "events", "description", "enabled"});
  store::WebhookChange change;
  change.url = webhook_url(v, api, false);
  change.events = event_types(v, errors, false);
  change.description = v.text("description", false, 200);
  change.enabled = v.boolean("enabled", false);
  if (!errors.empty()) co_return problem(ctx, 422, "the change is invalid", errors);
  std::optional<store::WebhookRow> row;
  bool exists = false;
  co_await api.db.transact([&](store::Tx& t) {
    row = store::update_webhook(t, who.organization_id, id, change, expected);
    exists = row || store::find_webhook(t, who.organization_id, id).has_value();
  });
  if (!exists) co_return problem(ctx, 404, "no such webhook");
  if (!row) co_return stale_etag(ctx, "the webhook has changed since that ETag");
  co_return webhook_response(200, *row);
}

awaitable<Response> delete_webhook(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  bool found = false;
  co_await api.db.transact(
      [&](store::Tx& t) { found = store::delete_webhook(t, who.organization_id, id); });
  if (!found) co_return problem(ctx, 404, "no such webhook");
  Response r;
  r.status = 204;
  co_return r;
}

json delivery_json(const store::DeliveryRow& d) {
  json attempts = json::array();
  for (const auto& a : d.attempt_log) {
    attempts.push_back({{"attempt", a.attempt},
                        {"at", a.at},
                        {"duration_ms", a.duration_ms},
                        {"status_code", a.status_code ? json(*a.status_code) : json(nullptr)},
                        {"error", a.error ? json(*a.error) : json(nullptr)}});
  }
  return {{"id", std::to_string(d.id)},
          {"event_id", d.event_id},
          {"event_type", d.event_type},
          {"status", d.status},
          {"attempts", d.attempts},
          {"next_attempt_at", d.status == "pending" ? json(d.next_attempt_at) : json(nullptr)},
          {"created_at", d.created_at},
          {"delivered_at", d.delivered_at ? json(*d.delivered_at) : json(nullptr)},
          {"attempt_log", attempts}};
}

awaitable<Response> list_deliveries(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"limit", "cursor"}, errors);
  const int limit = page_limit(ctx, errors);
  const std::int64_t before = seq_cursor(ctx, 'd', errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  std::optional<store::WebhookRow> hook;
  std::vector<store::DeliveryRow> rows;
  co_await api.db.read([&](store::Tx& t) {
    hook = store::find_webhook(t, who.organization_id, id);
    if (hook) rows = store::list_deliveries(t, hook->id, before, limit + 1);
  });
  if (!hook) co_return problem(ctx, 404, "no such webhook");
  json out = {{"items", json::array()}, {"next_cursor", nullptr}};
  const auto shown = std::min(rows.size(), static_cast<std::size_t>(limit));
  for (std::size_t i = 0; i < shown; ++i) out["items"].push_back(delivery_json(rows[i]));
  if (rows.size() > shown) out["next_cursor"] = encode_seq_cursor('d', rows[shown - 1].id);
  co_return json_response(200, out);
}

}  // namespace

void add_webhook_routes(http::Router& router, ApiContext& api) {
  static constexpr RouteSpec kRoutes[] = {
      {"POST", "/v1/webhooks", create_webhook, ""},
      {"GET", "/v1/webhooks", list_webhooks, ""},
      {"GET", "/v1/webhooks/{id}", get_webhook, ""},
      {"PATCH", "/v1/webhooks/{id}", update_webhook, ""},
      {"DELETE", "/v1/webhooks/{id}", delete_webhook, ""},
      {"GET", "/v1/webhooks/{id}/deliveries", list_deliveries, ""},
  };
  add_routes(router, api, kRoutes, 0);
}

}  // namespace kakehashi::api
