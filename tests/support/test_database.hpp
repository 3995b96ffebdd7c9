// A fresh PostgreSQL database per test, on the throw-away cluster that
// `scripts/dev test` starts with pg_virtualenv (reached through libpq's PG*
// environment variables). Dropped when the test ends.
#pragma once

#include <map>
#include <string>

namespace kakehashi::testing {

class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  // libpq connection string for this database.
  std::string url() const;
  // Environment for a kakehashi process using this database.
  std::map<std::string, std::string> env() const;
  // Runs SQL and returns the first column of the first row as text ("" if none).
  std::string query_value(const std::string& sql) const;
  void exec(const std::string& sql) const;

 private:
  std::string name_;
};

// Stops or starts the pg_virtualenv cluster (pg_ctlcluster $PGVERSION regress).
// A stop is "fast" (sessions are ended cleanly) or "immediate" (a crash:
// PostgreSQL recovers from its WAL at the next start).
void control_cluster(const std::string& action, const std::string& stop_mode = "fast");

}  // namespace kakehashi::testing
