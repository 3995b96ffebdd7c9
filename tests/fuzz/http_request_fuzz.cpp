// Fuzz target: the HTTP/1.1 request reader of the real server. The input is
// the byte stream a client sends on one connection (one request, several
// pipelined ones, or garbage); it goes through a loopback TCP connection to a
// kakehashi::http::Server in this process, with the service's admission step
// (api::admit: query checks, two Authorization headers, API keys, rate limits,
// role guard) and a few routes that echo what they were given. This drives the
// header reader and its limits, the framing checks (Transfer-Encoding,
// Content-Length, Host), chunked bodies and the per-route body limit,
// parse_target (percent-decoding of path and query), the router, the request
// id, HEAD and If-None-Match, keep-alive, the lingering close and
// api::json_body (the JSON depth guard and parser).
//
// Checked on every input, beyond the sanitizers: what the server sends back
// parses as a sequence of HTTP/1.1 responses with nothing left over, each
// with a status from 100 to 599 and, unless interim (100 Continue), a
// well-formed X-Request-Id; no 5xx other than the routes that ask for one;
// the metrics stay bounded.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "api/common.hpp"
#include "fuzz_api.hpp"
#include "fuzz_target.hpp"
#include "http/metrics.hpp"
#include "http/rate_limit.hpp"
#include "http/server.hpp"
#include "util/crypto.hpp"

namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using kakehashi::http::RequestContext;
using kakehashi::http::Response;
using kakehashi::http::RouteOptions;
namespace api = kakehashi::api;
namespace domain = kakehashi::domain;

// The API keys the key cache knows, one per role: "kh_" and 48 hex digits.
// They are in the dictionary (dict/http_request.dict), so the fuzzer gets
// past authentication to the role guard and the handlers.
constexpr std::array<std::pair<std::string_view, domain::Role>, 3> kKeys = {{
    {"kh_00000000a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", domain::Role::kAdmin},
    {"kh_00000000b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", domain::Role::kTrainingOrg},
    {"kh_00000000c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", domain::Role::kFirm},
}};

// The rate limiters' clock moves a second per input: buckets refill, but a
// burst inside one input (pipelined requests) still meets the limit.
std::chrono::steady_clock::time_point fake_now{};

net::awaitable<Response> echo(RequestContext& ctx) {
  nlohmann::json out = {{"method", ctx.request.method},
                        {"path", ctx.request.path},
                        {"route", ctx.route},
                        {"body_bytes", ctx.request.body.size()}};
  for (const auto& [name, value] : ctx.params) out["params"][name] = value;
  for (const auto& [name, value] : ctx.request.query_params()) out["query"][name] = value;
  co_return api::json_response(200, out);
}

net::awaitable<Response> echo_json(RequestContext& ctx) {
  auto parsed = api::json_body(ctx, ctx.request.method == "PATCH");
  if (auto* refused = std::get_if<Response>(&parsed)) co_return std::move(*refused);
  const auto& body = std::get<nlohmann::json>(parsed);
  nlohmann::json out = {{"id", ctx.param("id")},
                        {"role", std::string(domain::role_name(api::principal(ctx).role))},
                        {"members", body.size()}};
  co_return api::json_response(200, out);
}

net::awaitable<Response> list(RequestContext& ctx) {
  std::vector<kakehashi::http::FieldError> errors;
  api::reject_unknown_params(ctx, {"limit", "cursor", "q"}, errors);
  const int limit = api::page_limit(ctx, errors);
  const auto after = api::seq_cursor(ctx, 't', errors);
  if (!errors.empty()) co_return api::problem(ctx, 422, "invalid query parameters", errors);
  co_return api::json_response(
      200, {{"limit", limit}, {"next_cursor", api::encode_seq_cursor('t', after + limit)}});
}

net::awaitable<Response> tagged(RequestContext&) {
  Response r = Response::json(200, "{\"version\":7}");
  r.set_header("ETag", api::etag(7));
  co_return r;
}

net::awaitable<Response> boom(RequestContext&) {
  throw std::runtime_error("a handler that fails, for the exception mapper");
  co_return Response{};
}

struct Harness {
  Harness() {
    auto& f = kakehashi::fuzz::fixture();
    f.api.key_limit =
        std::make_unique<kakehashi::http::RateLimiter>(5, 10, [] { return fake_now; });
    f.api.auth_failure_limit =
        std::make_unique<kakehashi::http::RateLimiter>(1, 20, [] { return fake_now; });
    const auto roles =
        api::role_bit(domain::Role::kAdmin) | api::role_bit(domain::Role::kTrainingOrg);
    router.add("GET", "/healthz", echo);
    router.add("GET", "/items/{id}/parts/{part}", echo);
    router.add("DELETE", "/items/{id}/parts/{part}", echo);
    router.add("GET", "/etag", tagged);
    router.add("GET", "/boom", boom);
    router.add("POST", "/upload", echo, RouteOptions{.body_limit = 64});
    router.add("PUT", "/upload", echo, RouteOptions{.body_limit = 1 << 20});
    router.add("GET", "/v1/echo", list);
    router.add("POST", "/v1/echo/{id}", echo_json,
               RouteOptions{.roles = roles, .forbidden = "firms cannot echo"});
    router.add("PATCH", "/v1/echo/{id}", echo_json);
    router.add("GET", "/v1/echo/import", echo);
    server = std::make_unique<kakehashi::http::Server>(
        ioc,
        kakehashi::http::ServerOptions{.address = "127.0.0.1",
                                       .port = 0,
                                       .body_limit = 4096,
                                       // Longer than libFuzzer's -timeout: a
                                       // connection that waits for them is a hang.
                                       .read_timeout = std::chrono::seconds(30),
                                       .idle_timeout = std::chrono::seconds(30),
                                       .access_log = false},
        router, metrics,
        // As app/commands.cpp maps them: an unknown key is looked up in a
        // database that is never there (503); anything else is a 500.
        [](std::exception_ptr e) -> std::optional<kakehashi::http::Problem> {
          try {
            std::rethrow_exception(e);
          } catch (const kakehashi::store::DatabaseUnavailable&) {
            return kakehashi::http::Problem{.status = 503, .detail = "database unavailable"};
          } catch (...) {
            return std::nullopt;
          }
        },
        [&f](RequestContext& ctx, const kakehashi::http::Route& route) {
          return api::admit(f.api, ctx, route);
        });
    endpoint = tcp::endpoint(net::ip::make_address("127.0.0.1"), server->listen());
  }

