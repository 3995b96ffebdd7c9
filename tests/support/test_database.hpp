// A fresh PostgreSQL database per test, on the throw-away cluster that
// `scripts/dev test` starts with pg_virtualenv (reached through libpq's PG*
// environment variables). Dropped when the test ends.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace kakehashi::testing {

class TestDatabase {
 public:
  enum class Schema {
    empty,     // as CREATE DATABASE makes it
    migrated,  // every migration applied and an administrator key made, copied from a
               // template that the first test of a run builds with the real binary
  };
  explicit TestDatabase(Schema schema = Schema::empty);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  // libpq connection string for this database.
  std::string url() const;
  // Environment for a kakehashi process using this database.
  std::map<std::string, std::string> env() const;
  // Runs SQL and returns the first column of the first row as text ("" if none).
  // Both run on one connection the database keeps (opened at the first call),
  // one call at a time. A transaction block the SQL left open ("BEGIN; ...")
  // or aborted is rolled back after it, as closing a connection would; other
  // session state (SET, temporary tables, session locks) would carry over to
  // the next call, and no caller makes any.
  std::string query_value(const std::string& sql) const;
  void exec(const std::string& sql) const;
  // The administrator key of a migrated database (made with `kakehashi keys create --admin`).
  const std::string& admin_key() const { return admin_key_; }

 private:
  struct Session;
  std::string name_;
  std::string admin_key_;
  std::unique_ptr<Session> session_;
};

// Stops or starts the pg_virtualenv cluster (pg_ctlcluster $PGVERSION regress).
// A stop is "fast" (sessions are ended cleanly) or "immediate" (a crash:
// PostgreSQL recovers from its WAL at the next start).
void control_cluster(const std::string& action, const std::string& stop_mode = "fast");

// Stops the cluster for the scope of a test: the cluster is started again when
// the test calls start() or, whatever happens (a failed assertion returns
// early), when the guard goes out of scope. Other tests share the cluster.
class ClusterStopped {
 public:
  explicit ClusterStopped(const std::string& stop_mode = "fast");
  ~ClusterStopped();
  ClusterStopped(const ClusterStopped&) = delete;
  ClusterStopped& operator=(const ClusterStopped&) = delete;
  void start();

 private:
  bool stopped_ = true;
};

}  // namespace kakehashi::testing
