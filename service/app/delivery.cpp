#include "app/delivery.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <random>

#include "domain/webhook.hpp"
#include "util/hmac.hpp"
#include "util/log.hpp"

namespace kakehashi::app {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

// What an attempt log says when a name does not resolve, or resolves only to
// addresses a delivery may not reach: one message for both.
constexpr std::string_view kNoPublicAddress =
    "refused: the host does not resolve to a public address";

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kAnswerLimit = 64 * 1024;     // an answer's body is read and dropped
constexpr std::size_t kAnswerBuffered = 60 * 1024;  // a chunk line or trailer, whole

bool refused_address(const net::ip::address& a) {
  if (a.is_v4()) return domain::is_private_ipv4(a.to_v4().to_bytes());
  return domain::is_private_ipv6(a.to_v6().to_bytes());
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Sends the signed POST and reads the answer's status on an open stream.
template <class Stream>
net::awaitable<void> send_and_read(Stream& stream, const store::ClaimedDelivery& d,
                                   const domain::WebhookUrl& url, PostResult& result) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, url.target, 11};
  req.set(bhttp::field::host, url.authority);
  req.set(bhttp::field::user_agent, "kakehashi-webhooks/1");
  req.set(bhttp::field::content_type, "application/json");
  req.set(bhttp::field::connection, "close");
  req.set("Kakehashi-Event-Id", d.event_id);
  req.set("Kakehashi-Event-Type", d.event_type);
  req.set("Kakehashi-Delivery-Attempt", std::to_string(d.attempt));
  req.set("Kakehashi-Signature", webhook_signature(d.secret, unix_now(), d.body));
  req.body() = d.body;
  req.prepare_payload();
  auto [wec, written] = co_await bhttp::async_write(stream, req, kTuple);
  (void)written;
  if (wec) {
    result.error = "cannot send: " + wec.message();
    co_return;
  }
  // Bounded, as the server's (http::kMaxBuffered): a receiver's trailer
  // field of 64 KiB made Beast throw out of run() and end the process, and
  // the attempt, never recorded, came again every lease.
  beast::flat_buffer buffer(kAnswerBuffered);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kAnswerLimit);
  auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
  (void)read;
  if (parser.is_header_done()) result.status_code = static_cast<int>(parser.get().result_int());
  // The status line and headers are the answer; a body cut short is not.
  if (rec && !parser.is_header_done()) {
    result.error = rec == beast::error::timeout ? "no answer within the timeout"
                                                : "cannot read the answer: " + rec.message();
  }
}

net::awaitable<void> exchange(const store::ClaimedDelivery& d, const domain::WebhookUrl& url,
                              const DeliveryOptions& options, PostResult& result) {
  auto executor = co_await net::this_coro::executor;
  std::vector<tcp::endpoint> endpoints;
  boost::system::error_code ec;
  const auto literal = net::ip::make_address(url.host, ec);
  const bool host_is_name = static_cast<bool>(ec);
  if (!host_is_name) {
    endpoints.emplace_back(literal, url.port);
  } else {
    tcp::resolver resolver(executor);
    auto [rec, found] = co_await resolver.async_resolve(url.host, std::to_string(url.port), kTuple);
    if (rec) {
      // The same words as a refused private address: the attempt log is the
      // organization's to read, and told apart the two would map which names
      // exist inside the service's network (a probe did).
      result.error = std::string(kNoPublicAddress);
      co_return;
    }
    for (const auto& entry : found) endpoints.push_back(entry.endpoint());
  }
  if (endpoints.empty()) {
    result.error = std::string(kNoPublicAddress);
    co_return;
  }
  if (!options.allow_private) {
    for (const auto& e : endpoints) {
      if (refused_address(e.address())) {
        result.refused = true;
        result.error = std::string(kNoPublicAddress);
        co_return;
      }
    }
  }
  beast::tcp_stream tcp_stream(executor);
  tcp_stream.expires_after(options.timeout);
  auto [cec, connected] = co_await tcp_stream.async_connect(endpoints, kTuple);
  (void)connected;
  if (cec) {
    result.error = "cannot connect: " + cec.message();
    co_return;
  }
  if (!url.tls) {
    co_await send_and_read(tcp_stream, d, url, result);
    beast::error_code ignored;
    tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return;
  }
  // https: the system's trust store (or --webhook-ca-file), SNI, and the
  // certificate checked against the URL's host.
  ssl::context tls(ssl::context::tls_client);
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code tec;
  if (options.ca_file.empty()) {
    tls.set_default_verify_paths(tec);
  } else {
    tls.load_verify_file(options.ca_file, tec);
  }
  if (tec) {
    result.error = "cannot load trusted certificates: " + tec.message();
    co_return;
  }
  tls.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), tls);
  // SNI names a host, never an address (RFC 6066). SSL_set_tlsext_host_name
  // is a macro with a C cast; this is what it expands to.
  if (host_is_name &&
      SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(url.host.c_str())) != 1) {
    result.error = "cannot set the TLS server name";
    co_return;
  }
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
  if (hec) {
    result.error = "TLS handshake failed: " + hec.message();
    co_return;
  }
  co_await send_and_read(stream, d, url, result);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
  auto [sec] = co_await stream.async_shutdown(kTuple);
  (void)sec;  // many servers close without a TLS close_notify
}

}  // namespace

