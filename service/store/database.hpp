// A pool of libpqxx connections served by its own threads. libpqxx blocks, so
// database work never runs on an I/O thread: a coroutine hands a function to
// `run`, which executes it on a pool thread with a connection of its own and
// resumes the coroutine on its executor when done.
//
// Each connection tells PostgreSQL which request it works for: its
// application_name becomes "kakehashi/<request id>" (pg_stat_activity, and
// PostgreSQL's log with %a in log_line_prefix). A transaction sets it with
// SET LOCAL in the same round trip as its BEGIN; autocommit reads set it for
// the session, once per checkout for another request (unless name_reads is
// off).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "store/transaction.hpp"
#include "util/histogram.hpp"

namespace kakehashi::store {

struct DatabaseOptions {
  std::string url;
  std::size_t pool_size = 4;
  std::chrono::milliseconds statement_timeout{5'000};
  std::chrono::seconds connect_timeout{3};
  // Names this process in change notifications (the `kakehashi.origin`
  // setting of every connection); hex digits only.
  std::string origin;
  // Statements slower than this are logged, without their parameters; 0: none.
  std::chrono::milliseconds slow_statement{0};
  // Autocommit reads name the session too, at one round trip per checkout
  // for another request (transactions name theirs at no extra round trip).
  bool name_reads = true;
  // The key of contact fingerprints (the `kakehashi.contact_key` setting that
  // migration 0060's triggers read); hex digits only; empty: none.
  std::string contact_key;
};

// A statement every connection prepares when it opens.
struct PreparedStatement {
  std::string name;
  std::string sql;
};

// The database cannot be reached or the connection broke: answer 503 with
// Retry-After, never hang.
class DatabaseUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Called on the pool thread right after a transaction that changed something
// has committed, with its connection (outside any transaction): the change
// feed resolves the changes and publishes them before the writer resumes.
using CommitHook = std::function<void(pqxx::connection_base&, Changes&)>;

struct PoolStats {
  std::size_t idle = 0;
  std::size_t busy = 0;
  std::size_t disconnected = 0;
  std::size_t waiting = 0;  // tasks waiting for a connection (and its thread)
};

class Database {
 public:
  using Work = std::function<void(pqxx::connection_base&)>;
  using TxWork = std::function<void(Tx&)>;

  explicit Database(DatabaseOptions options, std::vector<PreparedStatement> statements = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `work` on a pool thread; exceptions propagate to the awaiting
  // coroutine. A lost connection surfaces as DatabaseUnavailable.
  boost::asio::awaitable<void> run(Work work);

  // The same, blocking the caller: for command-line tools, never for handlers.
  void run_sync(const Work& work);

  // Runs `work` in one transaction on a pool thread: it commits when `work`
  // returns and rolls back when it throws (the exception propagates); then the
  // commit hook publishes what it changed.
  boost::asio::awaitable<void> transact(TxWork work);
  void transact_sync(const TxWork& work);
  // Runs read-only `work` as autocommit statements (no BEGIN/COMMIT).
  boost::asio::awaitable<void> read(TxWork work);
  void read_sync(const TxWork& work);
  // Runs read-only `work` as read() does, but for no one coroutine: it is
  // queued on the pool and `done` is called on the pool thread afterwards with
  // what `work` threw (mapped as run() maps it), or null. For work that serves
  // many requests at once (the trainee reader's batches). The work names the
  // session itself (name_read) for whom it works at each step.
  void post_read(TxWork work, std::function<void(std::exception_ptr)> done);
  // Names the session of post_read's work for the request of this thread's
  // log context (none: the process), as read() does before its work.
  void name_read(Tx& t) const;

  // Set once at start-up, before any transaction.
  void set_commit_hook(CommitHook hook);

  // Opens every slot's connection now, on the calling thread (at start-up,
  // before the server is ready): otherwise each opens on first use, and the
  // first requests after a start wait for connections of their own (a third
  // of the first candidates pages' p99, issue 14). Returns how many are open;
  // a failure leaves that slot to connect on first use, as before.
  std::size_t connect_all();

  PoolStats stats() const;
  // From a task's submission to its connection: the time spent queued.
  const util::Histogram& wait_seconds() const;

  // Waits for running work, then closes every connection.
  void close();

  const DatabaseOptions& options() const { return options_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  DatabaseOptions options_;
};

// What run() makes of an exception thrown by work: a lost connection becomes
// DatabaseUnavailable, anything else stays as it is. For work that answers
// several waiters with one exception.
std::exception_ptr unavailable_if_broken(std::exception_ptr e);

// Adds connect_timeout and statement timeout to a libpq URL or key=value string.
std::string connection_string(const DatabaseOptions& options);

// The application_name a connection carries while it works for `request_id`:
// "kakehashi/<id>", cut to PostgreSQL's 63 bytes.
std::string application_name_for(std::string_view request_id);

}  // namespace kakehashi::store
