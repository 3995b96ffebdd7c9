// What the review console needs beyond the resources: who the key is
// (/v1/me), the programme's figures (/v1/stats), and the console's own static
// files, compiled into the binary and served at /admin.
#include <span>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "api/common.hpp"
#include "api/routes.hpp"

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
  co_await api.db.run(
      [&](pqxx::connection_base& c) { org = store::find_organization(c, who.organization_id); });
  json out = {{"key_id", who.key_id},
              {"organization_id", who.organization_id},
              {"organization_name", org ? json(org->name) : json(nullptr)},
              {"role", domain::role_name(who.role)}};
  Response r = json_response(200, out);
  r.set_header("Cache-Control", "private, no-store");
  co_return r;
}

awaitable<Response> stats(ApiContext& api, http::RequestContext& /*ctx*/) {
  json out = {{"trainees_by_organization", json::array()},
              {"projects", json::object()},
              {"matches_by_state", json::object()}};
  co_await api.db.run([&](pqxx::connection_base& c) {
    pqxx::nontransaction tx(c);
    for (const auto& r : tx.exec("SELECT o.id, o.name, t.status, count(*) FROM trainees t "
                                 "JOIN organizations o ON o.id = t.organization_id "
                                 "GROUP BY o.id, o.name, t.status ORDER BY o.name, t.status")) {
      auto& list = out["trainees_by_organization"];
      const auto id = r[0].as<std::string>();
      if (list.empty() || list.back()["organization_id"] != id) {
        list.push_back({{"organization_id", id},
                        {"name", r[1].as<std::string>()},
                        {"by_status", json::object()}});
      }
      list.back()["by_status"][r[2].as<std::string>()] = r[3].as<long>();
    }
    auto p = tx.exec1(
        "SELECT count(*) FILTER (WHERE status = 'open'), "
        " coalesce(sum(headcount - (SELECT count(*) FROM matches m WHERE m.project_id = p.id "
        "   AND m.state = 'approved')) FILTER (WHERE status = 'open'), 0), count(*) "
        "FROM projects p");
    out["projects"] = {
        {"open", p[0].as<long>()}, {"unfilled_seats", p[1].as<long>()}, {"total", p[2].as<long>()}};
    for (const auto& r : tx.exec("SELECT state, count(*) FROM matches GROUP BY state"))
      out["matches_by_state"][r[0].as<std::string>()] = r[1].as<long>();
  });
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
    co_return web_file(ctx.param("file"));
  });
}

}  // namespace kakehashi::api
