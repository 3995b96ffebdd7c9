// The HTTP/1.1 server: a listener and one coroutine per connection, with the
// limits, timeouts and graceful drain that keep it standing under bad input.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace boost::asio {
class io_context;
}

namespace kakehashi::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  // A started request must arrive whole within this time.
  std::chrono::milliseconds read_timeout{30'000};
  // An idle keep-alive connection is closed after this time.
  std::chrono::milliseconds idle_timeout{60'000};
  std::size_t max_connections = 10'000;
  bool access_log = true;
};

// How many connections `limit` file descriptors carry beside `reserve` others
// (the database pool, the log, the refusals' short-lived sockets): `wanted`,
// or fewer, at least 1.
std::size_t connections_within(std::size_t wanted, std::uint64_t limit, std::size_t reserve);
// Raises this process's soft limit on descriptors toward its hard limit, as
// far as `wanted` connections and `reserve` others need, and returns what
// connections_within allows under the limit then. Past the limit, accept()
// fails and new clients wait unanswered; within it they get the 503.
std::size_t fit_connections_to_descriptors(std::size_t wanted, std::size_t reserve);

// The most a connection's read buffer holds: the header (header_limit), a
// chunk's size line with its extensions, the trailer. Below 64 KiB, since
// Beast throws (out of run(), ending the process) for a header or trailer
// field of 65,534 bytes or more.
inline constexpr std::size_t kMaxBuffered = 60 * 1024;

// Beast reads a body max(512, capacity - size) bytes at a time, and after a
// header the buffer is the header's size. Makes room in `buffer` for a body of
// `content_length` bytes (unknown: chunked) to be read 64 KiB a system call,
// when it is larger than that; returns whether it did (the room is then given
// back once the body is read: an idle keep-alive connection holds little).
bool make_room_for_body(boost::beast::flat_buffer& buffer,
                        std::optional<std::uint64_t> content_length);

// Turns an exception escaping a handler into a problem (for example a lost
// database into 503); nullopt means "unexpected", answered 500.
using ExceptionMapper = std::function<std::optional<Problem>(std::exception_ptr)>;

// Runs once a request's header has arrived and its route is known, before the
// body is read: authentication, role guard and query checks. A response
// refuses the request (an unread body is then discarded and the connection
// closed); nullopt admits it, with whatever it stored in ctx.principal.
using Admission = std::function<boost::asio::awaitable<std::optional<Response>>(
    RequestContext& ctx, const Route& route)>;

class Server {
 public:
  Server(boost::asio::io_context& ioc, ServerOptions options, const Router& router,
         Metrics& metrics, ExceptionMapper mapper = {}, Admission admission = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; returns the bound port (useful with port 0).
  // Throws std::system_error when the address cannot be bound.
  std::uint16_t listen();

  // Stops accepting, closes idle connections, and lets requests in flight
  // finish; their connections close after the response.
  void shutdown();

  std::size_t open_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace kakehashi::http
