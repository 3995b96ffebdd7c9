#include "store/reports.hpp"

#include <pqxx/pqxx>

#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kTraineesByOrganization =
    "SELECT o.id, o.name, t.status, count(*) AS n FROM trainees t "
    "JOIN organizations o ON o.id = t.organization_id "
    "GROUP BY o.id, o.name, t.status ORDER BY o.name, o.id, t.status";
constexpr const char* kPlacementByOrganization =
    "SELECT organization_id AS id, "
    " count(*) FILTER (WHERE consent_matching AND status <> 'erased') AS pool, "
    " count(*) FILTER (WHERE status = 'placed') AS placed "
    "FROM trainees GROUP BY organization_id";
constexpr const char* kProjectFigures =
    "SELECT count(*) FILTER (WHERE status = 'open') AS open, "
    " coalesce(sum(headcount - (SELECT count(*) FROM matches m WHERE m.project_id = p.id "
    "   AND m.state = 'approved')) FILTER (WHERE status = 'open'), 0) AS unfilled, "
    " count(*) AS total "
    "FROM projects p";
constexpr const char* kMatchesByState = "SELECT state, count(*) AS n FROM matches GROUP BY state";

}  // namespace

ProgrammeStats programme_stats(Tx& t) {
  auto& tx = t.sql();
  ProgrammeStats out;
  for (const auto& r : exec(tx, kTraineesByOrganization)) {
    const auto id = r["id"].as<std::string>();
    auto& list = out.trainees_by_organization;
    if (list.empty() || list.back().id != id) list.push_back({id, r["name"].as<std::string>(), {}});
    list.back().by_status[r["status"].as<std::string>()] = r["n"].as<long>();
  }
  for (const auto& r : exec(tx, kPlacementByOrganization)) {
    const auto id = r["id"].as<std::string>();
    for (auto& o : out.trainees_by_organization) {
      if (o.id != id) continue;
      o.pool = r["pool"].as<long>();
      o.placed = r["placed"].as<long>();
    }
  }
  const auto p = exec1(tx, kProjectFigures);
  out.open_projects = p["open"].as<long>();
  out.unfilled_seats = p["unfilled"].as<long>();
  out.projects = p["total"].as<long>();
  for (const auto& r : exec(tx, kMatchesByState)) {
    out.matches_by_state[r["state"].as<std::string>()] = r["n"].as<long>();
  }
  return out;
}

}  // namespace kakehashi::store
