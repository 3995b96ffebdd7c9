#include "api/ops.hpp"

#include <nlohmann/json.hpp>

#include "util/log.hpp"

namespace kakehashi::api {
namespace {

using boost::asio::awaitable;
using http::Response;

awaitable<Response> readyz(OpsContext& ctx) {
  nlohmann::json checks = nlohmann::json::object();
  bool ready = true;
  try {
    std::vector<std::string> pending;
    co_await ctx.db.read(
        [&](store::Tx& t) { pending = store::pending_migrations(t, ctx.migrations); });
    checks["database"] = "ok";
    if (pending.empty()) {
      checks["migrations"] = "ok";
    } else {
      ready = false;
      checks["migrations"] = std::to_string(pending.size()) + " pending";
    }
  } catch (const store::DatabaseUnavailable& e) {
    ready = false;
    checks["database"] = "unreachable";
  } catch (const store::MigrationError& e) {
    ready = false;
    checks["database"] = "ok";
    checks["migrations"] = e.what();
  }
  if (ctx.index_ready) {
    const bool loaded = ctx.index_ready();
    checks["matching_index"] = loaded ? "ok" : "loading";
    ready = ready && loaded;
  }
  if (ctx.draining && ctx.draining->load()) {
    ready = false;
    checks["process"] = "draining";
  }
  nlohmann::json body = {{"status", ready ? "ready" : "unavailable"}, {"checks", checks}};
  Response r = Response::json(ready ? 200 : 503, body.dump());
  r.set_header("Cache-Control", "no-store");
  if (!ready) r.set_header("Retry-After", "1");
  co_return r;
}

awaitable<Response> metrics(OpsContext& ctx) {
  std::string out;
  out.reserve(8192);
  ctx.metrics.render(out);
  const auto pool = ctx.db.stats();
  out += "# HELP db_pool_connections Database pool connections by state.\n";
  out += "# TYPE db_pool_connections gauge\n";
  out += "db_pool_connections{state=\"idle\"} " + std::to_string(pool.idle) + "\n";
  out += "db_pool_connections{state=\"busy\"} " + std::to_string(pool.busy) + "\n";
  out += "db_pool_connections{state=\"disconnected\"} " + std::to_string(pool.disconnected) + "\n";
  out += "# HELP db_pool_waiting Database tasks waiting for a connection.\n";
  out += "# TYPE db_pool_waiting gauge\n";
  out += "db_pool_waiting " + std::to_string(pool.waiting) + "\n";
  out +=
      "# HELP db_pool_wait_seconds Time a database task waited for a connection and its "
      "thread.\n";
  out += "# TYPE db_pool_wait_seconds histogram\n";
  ctx.db.wait_seconds().render(out, "db_pool_wait_seconds");
  http::render_process_metrics(out);
  out += "# HELP process_start_time_seconds Start time of the process since the Unix epoch.\n";
  out += "# TYPE process_start_time_seconds gauge\n";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", ctx.process_start_time);
  out += std::string("process_start_time_seconds ") + buf + "\n";
  if (ctx.extra_metrics) ctx.extra_metrics(out);
  co_return Response::text(200, std::move(out), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

std::string_view openapi_yaml();  // generated from api-spec/openapi.yaml

void add_ops_routes(http::Router& router, OpsContext& context) {
  router.add("GET", "/openapi.yaml", [](http::RequestContext&) -> awaitable<Response> {
    co_return Response::text(200, std::string(openapi_yaml()), "application/yaml");
  });
  router.add("GET", "/healthz", [](http::RequestContext&) -> awaitable<Response> {
    co_return Response::json(200, R"({"status":"ok"})");
  });
  router.add("GET", "/readyz",
             [&context](http::RequestContext&) -> awaitable<Response> { return readyz(context); });
  router.add("GET", "/metrics",
             [&context](http::RequestContext&) -> awaitable<Response> { return metrics(context); });
}

}  // namespace kakehashi::api
