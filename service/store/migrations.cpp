#include "store/migrations.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <pqxx/pqxx>

#include "util/crypto.hpp"

namespace kakehashi::store {
namespace {

// Any fixed 64-bit key; "kakehash" in ASCII.
constexpr long long kMigrationLockKey = 0x6b616b6568617368LL;

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " name text PRIMARY KEY,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
constexpr const char* kSelectApplied = "SELECT name, checksum FROM schema_migrations ORDER BY name";
constexpr const char* kTableExists =
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present";
constexpr const char* kInsertApplied =
    "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)";
// One migrating process at a time; the others wait, then find nothing pending.
constexpr const char* kLock = "SELECT pg_advisory_lock($1)";
constexpr const char* kUnlock = "SELECT pg_advisory_unlock($1)";

bool valid_name(const std::string& name) {
  if (name.size() < 10 || name.substr(name.size() - 4) != ".sql" || name[4] != '_') return false;
  for (std::size_t i = 0; i < 4; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
  }
  for (std::size_t i = 5; i + 4 < name.size(); ++i) {
    const char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::map<std::string, std::string> applied_checksums(pqxx::transaction_base& tx) {
  std::map<std::string, std::string> applied;
  if (!tx.exec1(kTableExists)["present"].as<bool>()) return applied;
  for (const auto& row : tx.exec(kSelectApplied)) {
    applied.emplace(row["name"].as<std::string>(), row["checksum"].as<std::string>());
  }
  return applied;
}

std::vector<std::string> verify(const std::map<std::string, std::string>& applied,
                                const std::vector<Migration>& migrations) {
  std::vector<std::string> pending;
  std::set<std::string> known;
  for (const auto& m : migrations) {
    known.insert(m.name);
    auto it = applied.find(m.name);
    if (it == applied.end()) {
      pending.push_back(m.name);
    } else if (it->second != m.checksum) {
      throw MigrationError("migration " + m.name + " was changed after it was applied (checksum " +
                           it->second + " in the database, " + m.checksum +
                           " now); add a new migration instead of editing an applied one");
    }
  }
  for (const auto& [name, checksum] : applied) {
    if (!known.count(name)) {
      throw MigrationError("the database has migration " + name +
                           " which this build does not know; is this binary older than the "
                           "database?");
    }
  }
  return pending;
}

}  // namespace

Migration make_migration(std::string name, std::string sql) {
  if (!valid_name(name)) {
    throw MigrationError("migration file name must look like 0001_name.sql (lower case): " + name);
  }
  std::string checksum = util::sha256_hex(sql);
  return Migration{std::move(name), std::move(sql), std::move(checksum)};
}

std::vector<Migration> load_migrations(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw MigrationError("migrations directory not found: " + dir.string());
  }
  std::vector<Migration> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    out.push_back(make_migration(entry.path().filename().string(), text.str()));
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].name.substr(0, 4) == out[i - 1].name.substr(0, 4)) {
      throw MigrationError("two migrations share the number " + out[i].name.substr(0, 4));
    }
  }
  return out;
}

MigrationReport migrate(pqxx::connection_base& conn, const std::vector<Migration>& migrations) {
  {
    pqxx::nontransaction tx(conn);
    tx.exec_params(kLock, kMigrationLockKey);
  }
  MigrationReport report;
  try {
    { pqxx::nontransaction(conn).exec(kCreateTable); }
    const auto applied = [&] {
      pqxx::nontransaction tx(conn);
      return applied_checksums(tx);
    }();
    const auto pending = verify(applied, migrations);
    report.already_applied = migrations.size() - pending.size();
    for (const auto& m : migrations) {
      if (std::find(pending.begin(), pending.end(), m.name) == pending.end()) continue;
      try {
        pqxx::work tx(conn, "migrate");
        tx.exec(m.sql);
        tx.exec_params(kInsertApplied, m.name, m.checksum);
        tx.commit();
      } catch (const pqxx::broken_connection&) {
        throw;
      } catch (const std::exception& e) {
        throw MigrationError("migration " + m.name + " failed: " + e.what());
      }
      report.applied.push_back(m.name);
    }
  } catch (...) {
    try {
      pqxx::nontransaction tx(conn);
      tx.exec_params(kUnlock, kMigrationLockKey);
    } catch (...) {
      // The lock dies with the session anyway.
    }
    throw;
  }
  pqxx::nontransaction tx(conn);
  tx.exec_params(kUnlock, kMigrationLockKey);
  return report;
}

std::vector<std::string> pending_migrations(pqxx::connection_base& conn,
                                            const std::vector<Migration>& migrations) {
  pqxx::nontransaction tx(conn);
  return verify(applied_checksums(tx), migrations);
}

std::vector<std::string> pending_migrations(Tx& t, const std::vector<Migration>& migrations) {
  return verify(applied_checksums(t.sql()), migrations);
}

}  // namespace kakehashi::store
