#include "util/disposal.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace kakehashi::util {
namespace {

class Disposer {
 public:
  ~Disposer() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  void add(std::shared_ptr<void> value) {
    std::unique_lock lock(mutex_);
    if (!thread_.joinable() && !stopping_) {
      try {
        thread_ = std::thread([this] { run(); });
      } catch (const std::system_error&) {
        lock.unlock();
        value.reset();  // freed here
        return;
      }
    }
    if (stopping_) {
      lock.unlock();
      value.reset();
      return;
    }
    queue_.push_back(std::move(value));
    lock.unlock();
    ready_.notify_one();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      auto value = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      value.reset();
      lock.lock();
      // Once a burst of large values is freed (an import's rows, then its
      // published records) and no more came for a moment, the memory goes
      // back to the system: once a burst, as the trim walks every arena.
      if (queue_.empty() &&
          !ready_.wait_for(lock, kSettle, [&] { return stopping_ || !queue_.empty(); })) {
        lock.unlock();
        return_memory();
        lock.lock();
      }
    }
  }

  static constexpr std::chrono::milliseconds kSettle{200};

  // The allocator keeps up to 256 MiB free at a heap's top otherwise
  // (GLIBC_TUNABLES, docs/operations.md), so that a bulk write does not give
  // back and fault in the same pages as it goes. (Under ASan, whose allocator
  // is its own, there is little for it to do.)
  static void return_memory() {
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::shared_ptr<void>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

Disposer& disposer() {
  static Disposer instance;
  return instance;
}

}  // namespace

void dispose_later(std::shared_ptr<void> value) { disposer().add(std::move(value)); }

}  // namespace kakehashi::util
