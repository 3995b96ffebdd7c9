#include "app/retention.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>

#include "store/retention.hpp"
#include "util/log.hpp"

namespace kakehashi::app {

namespace net = boost::asio;

net::awaitable<RetentionRun> run_retention(store::Database& db,
                                           const store::RetentionPolicy& policy) {
  RetentionRun run;
  for (const auto& step : store::retention_steps(policy)) {
    long total = 0;
    for (;;) {
      bool locked = false;
      long n = 0;
      co_await db.transact([&](store::Tx& t) {
        locked = store::try_retention_lock(t);
        if (locked) n = step.run(t);
      });
      if (!locked) {
        util::log("info", "retention skipped: another replica holds the lock");
        co_return run;
      }
      total += n;
      if (n < store::kRetentionBatch) break;
    }
    run.handled.emplace_back(step.name, total);
  }
  run.ran = true;
  for (const auto& [name, n] : run.handled) {
    util::log("info", "retention step", {{"step", name}, {"handled", n}});
  }
  co_return run;
}

namespace {

net::awaitable<void> retention_loop(store::Database& db, store::RetentionPolicy policy,
                                    std::chrono::seconds interval) {
  net::steady_timer timer(co_await net::this_coro::executor);
  for (;;) {
    timer.expires_after(interval);
    co_await timer.async_wait(net::use_awaitable);
    try {
      co_await run_retention(db, policy);
    } catch (const std::exception& e) {
      // The database may be down; the next turn tries again.
      util::log("error", "retention run failed", {{"error", e.what()}});
    }
  }
}

}  // namespace

void start_retention(net::io_context& ioc, store::Database& db, store::RetentionPolicy policy,
                     std::chrono::seconds interval) {
  net::co_spawn(ioc, retention_loop(db, policy, interval), net::detached);
}

}  // namespace kakehashi::app
