// A unit of database work as repositories see it: the SQL transaction (or,
// for reads, autocommit statements) on the caller's connection, and the
// changes it makes, which the change feed publishes once it has committed.
// Repositories take a Tx&, so a use case composes several of them in one
// transaction; nothing outside store/ sees libpqxx.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/trainee.hpp"

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace kakehashi::store {

// What a transaction changed, as ids the change feed resolves after commit.
struct Changes {
  std::vector<std::int64_t> trainees;  // seqs
  std::vector<std::int64_t> projects;  // seqs
  std::vector<std::string> api_keys;   // ids (revoked)
  bool taxonomy = false;
  bool everything = false;  // a bulk write: reload everything
  // Trainees written whole by this transaction, as a read after its commit
  // would find them (without personal data): published as they are, not read
  // back (a bulk import's rows, which the writer holds already).
  std::vector<domain::TraineeRecord> trainee_rows;
  bool empty() const {
    return trainees.empty() && projects.empty() && api_keys.empty() && !taxonomy && !everything &&
           trainee_rows.empty();
  }
};

class Tx {
 public:
  Tx(pqxx::connection_base& connection, pqxx::transaction_base& sql)
      : connection_(connection), sql_(sql) {}
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  // For repositories (store/ only).
  pqxx::transaction_base& sql() { return sql_; }
  pqxx::connection_base& connection() { return connection_; }

  void trainee_changed(std::int64_t seq) { changes_.trainees.push_back(seq); }
  void project_changed(std::int64_t seq) { changes_.projects.push_back(seq); }
  void api_key_changed(std::string id) { changes_.api_keys.push_back(std::move(id)); }
  void taxonomy_changed() { changes_.taxonomy = true; }
  void everything_changed() { changes_.everything = true; }
  void trainees_written(std::vector<domain::TraineeRecord> rows) {
    if (changes_.trainee_rows.empty()) {
      changes_.trainee_rows = std::move(rows);
    } else {
      for (auto& r : rows) changes_.trainee_rows.push_back(std::move(r));
    }
  }
  Changes& changes() { return changes_; }

 private:
  pqxx::connection_base& connection_;
  pqxx::transaction_base& sql_;
  Changes changes_;
};

}  // namespace kakehashi::store
