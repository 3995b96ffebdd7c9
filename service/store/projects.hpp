// Repositories for projects and their skill requirements, and the loads the
// matcher's index makes. Each function runs on a transaction the caller
// holds (on the database executor); the SQL lives in projects.cpp as named
// constants.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/project.hpp"
#include "store/conflict.hpp"
#include "store/database.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

std::string insert_project(Tx& t, const std::string& organization_id,
                           const domain::ProjectData& project);
std::optional<domain::ProjectRecord> find_project(Tx& t, const std::string& id);
bool update_project(Tx& t, const std::string& id, std::int64_t expected_version,
                    const domain::ProjectData& project);
// Throws Conflict when the project has matches beyond 'proposed'.
bool delete_project(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version);
std::vector<domain::ProjectRecord> list_projects(Tx& t, const domain::ProjectFilter& filter);

// --- what the matcher's index loads ---
std::vector<domain::ProjectRecord> find_projects_by_seq(Tx& t,
                                                        const std::vector<std::int64_t>& seqs);
std::vector<domain::ProjectRecord> load_open_projects(Tx& t);

// The statements above that every connection prepares (part of
// registry_statements()).
std::vector<PreparedStatement> project_statements();

}  // namespace kakehashi::store
