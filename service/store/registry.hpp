// Repositories for the registry: organizations, API keys, the skill taxonomy
// and trainees. Each function runs on a connection the caller holds (on the
// database executor); SQL lives in registry.cpp as named constants.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/types.hxx>

#include "domain/project.hpp"
#include "domain/trainee.hpp"
#include "store/database.hpp"

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
};

struct SkillRow {
  int id = 0;
  std::string name;
  std::string category;
  std::vector<std::string> aliases;
  std::vector<std::pair<int, double>> related;  // (skill id, similarity)
  std::int64_t version = 0;
};

// Thrown for an expected conflict (duplicate name, duplicate email).
struct Conflict {
  std::string detail;
  std::string pointer;
};

// --- organizations and keys ---
OrganizationRow insert_organization(pqxx::connection_base& c, const std::string& name,
                                    const std::string& kind, const std::string& country);
std::optional<OrganizationRow> find_organization(pqxx::connection_base& c, const std::string& id);
// Keyset pagination over (created_at, id).
std::vector<OrganizationRow> list_organizations(pqxx::connection_base& c,
                                                const std::optional<std::string>& after_id,
                                                int limit);
// The programme office, created on first use.
OrganizationRow programme_office(pqxx::connection_base& c);

ApiKeyRow insert_api_key(pqxx::connection_base& c, const std::string& organization_id,
                         const std::string& role, const std::string& label,
                         const std::string& prefix, const std::string& secret_sha256);
std::vector<ApiKeyRow> list_api_keys(pqxx::connection_base& c, const std::string& organization_id);
std::optional<ApiKeyRow> find_api_key(pqxx::connection_base& c, const std::string& id);
bool revoke_api_key(pqxx::connection_base& c, const std::string& id);
std::optional<KeyLookup> find_key_by_prefix(pqxx::connection_base& c, const std::string& prefix);

// --- skills ---
std::vector<SkillRow> load_skills(pqxx::connection_base& c);
// Inserts or (with `id`) replaces a skill with its aliases and relations, if
// its version is still `expected_version`. Returns the id, or nullopt on a
// stale version. Throws Conflict when a name or alias is taken.
std::optional<int> save_skill(pqxx::connection_base& c, std::optional<int> id,
                              std::optional<std::int64_t> expected_version, const SkillRow& skill);
std::vector<std::string> load_timezones(pqxx::connection_base& c);

// --- trainees ---
// Inserts a trainee with a fresh alias; returns its id. Throws Conflict on a
// duplicate email within the organization.
std::string insert_trainee(pqxx::connection_base& c, const std::string& organization_id,
                           const domain::PersonalData& personal,
                           const domain::TraineeProfile& profile);
std::optional<domain::TraineeRecord> find_trainee(pqxx::connection_base& c, const std::string& id);
// Replaces a trainee's data if its version is still `expected_version`
// (nullopt: any). Returns false when the version moved on. The writer is
// named for the audit event the database records when consent changes.
struct Writer {
  std::string key_id;
  std::string organization_id;
  std::string role;
};
bool update_trainee(pqxx::connection_base& c, const std::string& id,
                    std::optional<std::int64_t> expected_version,
                    const std::optional<domain::PersonalData>& personal,
                    const domain::TraineeProfile& profile, const Writer& writer);
// Deletes the personal data and marks the profile erased.
bool erase_trainee(pqxx::connection_base& c, const std::string& id,
                   std::optional<std::int64_t> expected_version);
std::vector<domain::TraineeRecord> list_trainees(pqxx::connection_base& c,
                                                 const domain::TraineeFilter& filter);

// --- projects ---
std::string insert_project(pqxx::connection_base& c, const std::string& organization_id,
                           const domain::ProjectData& project);
std::optional<domain::ProjectRecord> find_project(pqxx::connection_base& c, const std::string& id);
bool update_project(pqxx::connection_base& c, const std::string& id, std::int64_t expected_version,
                    const domain::ProjectData& project);
bool delete_project(pqxx::connection_base& c, const std::string& id,
                    std::optional<std::int64_t> expected_version);
std::vector<domain::ProjectRecord> list_projects(pqxx::connection_base& c,
                                                 const domain::ProjectFilter& filter);

// --- what the matcher's index loads ---
std::vector<domain::TraineeRecord> find_trainees_by_seq(pqxx::connection_base& c,
                                                        const std::vector<std::int64_t>& seqs);
// Active trainees who consent to matching, in seq order, a page at a time.
std::vector<domain::TraineeRecord> load_matchable_trainees(pqxx::connection_base& c,
                                                           std::int64_t after_seq, int limit);
std::vector<domain::ProjectRecord> find_projects_by_seq(pqxx::connection_base& c,
                                                        const std::vector<std::int64_t>& seqs);
std::vector<domain::ProjectRecord> load_open_projects(pqxx::connection_base& c);
// Each IANA zone's current offset from UTC, in minutes.
std::vector<std::pair<std::string, int>> load_timezone_offsets(pqxx::connection_base& c);

// The statements the hot paths use, prepared on every connection of a pool
// that runs these repositories (pass them to Database's constructor).
std::vector<PreparedStatement> registry_statements();

// A PostgreSQL bigint[] literal.
std::string pg_bigint_array(const std::vector<std::int64_t>& values);

// A PostgreSQL text[] literal of simple items (no commas, quotes or braces).
std::string pg_text_array(const std::vector<std::string>& items);

// Ids must be canonical UUID text; anything else can never name a row.
bool is_uuid(const std::string& s);

}  // namespace kakehashi::store
