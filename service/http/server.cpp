#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_map>

#include "util/crypto.hpp"
#include "util/log.hpp"

namespace kakehashi::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);
using Parser = bhttp::request_parser<bhttp::string_body>;
// A body's reads are at most this large (Beast's own cap per read).
constexpr std::size_t kBodyReadSize = 64 * 1024;
// A body's slowest pace: it may take as long as its size at this many bytes
// a second (and at least the read timeout), each read waiting at most the
// read timeout. A 6.5 MB import sent at 200 KB/s was dropped at 30 s.
constexpr std::uint64_t kSlowestBody = 16 * 1024;
// After an error answered without reading the rest of the request, read and
// discard this much for this long so the peer receives our answer instead of a
// reset.
constexpr std::size_t kLingerBytes = 8 * 1024 * 1024;
constexpr std::chrono::seconds kLingerTime{2};
// Refusals hold descriptors too: this many linger so that their 503 is read
// before the close; the rest are answered and closed at once (a flood of
// idle connections then stays within the descriptors the server has).
constexpr std::size_t kLingeringRefusals = 16;

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {
    beast::error_code ec;
    const auto peer = stream.socket().remote_endpoint(ec);
    if (!ec) remote = peer.address().to_string();
  }
  beast::tcp_stream stream;
  std::string remote;  // the peer's address
  bool busy = false;   // touched only on the connection's strand
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

Response simple_problem(int status, std::string detail, std::string_view instance,
                        std::string_view request_id) {
  Problem problem;
  problem.status = status;
  problem.detail = std::move(detail);
  return problem_response(problem, instance, request_id);
}

// Request framing that a proxy in front could read differently from us
// (request smuggling, RFC 9112 sections 3.2 and 6.3): refused, and the
// connection closed.
std::string_view trimmed(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

std::optional<std::string> framing_problem(
    const bhttp::request_parser<bhttp::string_body>::value_type& header) {
  std::size_t encodings = 0;
  for (const auto& field : header) {
    if (field.name() != bhttp::field::transfer_encoding) continue;
    ++encodings;
    if (!iequals(trimmed(field.value()), "chunked"))
      return "Transfer-Encoding must be exactly 'chunked'";
  }
  if (encodings > 1) return "Transfer-Encoding must appear once";
  if (encodings == 1 && header.find(bhttp::field::content_length) != header.end()) {
    return "a request must not carry both Transfer-Encoding and Content-Length";
  }
  if (header.version() == 11) {
    const auto hosts = header.count(bhttp::field::host);
    if (hosts != 1) return "an HTTP/1.1 request needs exactly one Host header";
  }
  return std::nullopt;
}

// If-None-Match names the response's ETag (weak comparison, RFC 9110
// section 13.1.2), or is "*": the client already has this representation.
bool not_modified(const Request& request, const Response& response) {
  if (response.status != 200 || !response.revalidate) return false;
  const auto etag = response.header("ETag");
  const auto wanted = request.header("If-None-Match");
  if (!etag || !wanted) return false;
  const auto opaque = [](std::string_view tag) {
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);
    return tag;
  };
  std::string_view list = *wanted;
  if (opaque(list) == "*") return true;
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (opaque(list.substr(0, comma)) == opaque(*etag)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::string_view trace_id_of(const RequestContext& ctx) {
  return ctx.trace ? std::string_view(ctx.trace->trace_id) : std::string_view();
}

// The request's code runs on this thread from here to its next suspension:
// log lines name it (see util::LogContext).
void enter(const RequestContext& ctx) { util::set_log_context(ctx.request_id, trace_id_of(ctx)); }

bool is_closed_error(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof ||
         ec == beast::error::timeout || ec == net::error::operation_aborted ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == bhttp::error::partial_message;
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(net::io_context& io, ServerOptions opts, const Router& r, Metrics& m, ExceptionMapper map,
       Admission admit)
      : ioc(io),
        options(std::move(opts)),
        router(r),
        metrics(m),
        mapper(std::move(map)),
        admission(std::move(admit)),
        acceptor(net::make_strand(io)) {}

  net::io_context& ioc;
  ServerOptions options;
  const Router& router;
  Metrics& metrics;
  ExceptionMapper mapper;
  Admission admission;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open{0};
  std::atomic<std::size_t> refusing{0};
  std::mutex connections_mutex;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;

  net::awaitable<void> accept_loop();
  net::awaitable<void> session(tcp::socket socket);
  // Reads one request and answers it; false when the connection is done.
  net::awaitable<bool> exchange(Connection& conn, beast::flat_buffer& buffer, bool first);
  net::awaitable<bool> respond(Connection& conn, Response response, const RequestContext& ctx,
                               bool keep_alive, std::chrono::steady_clock::time_point start);
  net::awaitable<void> refuse(tcp::socket socket);
  net::awaitable<Response> dispatch(RequestContext& ctx, const Route& route);
  net::awaitable<std::optional<Response>> admit(RequestContext& ctx, const Route& route);
  net::awaitable<void> write_and_close(Connection& conn, Response response,
                                       const std::string& request_id, std::string_view method,
                                       std::chrono::steady_clock::time_point start,
                                       std::string_view trace_id = {}, bool linger = true);
  net::awaitable<void> write(Connection& conn, Response response, bool keep_alive,
                             const std::string& request_id, beast::error_code& ec);
  std::optional<Problem> unexpected(std::exception_ptr failure, const std::string& request_id,
                                    std::string_view route);
  void record(std::string_view method, std::string_view route, const Response& response,
              const std::string& request_id, std::string_view trace_id,
              std::chrono::steady_clock::time_point start);
};

Server::Server(net::io_context& ioc, ServerOptions options, const Router& router, Metrics& metrics,
               ExceptionMapper mapper, Admission admission)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), router, metrics, std::move(mapper),
                                   std::move(admission))) {}

