// Repositories for organizations and their API keys. Each function runs on
// a transaction the caller holds (on the database executor); the SQL lives
// in organizations.cpp as named constants.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/conflict.hpp"
#include "store/database.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

struct OrganizationRow {
  std::string id;
  std::string name;
  std::string kind;
  std::string country;
  std::int64_t version = 0;
  std::string created_at;
};

struct ApiKeyRow {
  std::string id;
  std::string organization_id;
  std::string role;
  std::string label;
  std::string prefix;
  std::string created_at;
  std::optional<std::string> revoked_at;
};

struct KeyLookup {
  std::string key_id;
  std::string organization_id;
  std::string role;
  std::string secret_sha256;
  bool revoked = false;
  std::string label;  // what the audit trail calls a machine client
};

// Throws Conflict when the name is taken (ignoring case).
OrganizationRow insert_organization(Tx& t, const std::string& name, const std::string& kind,
                                    const std::string& country);
std::optional<OrganizationRow> find_organization(Tx& t, const std::string& id);
// By name, ignoring case (names are unique that way).
std::optional<OrganizationRow> find_organization_by_name(Tx& t, const std::string& name);
// Keyset pagination over (created_at, id).
std::vector<OrganizationRow> list_organizations(Tx& t, const std::optional<std::string>& after_id,
                                                int limit);
// The programme office, created on first use.
OrganizationRow programme_office(Tx& t);

ApiKeyRow insert_api_key(Tx& t, const std::string& organization_id, const std::string& role,
                         const std::string& label, const std::string& prefix,
                         const std::string& secret_sha256);
std::vector<ApiKeyRow> list_api_keys(Tx& t, const std::string& organization_id);
std::optional<ApiKeyRow> find_api_key(Tx& t, const std::string& id);
bool revoke_api_key(Tx& t, const std::string& id);
std::optional<KeyLookup> find_key_by_prefix(Tx& t, const std::string& prefix);

// The statements above that every connection prepares (part of
// registry_statements()).
std::vector<PreparedStatement> organization_statements();

}  // namespace kakehashi::store
