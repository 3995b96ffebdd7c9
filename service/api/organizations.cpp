// /v1/organizations and their API keys: administrators manage them; other
// roles may read only their own organization.
#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "util/crypto.hpp"

namespace kakehashi::api {
namespace {

nlohmann::json organization_json(const store::OrganizationRow& o) {
  return {{"id", o.id},           {"name", o.name},       {"kind", o.kind},
          {"country", o.country}, {"version", o.version}, {"created_at", o.created_at}};
}

nlohmann::json key_json(const store::ApiKeyRow& k) {
  nlohmann::json j = {{"id", k.id},           {"organization_id", k.organization_id},
                      {"role", k.role},       {"label", k.label},
                      {"prefix", k.prefix},   {"created_at", k.created_at},
                      {"revoked_at", nullptr}};
  if (k.revoked_at) j["revoked_at"] = *k.revoked_at;
  return j;
}

// A created (or replayed) organization, with where it lives and its version.
Response organization_response(int status, const store::OrganizationRow& row) {
  Response r = json_response(status, organization_json(row));
  r.set_header("Location", "/v1/organizations/" + row.id);
  r.set_header("ETag", etag(row.version));
  return r;
}

// A created key; its secret only when just created (it is never stored).
Response key_response(int status, const store::ApiKeyRow& row,
                      const std::optional<std::string>& secret) {
  auto j = key_json(row);
  if (secret) j["secret"] = *secret;
  Response r = json_response(status, j);
  r.set_header("Location", "/v1/api-keys/" + row.id);
  r.set_header("Cache-Control", "no-store");
  return r;
}

}  // namespace

NewKey generate_key() {
  NewKey k;
  k.secret = "kh_" + util::random_hex(24);
  k.prefix = k.secret.substr(0, 12);
  k.sha256 = util::sha256_hex(k.secret);
  return k;
}

namespace {

awaitable<Response> create_organization(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<nlohmann::json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"name", "kind", "country"});
  auto name = v.text("name", true, 200);
  auto kind = v.choice("kind", true, {"training_provider", "firm"});
  auto country = v.country("country", true);
  if (!errors.empty()) co_return problem(ctx, 422, "the organization is invalid", errors);
  co_return co_await idempotent(
      api, ctx, who,
      [&]() -> awaitable<Response> {
        std::optional<store::OrganizationRow> row;
        auto conflict = co_await transact(api, [&](store::Tx& t) {
          row = store::insert_organization(t, *name, *kind, *country);
        });
        if (conflict) co_return taken(ctx, conflict->pointer, conflict->detail);
        co_return organization_response(201, *row);
      },
      [&](const std::string& id) -> awaitable<Response> {
        std::optional<store::OrganizationRow> row;
        co_await api.db.read([&](store::Tx& t) { row = store::find_organization(t, id); });
        if (!row) co_return problem(ctx, 404, "the organization this key created no longer exists");
        co_return organization_response(200, *row);
      });
}

awaitable<Response> list_organizations(ApiContext& api, http::RequestContext& ctx) {
  std::vector<http::FieldError> errors;
  const int limit = page_limit(ctx, errors);
  std::optional<std::string> after;
  if (auto cursor = ctx.request.query_param("cursor")) {
    after = decode_cursor(*cursor);
    if (!after || !store::is_uuid(*after))
      errors.push_back(invalid_format("cursor", "is not a cursor this service issued", "cursor"));
  }
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  std::vector<store::OrganizationRow> rows;
  co_await api.db.read(
      [&](store::Tx& t) { rows = store::list_organizations(t, after, limit + 1); });
  nlohmann::json out = {{"items", nlohmann::json::array()}, {"next_cursor", nullptr}};
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i) {
    out["items"].push_back(organization_json(rows[i]));
  }
  if (rows.size() > static_cast<std::size_t>(limit)) {
    out["next_cursor"] = encode_cursor(rows[static_cast<std::size_t>(limit) - 1].id);
  }
  co_return json_response(200, out);
}

awaitable<Response> get_organization(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  std::optional<store::OrganizationRow> row;
  if (who.owns(id)) {
    co_await api.db.read([&](store::Tx& t) { row = store::find_organization(t, id); });
  }
  if (!row) co_return problem(ctx, 404, "no such organization");
  Response r = json_response(200, organization_json(*row));
  r.set_header("ETag", etag(row->version));
  co_return r;
}

awaitable<Response> create_api_key(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<nlohmann::json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"label"});
  auto label = v.text("label", true, 200);
  if (!errors.empty()) co_return problem(ctx, 422, "the API key is invalid", errors);
  const std::string org_id(ctx.param("id"));
  co_return co_await idempotent(
      api, ctx, who,
      [&]() -> awaitable<Response> {
        std::optional<store::OrganizationRow> org;
        std::optional<store::ApiKeyRow> row;
        const NewKey key = generate_key();
        co_await api.db.transact([&](store::Tx& t) {
          org = store::find_organization(t, org_id);
          if (!org) return;
          const auto role = domain::role_for_kind(org->kind);
          row = store::insert_api_key(t, org->id, std::string(domain::role_name(*role)), *label,
                                      key.prefix, key.sha256);
        });
        if (!row) co_return problem(ctx, 404, "no such organization");
        co_return key_response(201, *row, key.secret);
      },
      [&](const std::string& id) -> awaitable<Response> {
        // The secret was shown once and is not kept: a replay names
        // the key it created, without it.
        std::optional<store::ApiKeyRow> row;
        co_await api.db.read([&](store::Tx& t) { row = store::find_api_key(t, id); });
        if (!row) co_return problem(ctx, 404, "the API key this request created is gone");
        co_return key_response(200, *row, std::nullopt);
      });
}

awaitable<Response> list_api_keys(ApiContext& api, http::RequestContext& ctx) {
  const std::string org_id(ctx.param("id"));
  std::optional<store::OrganizationRow> org;
  std::vector<store::ApiKeyRow> keys;
  co_await api.db.read([&](store::Tx& t) {
    org = store::find_organization(t, org_id);
    if (org) keys = store::list_api_keys(t, org->id);
  });
  if (!org) co_return problem(ctx, 404, "no such organization");
  nlohmann::json out = {{"items", nlohmann::json::array()}, {"next_cursor", nullptr}};
  for (const auto& k : keys) out["items"].push_back(key_json(k));
  co_return json_response(200, out);
}

awaitable<Response> revoke_api_key(ApiContext& api, http::RequestContext& ctx) {
  const std::string id(ctx.param("id"));
  bool found = false;
  co_await api.db.transact([&](store::Tx& t) {
    found = store::find_api_key(t, id).has_value() && store::revoke_api_key(t, id);
  });
  if (!found) co_return problem(ctx, 404, "no such API key");
  Response r;
  r.status = 204;
  co_return r;
}

}  // namespace

void add_organization_routes(http::Router& router, ApiContext& api) {
  router.add("POST", "/v1/organizations", handler(api, create_organization),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "only administrators create organizations"});

  router.add("GET", "/v1/organizations", handler(api, list_organizations),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "only administrators list organizations"});

  router.add("GET", "/v1/organizations/{id}", handler(api, get_organization));

  router.add("POST", "/v1/organizations/{id}/api-keys", handler(api, create_api_key),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "only administrators create API keys"});

  router.add(
      "GET", "/v1/organizations/{id}/api-keys", handler(api, list_api_keys),
      {.roles = role_bit(domain::Role::kAdmin), .forbidden = "only administrators list API keys"});

  router.add("DELETE", "/v1/api-keys/{id}", handler(api, revoke_api_key),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "only administrators revoke API keys"});
}

}  // namespace kakehashi::api
