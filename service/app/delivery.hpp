// The webhook delivery worker: threads of their own (never the I/O threads)
// claim due deliveries from the outbox (store/webhooks.hpp), post each with a
// signature, and record the attempt. Several workers and replicas share the
// outbox through leases (FOR UPDATE SKIP LOCKED). stop() lets an attempt in
// flight finish (bounded by the timeout) and joins; a process killed
// mid-attempt leaves its leased delivery due again when the lease runs out.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "store/webhooks.hpp"

namespace kakehashi::app {

struct DeliveryOptions {
  bool allow_private = false;  // tests only: deliver to loopback and private addresses
  std::chrono::milliseconds poll{1000};
  std::chrono::milliseconds timeout{10'000};  // one attempt: resolve, connect, send, answer
  std::size_t workers = 2;
  std::string ca_file;  // https: trust these certificates instead of the system's
  store::RetryPolicy retry;
};

// What one attempt to post a delivery came to.
struct PostResult {
  std::optional<int> status_code;
  std::optional<std::string> error;
  bool refused = false;  // the target resolved to a refused address
  int duration_ms = 0;
};

// The Kakehashi-Signature header's value: "t=<unix seconds>,v1=<hex
// HMAC-SHA256 of "<t>.<body>" under the secret>".
std::string webhook_signature(const std::string& secret, std::int64_t unix_seconds,
                              const std::string& body);

// Posts `d` to its URL over HTTP/1.1, plain or TLS (blocking the calling thread, on
// an io_context of its own), refusing private and loopback targets unless
// allowed: every address the name resolves to is checked, and only checked
// addresses are connected to, so a name that re-resolves elsewhere (DNS
// rebinding) cannot slip through.
PostResult post_delivery(const store::ClaimedDelivery& d, const DeliveryOptions& options);

class DeliveryWorker {
 public:
  DeliveryWorker(store::Database& db, DeliveryOptions options);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void start();
  void stop();

  struct Stats {
    std::uint64_t delivered = 0;
    std::uint64_t failed = 0;   // answered with another status, or no answer
    std::uint64_t refused = 0;  // a private or loopback target
  };
  Stats stats() const;

 private:
  void loop(std::size_t worker);
  bool wait_for_work();

  store::Database& db_;
  DeliveryOptions options_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> refused_{0};
};

// Prometheus text for the worker's counters (webhook_attempts_total{result}).
void render_delivery_metrics(std::string& out, const DeliveryWorker::Stats& stats);

}  // namespace kakehashi::app
