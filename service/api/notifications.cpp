// /v1/notifications: the inbox of what happened to the caller's
// organization's trainees, projects and matches (org_events), with what this
// reader (api/reader.hpp) has read and the unread count.
#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/reader.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "store/notifications.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

json opt_json(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

json notification_json(const store::NotificationRow& n) {
  return {{"id", n.id},
          {"type", n.type},
          {"occurred_at", n.occurred_at},
          {"read", n.read},
          {"match_id", opt_json(n.match_id)},
          {"project_id", opt_json(n.project_id)},
          {"trainee_id", opt_json(n.trainee_id)},
          {"round_id", opt_json(n.round_id)},
          {"data", json::parse(n.data, nullptr, false)}};
}

awaitable<Response> list_notifications(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"limit", "cursor", "unread"}, errors);
  const int limit = page_limit(ctx, errors);
  const std::int64_t before = seq_cursor(ctx, 'n', errors);
  bool unread_only = false;
  if (auto unread = ctx.request.query_param("unread")) {
    if (*unread == "true") {
      unread_only = true;
    } else if (*unread != "false") {
      errors.push_back(invalid_choice("unread", "must be true or false", {"true", "false"}));
    }
  }
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  const std::string reader = reader_id(who);
  std::vector<store::NotificationRow> rows;
  std::int64_t unread = 0;
  co_await api.db.read([&](store::Tx& t) {
    rows =
        store::list_notifications(t, who.organization_id, reader, before, unread_only, limit + 1);
    unread = store::unread_notifications(t, who.organization_id, reader);
  });
  json out = {{"items", json::array()}, {"unread_count", unread}, {"next_cursor", nullptr}};
  const auto shown = std::min(rows.size(), static_cast<std::size_t>(limit));
  for (std::size_t i = 0; i < shown; ++i) out["items"].push_back(notification_json(rows[i]));
  if (rows.size() > shown) out["next_cursor"] = encode_seq_cursor('n', rows[shown - 1].seq);
  co_return json_response(200, out);
}

awaitable<Response> read_notification(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  bool found = false;
  co_await api.db.transact([&](store::Tx& t) {
    found = store::mark_notification_read(t, who.organization_id, reader_id(who), id);
  });
  if (!found) co_return problem(ctx, 404, "no such notification");
  Response r;
  r.status = 204;
  co_return r;
}

awaitable<Response> read_all_notifications(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  co_await api.db.transact([&](store::Tx& t) {
    store::mark_all_notifications_read(t, who.organization_id, reader_id(who));
  });
  Response r;
  r.status = 204;
  co_return r;
}

}  // namespace

void add_notification_routes(http::Router& router, ApiContext& api) {
  router.add("GET", "/v1/notifications", handler(api, list_notifications));
  // Read marks are the reader's own: a viewer, who changes nothing else, may set them.
  router.add("POST", "/v1/notifications/read-all", handler(api, read_all_notifications),
             {.roles = kSelfService});
  router.add("POST", "/v1/notifications/{id}/read", handler(api, read_notification),
             {.roles = kSelfService});
}

}  // namespace kakehashi::api
