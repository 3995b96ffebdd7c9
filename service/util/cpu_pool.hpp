// The CPU executor: threads for work that needs no database and would block
// an I/O thread (ranking a candidates page, parsing and validating an import,
// computing a round). A database slot is never held for it, so CPU work goes
// on during a database outage and database work is not starved by it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cstddef>
#include <functional>

#include "util/log.hpp"

namespace kakehashi::util {

class CpuPool {
 public:
  explicit CpuPool(std::size_t threads) : pool_(threads) {}
  ~CpuPool() { pool_.join(); }
  CpuPool(const CpuPool&) = delete;
  CpuPool& operator=(const CpuPool&) = delete;

  // Runs `work` on a pool thread and resumes the caller on its own executor;
  // an exception from `work` propagates to the caller. The caller's log
  // context (its request) goes with the work and is set again on resuming.
  boost::asio::awaitable<void> run(std::function<void()> work) {
    const ReinstateLogContext reinstate(log_context());
    // A copy, as clearing empties what log_context() refers to:
    // NOLINTNEXTLINE(performance-unnecessary-copy-initialization)
    const LogContext context = log_context();
    clear_log_context();  // the I/O thread runs other requests meanwhile
    queued_.fetch_add(1, std::memory_order_relaxed);
    co_await boost::asio::co_spawn(
        pool_.get_executor(),
        [this, &work, &context]() -> boost::asio::awaitable<void> {
          queued_.fetch_sub(1, std::memory_order_relaxed);
          running_.fetch_add(1, std::memory_order_relaxed);
          struct Done {
            std::atomic<std::size_t>& running;
            ~Done() { running.fetch_sub(1, std::memory_order_relaxed); }
          } done{running_};
          const ScopedLogContext scoped(context);
          work();
          co_return;
        },
        boost::asio::use_awaitable);
  }

  // Tasks waiting for a thread.
  std::size_t queued() const { return queued_.load(std::memory_order_relaxed); }
  // Tasks running now.
  std::size_t running() const { return running_.load(std::memory_order_relaxed); }

 private:
  boost::asio::thread_pool pool_;
  std::atomic<std::size_t> queued_{0};
  std::atomic<std::size_t> running_{0};
};

}  // namespace kakehashi::util