  // Sends `input` on a new connection, half-closes it and returns what the
  // server sent until it closed the connection.
  std::string exchange(std::string_view input) {
    tcp::socket socket(ioc);
    // Asynchronous: libFuzzer's timer signal would interrupt a blocking connect.
    bool connected = false;
    boost::system::error_code connect_error;
    socket.async_connect(endpoint, [&](boost::system::error_code ec) {
      connect_error = ec;
      connected = true;
    });
    while (!connected) ioc.run_one();
    if (connect_error) kakehashi::fuzz::fail("cannot connect: " + connect_error.message());
    std::string received;
    std::array<char, 16 * 1024> chunk{};
    bool written = false;
    bool closed = false;
    net::async_write(socket, net::buffer(input.data(), input.size()),
                     [&](boost::system::error_code, std::size_t) {
                       boost::system::error_code ignored;
                       socket.shutdown(tcp::socket::shutdown_send, ignored);
                       written = true;
                     });
    std::function<void(boost::system::error_code, std::size_t)> on_read =
        [&](boost::system::error_code ec, std::size_t n) {
          received.append(chunk.data(), n);
          if (ec) {
            closed = true;
            return;
          }
          socket.async_read_some(net::buffer(chunk), on_read);
        };
    socket.async_read_some(net::buffer(chunk), on_read);
    while (!(written && closed)) ioc.run_one();
    socket.close();
    ioc.poll();  // lets the session finish
    return received;
  }

  net::io_context ioc;
  kakehashi::http::Router router;
  kakehashi::http::Metrics metrics;
  std::unique_ptr<kakehashi::http::Server> server;
  tcp::endpoint endpoint;
};

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// What the server sent must be whole HTTP/1.1 responses, back to back. (An
// answer to HEAD announces a body it does not send, so a stream with HEAD in
// it is not checked.)
void check_responses(std::string_view input, const std::string& received) {
  if (input.find("HEAD") != std::string_view::npos) return;
  const bool boom_route = input.find("/boom") != std::string_view::npos;
  std::string_view rest(received);
  while (!rest.empty()) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.eager(true);
    parser.body_limit(64 * 1024 * 1024);
    boost::system::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done() && !ec) {
      const std::size_t n = parser.put(net::buffer(rest.data() + used, rest.size() - used), ec);
      used += n;
      if (ec == bhttp::error::need_more) {
        if (used >= rest.size()) {
          // The connection closed: a response without a length ends here.
          parser.put_eof(ec);
          break;
        }
        ec = {};
      }
    }
    if (ec || !parser.is_done()) {
      kakehashi::fuzz::fail(
          "the server sent something that is not an HTTP response (" + ec.message() + ") at byte " +
          std::to_string(received.size() - rest.size()) + ": " + std::string(rest.substr(0, 200)));
    }
    const auto& res = parser.get();
    const unsigned status = res.result_int();
    if (status < 100 || status > 599) kakehashi::fuzz::fail("status " + std::to_string(status));
    if (status >= 500 && status != 503 && !boom_route) {
      kakehashi::fuzz::fail("the server answered " + std::to_string(status) + ": " + res.body());
    }
    if (status < 200) {  // an interim answer (100 Continue) carries no request id
      rest.remove_prefix(used);
      continue;
    }
    const auto id = res.find("X-Request-Id");
    if (id == res.end() || !valid_request_id(id->value())) {
      kakehashi::fuzz::fail("a response without a well-formed X-Request-Id");
    }
    rest.remove_prefix(used);
  }
}

}  // namespace

KAKEHASHI_FUZZ_TARGET(http_request) {
  static Harness* harness = new Harness();
  static std::size_t runs = 0;
  auto& keys = kakehashi::fuzz::fixture().api.keys;
  for (const auto& [secret, role] : kKeys) {
    const auto who = kakehashi::fuzz::principal_for(role);
    keys.put(std::string(secret.substr(0, 12)),
             {who.key_id, who.organization_id, std::string(domain::role_name(role)),
              kakehashi::util::sha256_hex(std::string(secret)), false});
  }
  fake_now += std::chrono::seconds(1);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_responses(input, harness->exchange(input));
  if (++runs % 4096 == 0) {
    std::string rendered;
    harness->metrics.render(rendered);
    if (rendered.size() > 256 * 1024) kakehashi::fuzz::fail("the metrics grow with the input");
  }
  return 0;
}
