// What naming the database session with the request id costs, per operation:
// a transaction (the name rides on its BEGIN) and an autocommit read (one
// SET more per checkout by another request), each unnamed and named, on one
// connection, alternated in one run. Needs PostgreSQL (libpq's PG* variables):
//   pg_virtualenv -t -v 15 build/bench/bench/db_naming_cost [operations]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <pqxx/pqxx>

#include "store/database.hpp"
#include "util/log.hpp"

using namespace kakehashi;

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 4000;
  store::Database db(store::DatabaseOptions{.pool_size = 1});
  const auto time = [&](bool named, bool transaction) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < rounds; ++i) {
      if (named) util::set_log_context("req-" + std::to_string(i), "");
      const auto work = [](store::Tx& t) { t.sql().exec("SELECT 1"); };
      if (transaction) {
        db.transact_sync(work);
      } else {
        db.read_sync(work);
      }
      util::clear_log_context();
    }
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
               .count() /
           rounds;
  };
  for (int pass = 0; pass < 3; ++pass) {
    std::printf(
        "transaction: %.1f us unnamed, %.1f us named; autocommit read: %.1f us unnamed, "
        "%.1f us named\n",
        time(false, true), time(true, true), time(false, false), time(true, false));
  }
}
