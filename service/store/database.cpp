#include "store/database.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>

#include <pqxx/pqxx>

#include "util/log.hpp"

namespace kakehashi::store {
namespace net = boost::asio;

namespace {

struct Slot {
  std::unique_ptr<pqxx::connection> conn;
  bool busy = false;
};

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

  // Picks a slot, preferring an open connection. There are as many slots as
  // threads and each running task holds one, so a free slot always exists for
  // pool work; run_sync callers may wait.
  std::size_t acquire();
  void release(std::size_t index, bool broken);
  void execute(const Work& work);
  std::condition_variable freed;
};

std::string connection_string(const DatabaseOptions& options) {
  std::string conninfo = options.url;
  const bool is_url =
      conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
  const std::string timeout = std::to_string(options.connect_timeout.count());
  std::string statement =
      "-c statement_timeout=" + std::to_string(options.statement_timeout.count());
  if (!options.origin.empty()) statement += " -c kakehashi.origin=" + options.origin;
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
    conninfo +=
        "connect_timeout=" + timeout + "&options=" + encoded + "&application_name=kakehashi";
  } else {
    conninfo +=
        " connect_timeout=" + timeout + " options='" + statement + "' application_name=kakehashi";
  }
  return conninfo;
}

Database::Database(DatabaseOptions options, std::vector<PreparedStatement> statements)
    : impl_(std::make_unique<Impl>(options, std::move(statements))), options_(std::move(options)) {}

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

void Database::Impl::execute(const Work& work) {
  const std::size_t index = acquire();
  Slot& slot = slots[index];
  bool broken = false;
  try {
    if (!slot.conn) {
      try {
        auto conn = std::make_unique<pqxx::connection>(conninfo);
        for (const auto& s : prepared) conn->prepare(s.name, s.sql);
        slot.conn = std::move(conn);
      } catch (const pqxx::broken_connection& e) {
        throw DatabaseUnavailable(std::string("cannot connect to the database: ") + e.what());
      }
    }
    try {
      work(*slot.conn);
    } catch (const pqxx::broken_connection& e) {
      broken = true;
      throw DatabaseUnavailable(std::string("lost the database connection: ") + e.what());
    } catch (const pqxx::in_doubt_error& e) {
      broken = true;
      throw DatabaseUnavailable(std::string("lost the database connection mid-commit: ") +
                                e.what());
    }
    if (!slot.conn->is_open()) broken = true;
  } catch (...) {
    release(index, broken || !slot.conn);
    throw;
  }
  release(index, broken);
}

namespace {

// Two writers that lock the same rows in another order (an erasure and an
// approval) can deadlock; PostgreSQL aborts one, which runs again.
constexpr int kAttempts = 3;

void in_transaction(pqxx::connection_base& c, const Database::TxWork& work,
                    const CommitHook& hook) {
  Changes changes;
  for (int attempt = 1;; ++attempt) {
    try {
      pqxx::work sql(c);
      Tx tx(c, sql);
      work(tx);
      sql.commit();
      changes = std::move(tx.changes());
      break;
    } catch (const pqxx::deadlock_detected&) {
      if (attempt == kAttempts) throw;
    } catch (const pqxx::serialization_failure&) {
      if (attempt == kAttempts) throw;
    }
  }
  if (hook && !changes.empty()) hook(c, changes);
}

void autocommit(pqxx::connection_base& c, const Database::TxWork& work) {
  pqxx::nontransaction sql(c);
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
  co_await run([&work](pqxx::connection_base& c) { autocommit(c, work); });
}

void Database::read_sync(const TxWork& work) {
  run_sync([&work](pqxx::connection_base& c) { autocommit(c, work); });
}

net::awaitable<void> Database::run(Work work) {
  co_await net::co_spawn(
      impl_->threads.get_executor(),
      [this, &work]() -> net::awaitable<void> {
        impl_->execute(work);
        co_return;
      },
      net::use_awaitable);
}

void Database::run_sync(const Work& work) { impl_->execute(work); }

PoolStats Database::stats() const {
  PoolStats s;
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