std::string webhook_signature(const std::string& secret, std::int64_t unix_seconds,
                              const std::string& body) {
  const std::string t = std::to_string(unix_seconds);
  return "t=" + t + ",v1=" + util::hmac_sha256_hex(secret, t + "." + body);
}

PostResult post_delivery(const store::ClaimedDelivery& d, const DeliveryOptions& options) {
  PostResult result;
  const auto start = std::chrono::steady_clock::now();
  domain::WebhookUrl url;
  if (auto why = domain::parse_webhook_url(d.url, url)) {
    result.error = "invalid URL: " + *why;
    return result;
  }
  net::io_context ioc(1);
  bool done = false;
  net::co_spawn(ioc, exchange(d, url, options, result), [&](std::exception_ptr e) {
    done = true;
    if (e) result.error = "the attempt failed unexpectedly";
  });
  // Resolving has no timeout of its own: the whole attempt gets the timeout
  // and a little more, then is abandoned.
  try {
    ioc.run_for(options.timeout + std::chrono::seconds(1));
  } catch (const std::exception&) {
    // Thrown out of a handler rather than into the coroutine: the attempt
    // failed, and is recorded as failed.
    done = true;
    if (!result.status_code) result.error = "the answer could not be read";
  }
  if (!done) {
    // Abandoned; an answer already read (a slow TLS close after it) stands.
    ioc.stop();
    if (!result.status_code) result.error = "no answer within the timeout";
  }
  result.duration_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::steady_clock::now() - start)
                                            .count());
  return result;
}

void render_delivery_metrics(std::string& out, const DeliveryWorker::Stats& stats) {
  out += "# HELP webhook_attempts_total Webhook delivery attempts by this process, by result.\n";
  out += "# TYPE webhook_attempts_total counter\n";
  out += "webhook_attempts_total{result=\"delivered\"} " + std::to_string(stats.delivered) + "\n";
  out += "webhook_attempts_total{result=\"failed\"} " + std::to_string(stats.failed) + "\n";
  out += "webhook_attempts_total{result=\"refused\"} " + std::to_string(stats.refused) + "\n";
}

DeliveryWorker::DeliveryWorker(store::Database& db, DeliveryOptions options)
    : db_(db), options_(std::move(options)) {}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() {
  for (std::size_t i = 0; i < options_.workers; ++i) {
    threads_.emplace_back([this, i] { loop(i); });
  }
}

void DeliveryWorker::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

DeliveryWorker::Stats DeliveryWorker::stats() const {
  return {delivered_.load(), failed_.load(), refused_.load()};
}

bool DeliveryWorker::wait_for_work() {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, options_.poll, [this] { return stopping_; });
  return !stopping_;
}

void DeliveryWorker::loop(std::size_t worker) {
  std::mt19937_64 random(std::random_device{}() + worker);
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  // An attempt takes at most the timeout and a second (post_delivery); the
  // lease is twice that, so a delivery another worker still posts is never
  // taken, and a dead worker's is due again soon.
  const auto lease =
      std::chrono::ceil<std::chrono::seconds>(2 * options_.timeout) + std::chrono::seconds(2);
  for (;;) {
    {
      const std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    std::vector<store::ClaimedDelivery> claimed;
    try {
      db_.transact_sync([&](store::Tx& t) {
        claimed = store::claim_deliveries(t, 1, static_cast<int>(lease.count()));
      });
    } catch (const std::exception& e) {
      util::log("warn", "webhook outbox unavailable", {{"error", e.what()}});
    }
    if (claimed.empty()) {
      if (!wait_for_work()) return;
      continue;
    }
    for (const auto& d : claimed) {
      const PostResult r = post_delivery(d, options_);
      const bool ok = r.status_code && *r.status_code >= 200 && *r.status_code < 300;
      store::AttemptOutcome outcome{ok, r.duration_ms, r.status_code, r.error};
      if (!ok && !outcome.error && r.status_code) {
        outcome.error = "answered " + std::to_string(*r.status_code);
      }
      (ok ? delivered_ : r.refused ? refused_ : failed_)++;
      util::log(ok ? "info" : "warn", "webhook attempt",
                {{"webhook_id", d.webhook_id},
                 {"event_id", d.event_id},
                 {"attempt", d.attempt},
                 {"status", r.status_code.value_or(0)},
                 {"error", outcome.error.value_or("")},
                 {"duration_ms", r.duration_ms}});
      try {
        bool recorded = true;
        db_.transact_sync([&](store::Tx& t) {
          recorded = store::record_attempt(t, d, outcome, options_.retry, jitter(random));
        });
        if (!recorded) {
          util::log("info", "webhook removed during its attempt",
                    {{"webhook_id", d.webhook_id}, {"event_id", d.event_id}});
        }
      } catch (const std::exception& e) {
        // The lease runs out and the delivery is tried again: at least once.
        util::log("warn", "webhook attempt not recorded", {{"error", e.what()}});
      }
    }
  }
}

}  // namespace kakehashi::app
