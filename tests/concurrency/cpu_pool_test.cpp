// util::CpuPool from several I/O threads: work runs on the pool, the caller
// resumes on its own strand (so strand-confined state needs no lock), an
// exception reaches the caller, and the queue gauge returns to zero.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "util/cpu_pool.hpp"

namespace kakehashi::util {
namespace {

namespace net = boost::asio;

TEST(CpuPoolConcurrency, CallersResumeOnTheirStrandAndSeeTheWorkDone) {
  CpuPool cpu(3);
  net::io_context ioc;
  constexpr int kStrands = 4;
  constexpr int kPerStrand = 60;
  // Each strand's counter is touched only from coroutines on that strand,
  // before and after they await the pool: no lock, and no race unless a
  // coroutine resumed somewhere else.
  std::vector<int> per_strand(kStrands, 0);
  std::atomic<int> finished{0};
  std::atomic<bool> done{false};
  for (int s = 0; s < kStrands; ++s) {
    auto strand = net::make_strand(ioc);
    for (int i = 0; i < kPerStrand; ++i) {
      net::co_spawn(
          strand,
          [&, s, i]() -> net::awaitable<void> {
            ++per_strand[s];
            int result = 0;  // written on a pool thread, read after resuming
            co_await cpu.run([&] { result = i * 2; });
            EXPECT_EQ(result, i * 2);
            ++per_strand[s];
            bool thrown = false;
            try {
              co_await cpu.run([] { throw std::runtime_error("work failed"); });
            } catch (const std::runtime_error&) {
              thrown = true;
            }
            EXPECT_TRUE(thrown);
            ++per_strand[s];
            ++finished;
          },
          net::detached);
    }
  }
  std::thread gauge([&] {
    while (!done) EXPECT_LE(cpu.queued(), static_cast<std::size_t>(2 * kStrands * kPerStrand));
  });
  std::vector<std::thread> io;
  for (int t = 0; t < 3; ++t) io.emplace_back([&] { ioc.run(); });
  for (auto& t : io) t.join();
  done = true;
  gauge.join();
  EXPECT_EQ(finished.load(), kStrands * kPerStrand);
  for (int s = 0; s < kStrands; ++s) EXPECT_EQ(per_strand[s], 3 * kPerStrand);
  EXPECT_EQ(cpu.queued(), 0U);
}

}  // namespace
}  // namespace kakehashi::util
