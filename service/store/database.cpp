#include "store/database.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>

#include <pqxx/pqxx>

#include "store/sql_util.hpp"
#include "util/log.hpp"

namespace kakehashi::store {
namespace net = boost::asio;

namespace {

// The process's own name on its sessions; a request's is this plus "/<id>".
constexpr const char* kApplicationName = "kakehashi";

struct Slot {
  std::unique_ptr<pqxx::connection> conn;
  bool busy = false;
  // The session's application_name as this process last set it; empty: the
  // connection string's "kakehashi". Touched only by the thread holding it.
  std::string session_name;
};

// The slot the current pool thread holds, for the autocommit path's
// session-level application_name.
thread_local Slot* t_slot = nullptr;

using Clock = std::chrono::steady_clock;

}  // namespace

struct Database::Impl {
  Impl(const DatabaseOptions& options, std::vector<PreparedStatement> statements)
      : threads(options.pool_size),
        slots(options.pool_size),
        conninfo(connection_string(options)),
        prepared(std::move(statements)) {}

  net::thread_pool threads;
  mutable std::mutex mutex;
  std::vector<Slot> slots;
  std::string conninfo;
  std::vector<PreparedStatement> prepared;
  CommitHook hook;
  util::Histogram wait;
  std::atomic<std::size_t> waiting{0};

  // Picks a slot, preferring an open connection. There are as many slots as
  // threads and each running task holds one, so a free slot always exists for
  // pool work; run_sync callers may wait.
  std::size_t acquire();
  void release(std::size_t index, bool broken);
  void execute(const Work& work, Clock::time_point submitted);
  // A new connection with this process's prepared statements registered.
  std::unique_ptr<pqxx::connection> connect() const;
  std::condition_variable freed;
};

std::unique_ptr<pqxx::connection> Database::Impl::connect() const {
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo);
    for (const auto& s : prepared) conn->prepare(s.name, s.sql);
    return conn;
  } catch (const pqxx::broken_connection& e) {
    throw DatabaseUnavailable(std::string("cannot connect to the database: ") + e.what());
  }
}

std::string application_name_for(std::string_view request_id) {
  std::string name = std::string(kApplicationName) + "/";
  name += request_id;
  // Longer names are cut by PostgreSQL (NAMEDATALEN - 1), with a notice.
  if (name.size() > 63) name.resize(63);
  return name;
}

std::string connection_string(const DatabaseOptions& options) {
  std::string conninfo = options.url;
  const bool is_url =
      conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
  const std::string timeout = std::to_string(options.connect_timeout.count());
  std::string statement =
      "-c statement_timeout=" + std::to_string(options.statement_timeout.count());
  if (!options.origin.empty()) statement += " -c kakehashi.origin=" + options.origin;
  if (!options.contact_key.empty()) statement += " -c kakehashi.contact_key=" + options.contact_key;
  if (is_url) {
    std::string encoded;
    for (char c : statement) {
      if (c == ' ') {
        encoded += "%20";
      } else if (c == '=') {
        encoded += "%3D";
      } else {
        encoded.push_back(c);
      }
    }
    conninfo += (conninfo.find('?') == std::string::npos ? "?" : "&");
    conninfo += "connect_timeout=" + timeout + "&options=" + encoded +
                "&application_name=" + kApplicationName;
  } else {
    conninfo += " connect_timeout=" + timeout + " options='" + statement +
                "' application_name=" + kApplicationName;
  }
  return conninfo;
}

Database::Database(DatabaseOptions options, std::vector<PreparedStatement> statements)
    : impl_(std::make_unique<Impl>(options, std::move(statements))), options_(std::move(options)) {
  set_slow_statement_threshold(options_.slow_statement);
}

Database::~Database() { close(); }

std::size_t Database::Impl::acquire() {
  std::unique_lock lock(mutex);
  while (true) {
    std::optional<std::size_t> empty;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (slots[i].busy) continue;
      if (slots[i].conn) {
        slots[i].busy = true;
        return i;
      }
      if (!empty) empty = i;
    }
    if (empty) {
      slots[*empty].busy = true;
      return *empty;
    }
    freed.wait(lock);
  }
}

void Database::Impl::release(std::size_t index, bool broken) {
  {
    std::lock_guard lock(mutex);
    if (broken) slots[index].conn.reset();
    slots[index].busy = false;
  }
  freed.notify_one();
}