Server::~Server() = default;

std::uint16_t Server::listen() {
  const auto address = net::ip::make_address(impl_->options.address);
  const tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  const auto port = acceptor.local_endpoint().port();
  net::co_spawn(acceptor.get_executor(), impl_->accept_loop(), net::detached);
  return port;
}

void Server::shutdown() {
  auto impl = impl_;
  impl->stopping = true;
  net::post(impl->acceptor.get_executor(), [impl] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  std::lock_guard lock(impl->connections_mutex);
  for (auto& [raw, weak] : impl->connections) {
    if (auto conn = weak.lock()) {
      net::post(conn->stream.get_executor(), [conn] {
        if (!conn->busy) conn->stream.socket().cancel();
      });
    }
  }
}

std::size_t Server::open_connections() const { return impl_->open.load(); }

std::size_t connections_within(std::size_t wanted, std::uint64_t limit, std::size_t reserve) {
  if (limit <= reserve + 1) return 1;
  return std::max<std::size_t>(1, std::min<std::uint64_t>(wanted, limit - reserve));
}

std::size_t fit_connections_to_descriptors(std::size_t wanted, std::size_t reserve) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  const rlim_t needed = static_cast<rlim_t>(wanted) + reserve;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? needed : std::min(needed, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return wanted;
  return connections_within(wanted, limit.rlim_cur, reserve);
}

net::awaitable<void> Server::Impl::accept_loop() {
  auto self = shared_from_this();
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), kUseTuple);
    if (ec) {
      if (stopping || ec == net::error::operation_aborted) co_return;
      // Out of descriptors or a transient error: back off instead of spinning.
      util::log("warn", "accept failed", {{"error", ec.message()}});
      net::steady_timer timer(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await timer.async_wait(kUseTuple);
      continue;
    }
    const auto executor = socket.get_executor();
    if (open.load() >= options.max_connections) {
      net::co_spawn(executor, refuse(std::move(socket)), net::detached);
    } else {
      net::co_spawn(executor, session(std::move(socket)), net::detached);
    }
  }
}

