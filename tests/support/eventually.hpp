// Waiting for something to happen, in tests: poll a condition up to a
// generous deadline instead of sleeping for a guessed time.
#pragma once

#include <chrono>
#include <thread>

namespace kakehashi::testing {

// True as soon as `done()` is; false if `limit` passes first.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = std::chrono::seconds(15),
                std::chrono::milliseconds poll = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll);
  }
  return true;
}

}  // namespace kakehashi::testing
