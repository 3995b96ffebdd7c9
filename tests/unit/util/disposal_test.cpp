#include "util/disposal.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>
#include <utility>
#include <vector>

namespace kakehashi::util {
namespace {

// Says on which thread it was destroyed; a moved-from one says nothing.
struct Probe {
  std::promise<std::thread::id>* destroyed;
  std::vector<int> payload;
  Probe(std::promise<std::thread::id>* d, std::vector<int> p)
      : destroyed(d), payload(std::move(p)) {}
  Probe(Probe&& o) noexcept
      : destroyed(std::exchange(o.destroyed, nullptr)), payload(std::move(o.payload)) {}
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;
  Probe& operator=(Probe&&) = delete;
  ~Probe() {
    if (destroyed) destroyed->set_value(std::this_thread::get_id());
  }
};

// The value is destroyed on the disposal thread, not the caller's, and the
// caller's moved-from variable holds nothing left to free.
TEST(Disposal, FreesTheValueOnAnotherThread) {
  for (int i = 0; i < 3; ++i) {
    std::promise<std::thread::id> destroyed;
    auto when = destroyed.get_future();
    Probe probe(&destroyed, std::vector<int>(100'000, i));
    dispose_later(std::move(probe));
    EXPECT_TRUE(probe.payload.empty());  // NOLINT(bugprone-use-after-move): what it left
    ASSERT_EQ(when.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_NE(when.get(), std::this_thread::get_id());
  }
}

}  // namespace
}  // namespace kakehashi::util
