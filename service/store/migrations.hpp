// Forward-only schema migrations: `NNNN_name.sql` files applied in order, each
// in its own transaction, under an advisory lock, recorded with a checksum in
// schema_migrations. An applied file that changed is an error, never re-run.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/transaction.hpp"

namespace kakehashi::store {

struct Migration {
  std::string name;  // file name, e.g. "0001_init.sql"
  std::string sql;
  std::string checksum;  // SHA-256 of sql, hex
};

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The migrations compiled into this binary from migrations/.
const std::vector<Migration>& embedded_migrations();

// Reads every NNNN_name.sql in `dir`, sorted by name. Throws MigrationError on a
// badly named .sql file or a repeated number.
std::vector<Migration> load_migrations(const std::filesystem::path& dir);

// Builds a migration from a file's name and text; throws on a bad name.
Migration make_migration(std::string name, std::string sql);

struct MigrationReport {
  std::vector<std::string> applied;  // applied by this call, in order
  std::size_t already_applied = 0;
};

// Applies what is pending. Safe to run from several processes at once: they
// serialize on an advisory lock and each file is applied exactly once.
MigrationReport migrate(pqxx::connection_base& conn, const std::vector<Migration>& migrations);

// Names not yet applied. Throws MigrationError when an applied file's checksum
// differs or the database holds a migration this build does not know.
std::vector<std::string> pending_migrations(pqxx::connection_base& conn,
                                            const std::vector<Migration>& migrations);
std::vector<std::string> pending_migrations(Tx& t, const std::vector<Migration>& migrations);

}  // namespace kakehashi::store