void Database::Impl::execute(const Work& work, Clock::time_point submitted) {
  const std::size_t index = acquire();
  waiting.fetch_sub(1, std::memory_order_relaxed);
  wait.observe(std::chrono::duration<double>(Clock::now() - submitted).count());
  Slot& slot = slots[index];
  t_slot = &slot;
  struct ClearSlot {
    ~ClearSlot() { t_slot = nullptr; }
  } clear_slot;
  bool broken = false;
  try {
    if (!slot.conn) {
      slot.conn = connect();
      slot.session_name.clear();
    }
    try {
      work(*slot.conn);
    } catch (...) {
      // A lost connection is the database being unavailable, and the slot
      // reconnects next time (unavailable_if_broken: the one translation).
      const auto thrown = std::current_exception();
      const auto error = unavailable_if_broken(thrown);
      broken = error != thrown;
      std::rethrow_exception(error);
    }
    if (!slot.conn->is_open()) broken = true;
  } catch (...) {
    release(index, broken || !slot.conn);
    throw;
  }
  release(index, broken);
}

namespace {

// pqxx::work with a BEGIN that also names the request: "BEGIN; SET LOCAL
// application_name = ..." is one simple-protocol query, so naming costs no
// round trip, and the name reverts at COMMIT or ROLLBACK. (libpqxx 6.4 sends
// BEGIN as soon as a transaction is constructed, before any statement the
// work could carry the name on.)
// It derives from libpqxx's internal transaction base, which is not a stable
// interface: check it again when libpqxx changes major version.
static_assert(PQXX_VERSION_MAJOR == 6, "NamedWork uses libpqxx 6's internal basic_transaction");
class NamedWork final : public pqxx::internal::basic_transaction {
 public:
  NamedWork(pqxx::connection_base& c, std::string begin)
      : pqxx::internal::namedclass{"transaction<READ COMMITTED>", ""},
        pqxx::internal::basic_transaction(c, "READ COMMITTED", pqxx::read_write),
        begin_(std::move(begin)) {
    Begin();
  }
  ~NamedWork() noexcept override { End(); }
  NamedWork(const NamedWork&) = delete;
  NamedWork& operator=(const NamedWork&) = delete;

 private:
  // As dbtransaction::do_begin, which may reconnect a connection that broke
  // while idle (up to two retries) before anything ran on it.
  void do_begin() override { direct_exec(begin_.c_str(), 2); }

  std::string begin_;
};

// The BEGIN of a transaction for the current request, if any.
std::string begin_command(pqxx::connection_base& c) {
  const auto& request_id = util::log_context().request_id;
  if (request_id.empty()) {
    // Work for no request (the change feed's, start-up's) on a session that an
    // earlier read named: shown as the process, not as that earlier request.
    if (t_slot == nullptr || t_slot->session_name.empty()) return "BEGIN";
    return "BEGIN; SET LOCAL application_name = " + c.quote(kApplicationName);
  }
  return "BEGIN; SET LOCAL application_name = " + c.quote(application_name_for(request_id));
}

// Two writers that lock the same rows in another order (an erasure and an
// approval) can deadlock; PostgreSQL aborts one, which runs again, and the
// log says so: a deadlock is a lock order to fix, not to hide.
constexpr int kAttempts = 3;

void in_transaction(pqxx::connection_base& c, const Database::TxWork& work,
                    const CommitHook& hook) {
  Changes changes;
  for (int attempt = 1;; ++attempt) {
    try {
      NamedWork sql(c, begin_command(c));
      Tx tx(c, sql);
      work(tx);
      sql.commit();
      changes = std::move(tx.changes());
      break;
    } catch (const pqxx::deadlock_detected&) {
      if (attempt == kAttempts) throw;
      util::log("warn", "transaction retried after a deadlock", {{"attempt", attempt}});
    } catch (const pqxx::serialization_failure&) {
      if (attempt == kAttempts) throw;
      util::log("info", "transaction retried after a serialization failure",
                {{"attempt", attempt}});
    }
  }
  if (hook && !changes.empty()) hook(c, changes);
}

// Autocommit statements have no BEGIN to carry the name: it is set for the
// session, one round trip, skipped when the connection already names this
// request (its earlier reads). It stays on the idle connection until the
// next request's checkout replaces it.
void name_autocommit_session(pqxx::connection_base& c, pqxx::transaction_base& sql) {
  const auto& request_id = util::log_context().request_id;
  if (t_slot == nullptr) return;
  // Work for no request goes back to the process's own name (empty: as the
  // connection string set it), so it never shows an earlier request's.
  std::string name = request_id.empty() ? std::string() : application_name_for(request_id);
  if (name != t_slot->session_name) {
    sql.exec("SET application_name = " + c.quote(name.empty() ? kApplicationName : name));
    t_slot->session_name = std::move(name);
  }
}

void autocommit(pqxx::connection_base& c, const Database::TxWork& work, bool name_session) {
  pqxx::nontransaction sql(c);
  if (name_session) name_autocommit_session(c, sql);
  Tx tx(c, sql);
  work(tx);
}

}  // namespace

