// Operational endpoints: /healthz (process up), /readyz (database reachable and
// schema current), /metrics (Prometheus).
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "http/metrics.hpp"
#include "http/router.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

namespace kakehashi::api {

struct OpsContext {
  store::Database& db;
  http::Metrics& metrics;
  const std::vector<store::Migration>& migrations;
  double process_start_time;          // seconds since the Unix epoch
  std::function<bool()> index_ready;  // the matcher's index has loaded
  // Set on SIGTERM: /readyz answers 503 ("draining") from then on.
  const std::atomic<bool>* draining = nullptr;
  // Extra Prometheus lines (the caches' figures), appended to /metrics.
  std::function<void(std::string&)> extra_metrics;
};

void add_ops_routes(http::Router& router, OpsContext& context);

}  // namespace kakehashi::api
