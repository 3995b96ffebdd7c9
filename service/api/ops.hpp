// Operational endpoints: /healthz (process up), /readyz (database reachable and
// schema current), /metrics (Prometheus).
#pragma once

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
  double process_start_time;  // seconds since the Unix epoch
};

void add_ops_routes(http::Router& router, OpsContext& context);

}  // namespace kakehashi::api
