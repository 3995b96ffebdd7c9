#include "store/project_access.hpp"

#include <pqxx/pqxx>

#include "store/sql_text.hpp"
#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kProjectHasMatchOf =
    "SELECT EXISTS (SELECT 1 FROM matches WHERE project_id = $1 AND training_org_id = $2) AS yes";
constexpr const char* kOrganizationsById =
    "SELECT id, name, kind, country, version, to_json(created_at)#>>'{}' AS created_at "
    "FROM organizations WHERE id = ANY($1::uuid[])";

}  // namespace

bool project_has_match_of(Tx& t, const std::string& project_id,
                          const std::string& training_org_id) {
  if (!is_uuid(project_id) || !is_uuid(training_org_id)) return false;
  return exec_params1(t.sql(), kProjectHasMatchOf, project_id, training_org_id)["yes"].as<bool>();
}

std::unordered_map<std::string, OrganizationRow> organizations_by_id(
    Tx& t, const std::vector<std::string>& ids) {
  std::vector<std::string> valid;
  for (const auto& id : ids) {
    if (is_uuid(id)) valid.push_back(id);
  }
  std::unordered_map<std::string, OrganizationRow> out;
  if (valid.empty()) return out;
  for (const auto& r : exec_params(t.sql(), kOrganizationsById, pg_text_array(valid))) {
    OrganizationRow o;
    o.id = r["id"].as<std::string>();
    o.name = r["name"].as<std::string>();
    o.kind = r["kind"].as<std::string>();
    o.country = r["country"].as<std::string>();
    o.version = r["version"].as<std::int64_t>();
    o.created_at = r["created_at"].as<std::string>();
    out.emplace(o.id, std::move(o));
  }
  return out;
}

}  // namespace kakehashi::store
