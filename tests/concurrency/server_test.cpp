// The HTTP server on several I/O threads with many clients at once, keep-alive
// and pipelined requests, handlers that hop to the CPU pool, /metrics read
// while requests are counted, and a shutdown while connections are open: the
// connection registry, the open-connection count, the metrics and the
// session state are shared across threads.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http/metrics.hpp"
#include "http/rate_limit.hpp"
#include "http/server.hpp"
#include "util/cpu_pool.hpp"
#include "util/log.hpp"

namespace kakehashi::http {
namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

TEST(ServerConcurrency, ManyClientsOnSeveralThreadsThenShutdown) {
  util::set_log_enabled(false);
  util::CpuPool cpu(2);
  RateLimiter limit(1e6, 1e6);
  std::atomic<int> handled{0};
  Router router;
  router.add("GET", "/work/{n}", [&](RequestContext& ctx) -> net::awaitable<Response> {
    const std::string n(ctx.param("n"));
    std::string body;
    co_await cpu.run([&] { body = "{\"n\":" + n + "}"; });
    EXPECT_FALSE(limit.take(n));
    ++handled;
    co_return Response::json(200, body);
  });
  router.add("POST", "/echo", [](RequestContext& ctx) -> net::awaitable<Response> {
    co_return Response::text(200, ctx.request.body, "text/plain");
  });
  Metrics metrics;
  net::io_context ioc;
  Server server(ioc, ServerOptions{.port = 0, .access_log = false}, router, metrics);
  const auto port = server.listen();
  std::vector<std::thread> io;
  for (int t = 0; t < 4; ++t) io.emplace_back([&] { ioc.run(); });

  constexpr int kClients = 6;
  constexpr int kRequests = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      net::io_context client_ioc;
      tcp::socket socket(client_ioc);
      socket.connect({net::ip::make_address("127.0.0.1"), port});
      boost::beast::flat_buffer buffer;
      for (int i = 0; i < kRequests; ++i) {
        // Every fifth exchange is two pipelined requests.
        const bool pipelined = i % 5 == 0;
        bhttp::request<bhttp::string_body> get{bhttp::verb::get,
                                               "/work/" + std::to_string(c * 1000 + i), 11};
        get.set(bhttp::field::host, "test");
        bhttp::write(socket, get);
        if (pipelined) {
          bhttp::request<bhttp::string_body> post{bhttp::verb::post, "/echo", 11};
          post.set(bhttp::field::host, "test");
          post.body() = "payload " + std::to_string(i);
          post.prepare_payload();
          bhttp::write(socket, post);
        }
        for (int k = 0; k < (pipelined ? 2 : 1); ++k) {
          bhttp::response<bhttp::string_body> res;
          bhttp::read(socket, buffer, res);
          EXPECT_EQ(res.result_int(), 200U);
          ok += res.result_int() == 200 ? 1 : 0;
        }
      }
    });
  }
  std::thread scraper([&] {
    for (int n = 0; n < 20; ++n) {
      std::string out;
      metrics.render(out);
      EXPECT_LE(server.open_connections(), static_cast<std::size_t>(kClients + 1));
      std::this_thread::sleep_for(2ms);
    }
  });
  for (auto& t : clients) t.join();
  scraper.join();
  EXPECT_EQ(handled.load(), kClients * kRequests);
  EXPECT_EQ(ok.load(), kClients * kRequests + kClients * kRequests / 5);

  // Idle keep-alive connections, then a shutdown from another thread.
  net::io_context idle_ioc;  // outlives the sockets
  std::vector<std::unique_ptr<tcp::socket>> idle;
  for (int c = 0; c < 3; ++c) {
    idle.push_back(std::make_unique<tcp::socket>(idle_ioc));
    idle.back()->connect({net::ip::make_address("127.0.0.1"), port});
  }
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (server.open_connections() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  std::thread stopper([&] { server.shutdown(); });
  stopper.join();
  while (server.open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(server.open_connections(), 0U);
  for (auto& t : io) t.join();  // nothing left to run once every session ended
  std::string out;
  metrics.render(out);
  EXPECT_NE(out.find("route=\"/work/{n}\""), std::string::npos);
}

}  // namespace
}  // namespace kakehashi::http
