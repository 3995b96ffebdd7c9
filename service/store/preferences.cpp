#include "store/preferences.hpp"

#include <map>

#include <pqxx/pqxx>

#include "store/conflict.hpp"
#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kSelectPreferences =
    "SELECT trainee_id, project_id, coalesce(role, '') AS role, kind FROM trainee_preferences "
    "WHERE trainee_id = $1 ORDER BY kind DESC, rank, project_id, role";
constexpr const char* kSelectOpenPreferences =
    "SELECT x.trainee_id, x.project_id, coalesce(x.role, '') AS role, x.kind "
    "FROM trainee_preferences x JOIN projects p ON p.id = x.project_id "
    "WHERE p.status = 'open' ORDER BY x.trainee_id, x.kind DESC, x.rank";
constexpr const char* kDeletePreferences = "DELETE FROM trainee_preferences WHERE trainee_id = $1";
constexpr const char* kInsertPreference =
    "INSERT INTO trainee_preferences (trainee_id, project_id, role, kind, rank) "
    "VALUES ($1, $2, nullif($3, ''), $4, $5)";

void add_row(domain::TraineePreferences& p, const pqxx::row& r) {
  domain::PreferenceTarget target{r["project_id"].as<std::string>(), r["role"].as<std::string>()};
  (r["kind"].as<std::string>() == "wanted" ? p.wanted : p.refused).push_back(std::move(target));
}

}  // namespace

domain::TraineePreferences find_preferences(Tx& t, const std::string& trainee_id) {
  domain::TraineePreferences p;
  p.trainee_id = trainee_id;
  for (const auto& r : exec_params(t.sql(), kSelectPreferences, trainee_id)) add_row(p, r);
  return p;
}

void replace_preferences(Tx& t, const domain::TraineePreferences& p) {
  auto& tx = t.sql();
  exec_params(tx, kDeletePreferences, p.trainee_id);
  try {
    int rank = 1;
    for (const auto& w : p.wanted) {
      exec_params(tx, kInsertPreference, p.trainee_id, w.project_id, w.role, "wanted", rank++);
    }
    for (const auto& r : p.refused) {
      exec_params(tx, kInsertPreference, p.trainee_id, r.project_id, r.role, "refused",
                  std::optional<int>{});
    }
  } catch (const pqxx::foreign_key_violation&) {
    throw Conflict{"a project or role named here does not exist (any longer)", ""};
  } catch (const pqxx::unique_violation&) {
    throw Conflict{"a project or role is named twice", ""};
  }
}

std::vector<domain::TraineePreferences> open_project_preferences(Tx& t) {
  std::vector<domain::TraineePreferences> out;
  for (const auto& r : exec(t.sql(), kSelectOpenPreferences)) {
    const auto id = r["trainee_id"].as<std::string>();
    if (out.empty() || out.back().trainee_id != id) out.push_back({id, {}, {}});
    add_row(out.back(), r);
  }
  return out;
}

}  // namespace kakehashi::store