net::awaitable<void> Server::Impl::refuse(tcp::socket socket) {
  auto self = shared_from_this();
  Connection conn(std::move(socket));
  const auto id = util::random_hex(16);
  Response response = simple_problem(503, "too many open connections; retry shortly", "", id);
  response.set_header("Retry-After", "1");
  const bool linger = ++refusing <= kLingeringRefusals;
  co_await write_and_close(conn, std::move(response), id, "", std::chrono::steady_clock::now(), {},
                           linger);
  --refusing;
}

std::optional<Problem> Server::Impl::unexpected(std::exception_ptr failure,
                                                const std::string& request_id,
                                                std::string_view route) {
  std::optional<Problem> mapped;
  if (mapper) mapped = mapper(failure);
  if (!mapped) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    util::log("error", "unhandled exception",
              {{"request_id", request_id}, {"route", route}, {"error", what}});
    mapped = Problem{.status = 500, .detail = "an unexpected error occurred; quote the request id"};
  }
  return mapped;
}

net::awaitable<std::optional<Response>> Server::Impl::admit(RequestContext& ctx,
                                                            const Route& route) {
  if (!admission) co_return std::nullopt;
  std::exception_ptr failure;
  try {
    auto refused = co_await admission(ctx, route);
    enter(ctx);
    co_return refused;
  } catch (...) {
    failure = std::current_exception();
  }
  enter(ctx);
  Response r = problem_response(*unexpected(failure, ctx.request_id, route.path_template),
                                ctx.request.path, ctx.request_id);
  co_return r;
}

net::awaitable<Response> Server::Impl::dispatch(RequestContext& ctx, const Route& route) {
  // Responses are built in named locals: GCC 12 mis-destroys aggregate
  // temporaries that live across a co_await/co_return expression.
  std::exception_ptr failure;
  try {
    Response response = co_await route.handler(ctx);
    enter(ctx);
    co_return response;
  } catch (...) {
    failure = std::current_exception();
  }
  enter(ctx);
  Response r = problem_response(*unexpected(failure, ctx.request_id, route.path_template),
                                ctx.request.path, ctx.request_id);
  co_return r;
}

void Server::Impl::record(std::string_view method, std::string_view route, const Response& response,
                          const std::string& request_id, std::string_view trace_id,
                          std::chrono::steady_clock::time_point start) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics.observe(method, route, response.status, seconds);
  if (options.access_log) {
    util::log_request(request_id, trace_id, method, route, response.status, seconds * 1e3,
                      response.body.size());
  }
}

net::awaitable<void> Server::Impl::write(Connection& conn, Response response, bool keep_alive,
                                         const std::string& request_id, beast::error_code& ec) {
  // The request's work on this thread ends here; whatever runs while the
  // write is pending belongs to another.
  util::clear_log_context();
  conn.stream.expires_after(options.read_timeout);
  if (response.omit_body) {
    // HEAD: what GET would answer, Content-Length included, without the body.
    bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(response.status), 11};
    for (const auto& h : response.headers) res.insert(h.name, h.value);
    res.set(bhttp::field::server, "kakehashi");
    if (!request_id.empty()) res.set("X-Request-Id", request_id);
    res.keep_alive(keep_alive);
    res.content_length(response.body.size());
    bhttp::response_serializer<bhttp::empty_body> serializer(res);
    auto [write_ec, n] = co_await bhttp::async_write_header(conn.stream, serializer, kUseTuple);
    ec = write_ec;
    co_return;
  }
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), 11};
  for (const auto& h : response.headers) res.insert(h.name, h.value);
  res.set(bhttp::field::server, "kakehashi");
  if (!request_id.empty()) res.set("X-Request-Id", request_id);
  res.body() = std::move(response.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  auto [write_ec, n] = co_await bhttp::async_write(conn.stream, res, kUseTuple);
  ec = write_ec;
}