void Database::set_commit_hook(CommitHook hook) { impl_->hook = std::move(hook); }

net::awaitable<void> Database::transact(TxWork work) {
  co_await run([this, &work](pqxx::connection_base& c) { in_transaction(c, work, impl_->hook); });
}

void Database::transact_sync(const TxWork& work) {
  run_sync([this, &work](pqxx::connection_base& c) { in_transaction(c, work, impl_->hook); });
}

net::awaitable<void> Database::read(TxWork work) {
  co_await run(
      [this, &work](pqxx::connection_base& c) { autocommit(c, work, options_.name_reads); });
}

void Database::read_sync(const TxWork& work) {
  run_sync([this, &work](pqxx::connection_base& c) { autocommit(c, work, options_.name_reads); });
}

void Database::post_read(TxWork work, std::function<void(std::exception_ptr)> done) {
  const auto submitted = Clock::now();
  impl_->waiting.fetch_add(1, std::memory_order_relaxed);
  net::post(impl_->threads, [this, work = std::move(work), done = std::move(done), submitted] {
    std::exception_ptr error;
    try {
      impl_->execute([&work](pqxx::connection_base& c) { autocommit(c, work, false); }, submitted);
    } catch (...) {
      error = std::current_exception();
    }
    done(error);
  });
}

void Database::name_read(Tx& t) const {
  if (options_.name_reads) name_autocommit_session(t.connection(), t.sql());
}

std::exception_ptr unavailable_if_broken(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const pqxx::broken_connection& b) {
    return std::make_exception_ptr(
        DatabaseUnavailable(std::string("lost the database connection: ") + b.what()));
  } catch (const pqxx::in_doubt_error& d) {
    return std::make_exception_ptr(
        DatabaseUnavailable(std::string("lost the database connection mid-commit: ") + d.what()));
  } catch (...) {
    return e;
  }
}

net::awaitable<void> Database::run(Work work) {
  // The request this work is for goes with it to the pool thread (its log
  // lines, its application_name) and is set again where the caller resumes.
  const util::ReinstateLogContext reinstate(util::log_context());
  // A copy, as clearing empties what log_context() refers to:
  // NOLINTNEXTLINE(performance-unnecessary-copy-initialization)
  const util::LogContext context = util::log_context();
  util::clear_log_context();  // the I/O thread runs other requests meanwhile
  const auto submitted = Clock::now();
  impl_->waiting.fetch_add(1, std::memory_order_relaxed);
  co_await net::co_spawn(
      impl_->threads.get_executor(),
      [this, &work, &context, submitted]() -> net::awaitable<void> {
        const util::ScopedLogContext scoped(context);
        impl_->execute(work, submitted);
        co_return;
      },
      net::use_awaitable);
}

void Database::run_sync(const Work& work) {
  impl_->waiting.fetch_add(1, std::memory_order_relaxed);
  impl_->execute(work, Clock::now());
}

const util::Histogram& Database::wait_seconds() const { return impl_->wait; }

std::size_t Database::connect_all() {
  std::size_t open = 0;
  for (std::size_t i = 0; i < impl_->slots.size(); ++i) {
    Slot& slot = impl_->slots[i];
    {
      std::lock_guard lock(impl_->mutex);
      if (slot.busy) continue;
      if (slot.conn) {
        ++open;
        continue;
      }
      slot.busy = true;  // no task takes it while it connects
    }
    bool connected = false;
    try {
      slot.conn = impl_->connect();
      slot.session_name.clear();
      connected = true;
      ++open;
    } catch (const std::exception& e) {
      util::log("warn", "a database connection did not open at start; it opens on first use",
                {{"error", e.what()}});
    }
    impl_->release(i, !connected);
  }
  return open;
}

PoolStats Database::stats() const {
  PoolStats s;
  s.waiting = impl_->waiting.load(std::memory_order_relaxed);
  std::lock_guard lock(impl_->mutex);
  for (const auto& slot : impl_->slots) {
    if (slot.busy) {
      ++s.busy;
    } else if (slot.conn) {
      ++s.idle;
    } else {
      ++s.disconnected;
    }
  }
  return s;
}

void Database::close() {
  if (!impl_) return;
  impl_->threads.join();
  std::lock_guard lock(impl_->mutex);
  for (auto& slot : impl_->slots) slot.conn.reset();
}

}  // namespace kakehashi::store
