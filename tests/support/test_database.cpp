#include "support/test_database.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include <pqxx/pqxx>

namespace kakehashi::testing {

TestDatabase::TestDatabase() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  name_ = "kh_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1)) +
          "_" + std::to_string(rd() % 100000);
  pqxx::connection admin("dbname=postgres");
  pqxx::nontransaction tx(admin);
  tx.exec("CREATE DATABASE " + tx.quote_name(name_));
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection admin("dbname=postgres");
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (...) {
    // The cluster is thrown away after the run anyway.
  }
}

std::string TestDatabase::url() const { return "dbname=" + name_; }

std::map<std::string, std::string> TestDatabase::env() const {
  return {{"KAKEHASHI_DATABASE_URL", url()}, {"KAKEHASHI_THREADS", "2"}};
}

std::string TestDatabase::query_value(const std::string& sql) const {
  pqxx::connection c(url());
  pqxx::nontransaction tx(c);
  auto r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

void TestDatabase::exec(const std::string& sql) const {
  pqxx::connection c(url());
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

void control_cluster(const std::string& action, const std::string& stop_mode) {
  const char* version = std::getenv("PGVERSION");
  if (!version)
    throw std::runtime_error("PGVERSION is not set: run the tests via scripts/dev test");
  std::string cmd = std::string("pg_ctlcluster ") + version + " regress " + action;
  if (action == "stop") cmd += " -m " + stop_mode;
  if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) {
    throw std::runtime_error("pg_ctlcluster " + action + " failed");
  }
}

}  // namespace kakehashi::testing
