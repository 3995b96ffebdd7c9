#include "store/organizations.hpp"

#include <pqxx/pqxx>

#include "store/sql_text.hpp"
#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kInsertOrganization =
    "INSERT INTO organizations (name, kind, country) VALUES ($1, $2, $3) "
    "RETURNING id, name, kind, country, version, to_json(created_at)#>>'{}' AS created_at";
constexpr const char* kSelectOrganization =
    "SELECT id, name, kind, country, version, to_json(created_at)#>>'{}' AS created_at "
    "FROM organizations WHERE id = $1";
constexpr const char* kSelectOrganizationByName =
    "SELECT id, name, kind, country, version, to_json(created_at)#>>'{}' AS created_at "
    "FROM organizations WHERE lower(name) = lower($1)";
constexpr const char* kListOrganizations =
    "SELECT id, name, kind, country, version, to_json(created_at)#>>'{}' AS created_at "
    "FROM organizations WHERE $1::uuid IS NULL OR (created_at, id) > "
    "  (SELECT created_at, id FROM organizations WHERE id = $1::uuid) "
    "ORDER BY created_at, id LIMIT $2";
constexpr const char* kSelectProgrammeOffice =
    "SELECT id, name, kind, country, version, to_json(created_at)#>>'{}' AS created_at "
    "FROM organizations WHERE kind = 'programme_office' ORDER BY created_at LIMIT 1";

constexpr const char* kInsertKey =
    "INSERT INTO api_keys (organization_id, role, label, prefix, secret_sha256) "
    "VALUES ($1, $2, $3, $4, $5) "
    "RETURNING id, organization_id, role, label, prefix, "
    " to_json(created_at)#>>'{}' AS created_at, to_json(revoked_at)#>>'{}' AS revoked_at";
constexpr const char* kListKeys =
    "SELECT id, organization_id, role, label, prefix, to_json(created_at)#>>'{}' AS created_at, "
    " to_json(revoked_at)#>>'{}' AS revoked_at "
    "FROM api_keys WHERE organization_id = $1 ORDER BY created_at, id";
constexpr const char* kSelectKey =
    "SELECT id, organization_id, role, label, prefix, to_json(created_at)#>>'{}' AS created_at, "
    " to_json(revoked_at)#>>'{}' AS revoked_at "
    "FROM api_keys WHERE id = $1";
constexpr const char* kRevokeKey =
    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1";
constexpr const char* kKeyByPrefix =
    "SELECT id, organization_id, role, secret_sha256, revoked_at IS NOT NULL AS revoked, label "
    "FROM api_keys WHERE prefix = $1";

// Names of the prepared statements (organization_statements()).
constexpr const char* kFindOrganization = "find_organization";
constexpr const char* kFindKeyByPrefix = "find_key_by_prefix";

OrganizationRow organization_from(const pqxx::row& r) {
  OrganizationRow o;
  o.id = r["id"].as<std::string>();
  o.name = r["name"].as<std::string>();
  o.kind = r["kind"].as<std::string>();
  o.country = r["country"].as<std::string>();
  o.version = r["version"].as<std::int64_t>();
  o.created_at = r["created_at"].as<std::string>();
  return o;
}

ApiKeyRow key_from(const pqxx::row& r) {
  ApiKeyRow k;
  k.id = r["id"].as<std::string>();
  k.organization_id = r["organization_id"].as<std::string>();
  k.role = r["role"].as<std::string>();
  k.label = r["label"].as<std::string>();
  k.prefix = r["prefix"].as<std::string>();
  k.created_at = r["created_at"].as<std::string>();
  k.revoked_at = opt<std::string>(r["revoked_at"]);
  return k;
}

}  // namespace

OrganizationRow insert_organization(Tx& t, const std::string& name, const std::string& kind,
                                    const std::string& country) {
  try {
    auto row = organization_from(exec_params1(t.sql(), kInsertOrganization, name, kind, country));
    // Its currency and cost model (migration 0020) join the index's pricing.
    t.taxonomy_changed();
    return row;
  } catch (const pqxx::unique_violation&) {
    throw Conflict{"an organization with this name exists", "/name"};
  }
}

std::optional<OrganizationRow> find_organization(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  const auto r = exec_prepared(t.sql(), kFindOrganization, id);
  if (r.empty()) return std::nullopt;
  return organization_from(r[0]);
}

std::optional<OrganizationRow> find_organization_by_name(Tx& t, const std::string& name) {
  const auto r = exec_params(t.sql(), kSelectOrganizationByName, name);
  if (r.empty()) return std::nullopt;
  return organization_from(r[0]);
}

std::vector<OrganizationRow> list_organizations(Tx& t, const std::optional<std::string>& after_id,
                                                int limit) {
  std::vector<OrganizationRow> out;
  for (const auto& r : exec_params(t.sql(), kListOrganizations, after_id, limit)) {
    out.push_back(organization_from(r));
  }
  return out;
}

OrganizationRow programme_office(Tx& t) {
  const auto r = exec(t.sql(), kSelectProgrammeOffice);
  if (!r.empty()) return organization_from(r[0]);
  return insert_organization(t, "Programme Office", "programme_office", "JP");
}

ApiKeyRow insert_api_key(Tx& t, const std::string& organization_id, const std::string& role,
                         const std::string& label, const std::string& prefix,
                         const std::string& secret_sha256) {
  return key_from(
      exec_params1(t.sql(), kInsertKey, organization_id, role, label, prefix, secret_sha256));
}

std::vector<ApiKeyRow> list_api_keys(Tx& t, const std::string& organization_id) {
  std::vector<ApiKeyRow> out;
  for (const auto& r : exec_params(t.sql(), kListKeys, organization_id)) out.push_back(key_from(r));
  return out;
}

std::optional<ApiKeyRow> find_api_key(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  const auto r = exec_params(t.sql(), kSelectKey, id);
  if (r.empty()) return std::nullopt;
  return key_from(r[0]);
}

bool revoke_api_key(Tx& t, const std::string& id) {
  const auto r = exec_params(t.sql(), kRevokeKey, id);
  if (r.affected_rows() == 0) return false;
  t.api_key_changed(id);
  return true;
}

std::optional<KeyLookup> find_key_by_prefix(Tx& t, const std::string& prefix) {
  const auto r = exec_prepared(t.sql(), kFindKeyByPrefix, prefix);
  if (r.empty()) return std::nullopt;
  const auto& row = r[0];
  return KeyLookup{row["id"].as<std::string>(),   row["organization_id"].as<std::string>(),
                   row["role"].as<std::string>(), row["secret_sha256"].as<std::string>(),
                   row["revoked"].as<bool>(),     row["label"].as<std::string>()};
}

std::vector<PreparedStatement> organization_statements() {
  return {{kFindOrganization, kSelectOrganization}, {kFindKeyByPrefix, kKeyByPrefix}};
}

}  // namespace kakehashi::store
