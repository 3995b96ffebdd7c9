// The database pool against a real PostgreSQL (skipped without one): the
// caller's request goes with its work to a pool thread, names the session
// (application_name) and comes back where the caller resumes, also when
// many requests share the I/O threads and the pool.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "store/database.hpp"
#include "util/log.hpp"

namespace kakehashi::store {
namespace {

namespace net = boost::asio;

class DatabaseNaming : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("PGHOST") && !std::getenv("PGPORT")) {
      GTEST_SKIP() << "needs PostgreSQL: run under pg_virtualenv (scripts/dev test)";
    }
  }
};

std::string application_name(Tx& t) {
  return t.sql()
      .exec1("SELECT current_setting('application_name') AS name")["name"]
      .as<std::string>();
}

TEST_F(DatabaseNaming, ManyRequestsEachSeeTheirOwnNameAndGetTheirContextBack) {
  Database db(DatabaseOptions{.pool_size = 3});
  net::io_context ioc;
  constexpr int kRequests = 60;
  std::atomic<int> wrong{0};
  std::atomic<int> done{0};
  for (int i = 0; i < kRequests; ++i) {
    net::co_spawn(
        ioc,
        [&, i]() -> net::awaitable<void> {
          const std::string id = "req-" + std::to_string(i);
          util::set_log_context(id, "trace-" + std::to_string(i));
          std::string in_transaction;
          std::string in_read;
          std::string on_pool_thread;
          co_await db.transact([&](Tx& t) {
            in_transaction = application_name(t);
            on_pool_thread = util::log_context().request_id;
          });
          if (util::log_context().request_id != id) ++wrong;
          co_await db.read([&](Tx& t) { in_read = application_name(t); });
          if (util::log_context().request_id != id ||
              util::log_context().trace_id != "trace-" + std::to_string(i)) {
            ++wrong;
          }
          if (in_transaction != "kakehashi/" + id || in_read != "kakehashi/" + id ||
              on_pool_thread != id) {
            ADD_FAILURE() << id << ": transaction " << in_transaction << ", read " << in_read
                          << ", pool thread " << on_pool_thread;
          }
          util::clear_log_context();
          ++done;
        },
        net::detached);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) threads.emplace_back([&] { ioc.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), kRequests);
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(DatabaseNaming, ATransactionsNameEndsWithIt) {
  Database db(DatabaseOptions{.pool_size = 1});
  util::set_log_context("req-tx", "");
  std::string during;
  db.transact_sync([&](Tx& t) { during = application_name(t); });
  util::clear_log_context();
  std::string after;
  db.transact_sync([&](Tx& t) { after = application_name(t); });
  EXPECT_EQ(during, "kakehashi/req-tx");
  EXPECT_EQ(after, "kakehashi");  // SET LOCAL: reverted at COMMIT
}

// Work for no request, on a session an earlier read named, shows the process's
// name, not that earlier request's.
TEST_F(DatabaseNaming, WorkForNoRequestNeverShowsAnEarlierRequestsName) {
  Database db(DatabaseOptions{.pool_size = 1});
  util::set_log_context("req-earlier", "");
  std::string named;
  db.read_sync([&](Tx& t) { named = application_name(t); });
  util::clear_log_context();
  std::string transaction;
  std::string read;
  db.transact_sync([&](Tx& t) { transaction = application_name(t); });
  db.read_sync([&](Tx& t) { read = application_name(t); });
  EXPECT_EQ(named, "kakehashi/req-earlier");
  EXPECT_EQ(transaction, "kakehashi");
  EXPECT_EQ(read, "kakehashi");
}

TEST_F(DatabaseNaming, ReadsCanLeaveTheSessionUnnamed) {
  Database db(DatabaseOptions{.pool_size = 1, .name_reads = false});
  util::set_log_context("req-read", "");
  std::string read;
  std::string transaction;
  db.read_sync([&](Tx& t) { read = application_name(t); });
  db.transact_sync([&](Tx& t) { transaction = application_name(t); });
  util::clear_log_context();
  EXPECT_EQ(read, "kakehashi");
  EXPECT_EQ(transaction, "kakehashi/req-read");
}

TEST_F(DatabaseNaming, ALongRequestIdIsCutToPostgresLimit) {
  EXPECT_EQ(application_name_for(std::string(128, 'a')).size(), 63U);
  EXPECT_EQ(application_name_for("abc"), "kakehashi/abc");
}

}  // namespace
}  // namespace kakehashi::store