net::awaitable<void> Server::Impl::write_and_close(Connection& conn, Response response,
                                                   const std::string& request_id,
                                                   std::string_view method,
                                                   std::chrono::steady_clock::time_point start,
                                                   std::string_view trace_id, bool linger) {
  record(method.empty() ? "-" : method, "unmatched", response, request_id, trace_id, start);
  beast::error_code ec;
  co_await write(conn, std::move(response), false, request_id, ec);
  if (ec || !linger) co_return;
  // Lingering close: stop sending, then swallow what the peer is still sending.
  conn.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  conn.stream.expires_after(kLingerTime);
  std::array<char, 16 * 1024> sink{};
  std::size_t drained = 0;
  while (drained < kLingerBytes) {
    auto [read_ec, n] = co_await conn.stream.async_read_some(net::buffer(sink), kUseTuple);
    if (read_ec) break;
    drained += n;
  }
}

net::awaitable<void> Server::Impl::session(tcp::socket socket) {
  auto self = shared_from_this();
  auto conn = std::make_shared<Connection>(std::move(socket));
  {
    std::lock_guard lock(connections_mutex);
    connections.emplace(conn.get(), conn);
  }
  ++open;
  struct Guard {
    Impl* impl;
    Connection* key;
    ~Guard() {
      std::lock_guard lock(impl->connections_mutex);
      impl->connections.erase(key);
      --impl->open;
    }
  } guard{this, conn.get()};
  beast::error_code ignored;
  conn->stream.socket().set_option(tcp::no_delay(true), ignored);

  // Bounded: a chunk's extensions and the trailer are read whole into it,
  // and neither counts against the header or body limit (a trailer field of
  // 64 KiB made Beast throw out of run() and end the process; 300 MB of
  // chunk extension were held in memory). Beyond it a read fails, 400.
  beast::flat_buffer buffer(kMaxBuffered);
  bool first = true;
  while (!stopping && co_await exchange(*conn, buffer, first)) first = false;
  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn->stream.socket().close(ignored);
}

namespace {

// What a request's header alone answers, before any body is read: a body over
// the limit (closing: the body is not read), an unknown path or method.
std::optional<Response> answer_from_header(const Parser& parser, const RouteMatch& match,
                                           const Request& request, const std::string& request_id,
                                           std::size_t limit, bool* must_close) {
  *must_close = false;
  if (auto length = parser.content_length(); length && *length > limit) {
    *must_close = true;
    return simple_problem(413, "request body exceeds " + std::to_string(limit) + " bytes",
                          request.path, request_id);
  }
  if (match.kind == RouteMatch::Kind::kNotFound) {
    return simple_problem(404, "no resource at this path", request.path, request_id);
  }
  if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    Response r =
        simple_problem(405, "this resource allows " + match.allow, request.path, request_id);
    r.set_header("Allow", match.allow);
    return r;
  }
  // An expectation other than 100-continue cannot be met (RFC 9110 section
  // 10.1.1); HTTP/1.0 has none to meet.
  const auto& header = parser.get();
  if (const auto it = header.find(bhttp::field::expect);
      it != header.end() && header.version() == 11 &&
      (header.count(bhttp::field::expect) != 1 ||
       !beast::iequals(trimmed(it->value()), std::string_view("100-continue")))) {
    return simple_problem(417, "the only expectation this service meets is 'Expect: 100-continue'",
                          request.path, request_id);
  }
  // A coded body (gzip, say) is not decoded here: read as it came, a
  // compressed CSV or JSON would fail as garbage or, worse, half-parse
  // (RFC 9110 section 15.5.16).
  const auto length = parser.content_length();
  const bool has_body = parser.chunked() || (length && *length > 0);
  for (const auto& field : header) {
    if (!has_body || field.name() != bhttp::field::content_encoding) continue;
    if (beast::iequals(trimmed(field.value()), std::string_view("identity"))) continue;
    Response r = simple_problem(
        415, "Content-Encoding is not accepted: send the body uncompressed, without the header",
        request.path, request_id);
    r.set_header("Accept-Encoding", "identity");
    return r;
  }
  return std::nullopt;
}

