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

namespace kakehashi::util {

class CpuPool {
 public:
  explicit CpuPool(std::size_t threads) : pool_(threads) {}
  ~CpuPool() { pool_.join(); }
  CpuPool(const CpuPool&) = delete;
  CpuPool& operator=(const CpuPool&) = delete;

  // Runs `work` on a pool thread and resumes the caller on its own executor;
  // an exception from `work` propagates to the caller.
  boost::asio::awaitable<void> run(std::function<void()> work) {
    queued_.fetch_add(1, std::memory_order_relaxed);
    co_await boost::asio::co_spawn(
        pool_.get_executor(),
        [this, &work]() -> boost::asio::awaitable<void> {
          queued_.fetch_sub(1, std::memory_order_relaxed);
          work();
          co_return;
        },
        boost::asio::use_awaitable);
  }

  // Tasks waiting for a thread.
  std::size_t queued() const { return queued_.load(std::memory_order_relaxed); }

 private:
  boost::asio::thread_pool pool_;
  std::atomic<std::size_t> queued_{0};
};

}  // namespace kakehashi::util
