// What the review console needs beyond the resources: who the key is
// (/v1/me), the programme's figures (/v1/stats), and the console's own static
// files, compiled into the binary and served at /admin.
#include <span>

#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "store/reports.hpp"

namespace kakehashi::api {

struct WebFile {
  std::string_view path;
  std::string_view content_type;
  std::string_view body;
};
std::span<const WebFile> web_files();  // generated from service/web/

namespace {

using nlohmann::json;

awaitable<Response> me(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::optional<store::OrganizationRow> org;
  co_await api.db.read(
      [&](store::Tx& t) { org = store::find_organization(t, who.organization_id); });
  json out = {{"key_id", who.key_id.empty() ? json(nullptr) : json(who.key_id)},
              {"organization_id", who.organization_id},
              {"organization_name", org ? json(org->name) : json(nullptr)},
              {"organization_kind", org ? json(org->kind) : json(nullptr)},
              {"role", domain::role_name(who.role)},
              {"label", who.label},
              {"person", nullptr}};
  if (who.person) {
    out["person"] = {{"id", who.person->id},
                     {"name", who.person->name},
                     {"email", who.person->email},
                     {"role", domain::person_role_name(who.person->role)}};
  }
  // A cookie session's proof for writes (X-CSRF-Token) and its end.
  if (!who.csrf_token.empty()) {
    out["csrf_token"] = who.csrf_token;
    out["session_expires_at"] = who.session_expires_at;
  }
  Response r = json_response(200, out);
  r.set_header("Cache-Control", "private, no-store");
  co_return r;
}

awaitable<Response> stats(ApiContext& api, http::RequestContext& /*ctx*/) {
  store::ProgrammeStats figures;
  co_await api.db.read([&](store::Tx& t) { figures = store::programme_stats(t); });
  json out = {{"trainees_by_organization", json::array()},
              {"projects",
               {{"open", figures.open_projects},
                {"unfilled_seats", figures.unfilled_seats},
                {"total", figures.projects}}},
              {"matches_by_state", json::object()}};
  for (const auto& o : figures.trainees_by_organization) {
    out["trainees_by_organization"].push_back(
        {{"organization_id", o.id},
         {"name", o.name},
         {"by_status", o.by_status},
         {"pool", o.pool},
         {"placed", o.placed},
         {"placement_rate",
          o.pool ? static_cast<double>(o.placed) / static_cast<double>(o.pool) : 0.0}});
  }
  for (const auto& [state, n] : figures.matches_by_state) out["matches_by_state"][state] = n;
  co_return json_response(200, out);
}

Response web_file(std::string_view path) {
  for (const auto& f : web_files()) {
    if (f.path != path) continue;
    Response r = Response::text(200, std::string(f.body), std::string(f.content_type));
    r.set_header("Cache-Control", "no-cache");
    r.set_header("X-Content-Type-Options", "nosniff");
    r.set_header("Referrer-Policy", "no-referrer");
    r.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                 "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    return r;
  }
  Response r = Response::text(404, "not found\n", "text/plain; charset=utf-8");
  return r;
}

}  // namespace

void add_console_routes(http::Router& router, ApiContext& api) {
  router.add("GET", "/v1/me", handler(api, me));
  router.add("GET", "/v1/stats", handler(api, stats),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "programme figures are for administrators"});
  router.add("GET", "/admin", [](http::RequestContext&) -> awaitable<Response> {
    Response r;
    r.status = 308;
    r.set_header("Location", "/admin/");
    co_return r;
  });
  router.add("GET", "/admin/", [](http::RequestContext&) -> awaitable<Response> {
    co_return web_file("index.html");
  });
  router.add("GET", "/admin/{file}", [](http::RequestContext& ctx) -> awaitable<Response> {
    Response r = web_file(ctx.param("file"));
    // A file the console does not have is a problem like any other 404.
    if (r.status == 404) r = problem(ctx, 404, "the console has no such file");
    co_return r;
  });
}

}  // namespace kakehashi::api