// A valid traceparent, sent once (two would be two traces: neither is taken).
std::optional<TraceContext> trace_of(const Parser::value_type& header) {
  const auto it = header.find("traceparent");
  if (it == header.end() || header.count("traceparent") != 1) return std::nullopt;
  return parse_traceparent(it->value());
}

// The request's method, target, id and header fields.
std::string start_request(const Parser::value_type& header, Request& request) {
  request.method = std::string(header.method_string());
  request.target = std::string(header.target());
  request.headers.reserve(16);
  for (const auto& field : header) {
    request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  if (auto it = header.find("X-Request-Id"); it != header.end() && valid_request_id(it->value())) {
    return std::string(it->value());
  }
  return util::random_hex(16);
}

}  // namespace

bool make_room_for_body(beast::flat_buffer& buffer, std::optional<std::uint64_t> content_length) {
  if (content_length && *content_length <= kBodyReadSize) return false;
  buffer.reserve(std::min(buffer.size() + kBodyReadSize, buffer.max_size()));
  return true;
}

net::awaitable<bool> Server::Impl::exchange(Connection& conn, beast::flat_buffer& buffer,
                                            bool first) {
  conn.busy = false;
  conn.stream.expires_after(first ? options.read_timeout : options.idle_timeout);
  Parser parser;
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser.body_limit(boost::none);  // checked per route once the header is known
  util::clear_log_context();
  auto [ec, n] = co_await bhttp::async_read_header(conn.stream, buffer, parser, kUseTuple);
  conn.busy = true;
  const auto start = std::chrono::steady_clock::now();
  if (ec) {
    if (ec == bhttp::error::header_limit || !is_closed_error(ec)) {
      const bool too_large = ec == bhttp::error::header_limit;
      const auto id = util::random_hex(16);
      Problem problem{.status = too_large ? 431 : 400,
                      .detail = too_large ? "request header exceeds " +
                                                std::to_string(options.header_limit) + " bytes"
                                          : "malformed HTTP request"};
      Response response = problem_response(problem, "", id);
      co_await write_and_close(conn, std::move(response), id, "", start);
    }
    co_return false;
  }
  auto& header = parser.get();
  Request request;
  request.remote_address = conn.remote;
  const std::string request_id = start_request(header, request);
  std::optional<TraceContext> trace = trace_of(header);
  const std::string trace_id = trace ? trace->trace_id : std::string();
  util::set_log_context(request_id, trace_id);
  if (auto bad = framing_problem(header)) {
    Response response = simple_problem(400, std::move(*bad), "", request_id);
    co_await write_and_close(conn, std::move(response), request_id, request.method, start,
                             trace_id);
    co_return false;
  }
  auto target = parse_target(request.target);
  if (!target) {
    Response response =
        simple_problem(400, "request target is not a valid path and query (percent-encoding, NUL)",
                       "", request_id);
    co_await write_and_close(conn, std::move(response), request_id, request.method, start,
                             trace_id);
    co_return false;
  }
  request.path = std::move(target->path);
  request.query = std::move(target->query);
  RouteMatch match = router.match(request.method, request.path);
  const Route* route = match.kind == RouteMatch::Kind::kFound ? match.route : nullptr;
  RequestContext ctx{request, request_id,
                     route ? std::string_view(route->path_template) : "unmatched",
                     std::move(match.params)};
  ctx.trace = std::move(trace);
  const std::size_t limit =
      route && route->options.body_limit != 0 ? route->options.body_limit : options.body_limit;

  // Everything that can be answered from the header is answered before a
  // body is read, the admission step's refusals too. A body left unread is
  // discarded by closing.
  bool must_close = false;
  std::optional<Response> early =
      answer_from_header(parser, match, request, request_id, limit, &must_close);
  if (!early) {
    std::optional<Response> refused = co_await admit(ctx, *route);
    if (refused) early = std::move(refused);
  }
  if (early) {
    if (must_close || !parser.is_done()) {
      co_await write_and_close(conn, std::move(*early), request_id, request.method, start,
                               trace_id);
      co_return false;
    }
    co_return co_await respond(conn, std::move(*early), ctx, header.keep_alive(), start);
  }

  parser.body_limit(limit);
  if (!parser.is_done()) {
    conn.stream.expires_after(options.read_timeout);
    util::clear_log_context();
    // A client that asked whether to send its body (curl does above 1 MiB)
    // hears yes now, instead of waiting a second for a silence it takes as yes.
    if (header.version() == 11 &&
        beast::iequals(header[bhttp::field::expect], std::string_view("100-continue"))) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      auto [write_ec, written] =
          co_await net::async_write(conn.stream, net::buffer(kContinue), kUseTuple);
      if (write_ec) co_return false;
    }
    // Without room, a 21 MB import was read 512 bytes a system call (41,000
    // reads and timer resets, 0.45 s; 0.03 s with it).
    const auto length = parser.content_length();
    const bool large_body =
        make_room_for_body(buffer, length ? std::optional(*length) : std::nullopt);
    const std::uint64_t expected = length ? *length : limit;
    const auto deadline =
        std::chrono::steady_clock::now() +
        std::max<std::chrono::milliseconds>(
            options.read_timeout,
            std::chrono::milliseconds(static_cast<std::int64_t>(expected * 1000 / kSlowestBody)));
    beast::error_code body_ec;
    bool too_slow = false;  // past the body's own deadline: the socket is still open
    while (!parser.is_done()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        too_slow = true;
        body_ec = beast::error::timeout;
        break;
      }
      conn.stream.expires_after(std::min(options.read_timeout, left));
      auto [read_ec, read_n] =
          co_await bhttp::async_read_some(conn.stream, buffer, parser, kUseTuple);
      if (read_ec) {
        body_ec = read_ec;
        break;
      }
    }
    if (large_body) buffer.shrink_to_fit();
    enter(ctx);
    if (body_ec) {
      // Past the body's deadline while it still trickles in: told so. A read
      // that waited the whole read timeout for nothing has closed the socket
      // (Beast's timeout), as a stalled header's does. Beyond the buffer's
      // room (a trailer or chunk extension too long) or malformed: 400.
      if (too_slow || body_ec == bhttp::error::body_limit || !is_closed_error(body_ec)) {
        const bool too_large = body_ec == bhttp::error::body_limit;
        Response response =
            simple_problem(too_slow    ? 408
                           : too_large ? 413
                                       : 400,
                           too_slow    ? "the request body did not arrive in time; send it again"
                           : too_large ? "request body exceeds " + std::to_string(limit) + " bytes"
                                       : "malformed HTTP request body",
                           request.path, request_id);
        co_await write_and_close(conn, std::move(response), request_id, request.method, start,
                                 trace_id);
      }
      co_return false;
    }
  }
  const bool keep_alive = parser.get().keep_alive();
  request.body = std::move(parser.get().body());
  Response response = co_await dispatch(ctx, *route);
  co_return co_await respond(conn, std::move(response), ctx, keep_alive, start);
}

net::awaitable<bool> Server::Impl::respond(Connection& conn, Response response,
                                           const RequestContext& ctx, bool keep_alive,
                                           std::chrono::steady_clock::time_point start) {
  const bool keep = keep_alive && !stopping;
  const bool read = ctx.request.method == "GET" || ctx.request.method == "HEAD";
  if (read && not_modified(ctx.request, response)) {
    response.status = 304;  // the client's copy is current: headers only
    response.body.clear();
  }
  response.omit_body = ctx.request.method == "HEAD";
  // Recorded before the write, so a client that reads the response and then
  // asks /metrics sees this request counted.
  record(ctx.request.method, ctx.route, response, ctx.request_id, trace_id_of(ctx), start);
  beast::error_code write_ec;
  co_await write(conn, std::move(response), keep, ctx.request_id, write_ec);
  co_return !write_ec && keep;
}

}  // namespace kakehashi::http
