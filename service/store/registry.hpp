// Repositories for the registry: organizations, API keys, the skill taxonomy
// and trainees. Each function runs on a connection the caller holds (on the
// database executor); SQL lives in registry.cpp as named constants.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "store/transaction.hpp"

#include "domain/project.hpp"
#include "domain/skill.hpp"
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

using SkillRow = domain::Skill;

// Thrown for an expected conflict (duplicate name, duplicate email).
struct Conflict {
  std::string detail;
  std::string pointer;
};

// --- organizations and keys ---
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

// --- skills ---
std::vector<SkillRow> load_skills(Tx& t);
// Inserts or (with `id`) replaces a skill with its aliases and relations, if
// its version is still `expected_version`. Returns the id, or nullopt on a
// stale version. Throws Conflict when a name or alias is taken.
std::optional<int> save_skill(Tx& t, std::optional<int> id,
                              std::optional<std::int64_t> expected_version, const SkillRow& skill);
std::vector<std::string> load_timezones(Tx& t);

// --- trainees ---
// Inserts a trainee with a fresh alias; returns its id. Throws Conflict on a
// duplicate email within the organization.
std::string insert_trainee(Tx& t, const std::string& organization_id,
                           const domain::PersonalData& personal,
                           const domain::TraineeProfile& profile);
std::optional<domain::TraineeRecord> find_trainee(Tx& t, const std::string& id);
// Replaces a trainee's data if its version is still `expected_version`
// (nullopt: any). Returns false when the version moved on. The writer is
// named for the audit event the database records when consent changes.
struct Writer {
  std::string key_id;
  std::string organization_id;
  std::string role;
};
bool update_trainee(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version,
                    const std::optional<domain::PersonalData>& personal,
                    const domain::TraineeProfile& profile, const Writer& writer);
// Deletes the personal data and marks the profile erased.
bool erase_trainee(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version);
std::vector<domain::TraineeRecord> list_trainees(Tx& t, const domain::TraineeFilter& filter);

// --- bulk import ---
struct NewTrainee {
  domain::PersonalData personal;
  domain::TraineeProfile profile;
};
// lower(email) of every trainee of the organization.
std::unordered_set<std::string> organization_emails(Tx& t, const std::string& organization_id);
// Writes the rows with COPY in the caller's transaction; returns their ids.
// Throws Conflict when an email was registered meanwhile. Consent timestamps
// are the database's (migration 0006).
std::vector<std::string> copy_trainees(Tx& t, const std::string& organization_id,
                                       const std::vector<NewTrainee>& rows);
// Fresh planner statistics after a large load (autocommit).
void analyze_trainees(Tx& t);

// --- projects ---
std::string insert_project(Tx& t, const std::string& organization_id,
                           const domain::ProjectData& project);
std::optional<domain::ProjectRecord> find_project(Tx& t, const std::string& id);
bool update_project(Tx& t, const std::string& id, std::int64_t expected_version,
                    const domain::ProjectData& project);
bool delete_project(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version);
std::vector<domain::ProjectRecord> list_projects(Tx& t, const domain::ProjectFilter& filter);

// --- what the matcher's index loads ---
std::vector<domain::TraineeRecord> find_trainees_by_seq(Tx& t,
                                                        const std::vector<std::int64_t>& seqs);
// Active trainees who consent to matching, in seq order, a page at a time.
std::vector<domain::TraineeRecord> load_matchable_trainees(Tx& t, std::int64_t after_seq,
                                                           int limit);
std::vector<domain::ProjectRecord> find_projects_by_seq(Tx& t,
                                                        const std::vector<std::int64_t>& seqs);
std::vector<domain::ProjectRecord> load_open_projects(Tx& t);
// Each IANA zone's current offset from UTC, in minutes.
std::vector<std::pair<std::string, int>> load_timezone_offsets(Tx& t);

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
