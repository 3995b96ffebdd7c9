// A webhook receiver for tests: a small blocking HTTP/1.1 server on
// 127.0.0.1 (port 0), on a thread of its own. It keeps every request it gets,
// verifies each one's Kakehashi-Signature with the endpoint's secret (its own
// HMAC-SHA256 through OpenSSL, not the service's code), and answers with the
// status the test's policy chooses.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

struct ssl_st;

namespace kakehashi::testing {

struct ReceivedDelivery {
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool signature_valid = false;              // against the secret set when it arrived
  std::string event_id;                      // the Kakehashi-Event-Id header
  int answered = 0;                          // the status the receiver gave
  std::chrono::steady_clock::time_point at;  // when its body had arrived
};

class WebhookReceiver {
 public:
  // Chooses the answer to a delivery (default: 204).
  using Policy = std::function<int(const ReceivedDelivery&)>;

  // tls: https with a self-signed certificate for 127.0.0.1 made at start,
  // whose PEM file ca_file() names (for KAKEHASHI_WEBHOOK_CA_FILE).
  explicit WebhookReceiver(bool tls = false);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;
  const std::string& ca_file() const { return ca_file_; }
  void set_secret(const std::string& secret);
  void set_policy(Policy policy);
  // Answers chunked, with this trailer section (one or more "Name: value"
  // lines without the final blank line); empty: a plain answer.
  void set_trailer(std::string trailer);
  std::vector<ReceivedDelivery> received() const;

  // HMAC-SHA256 of "<t>.<body>" in hex; nullopt when the header is malformed.
  static bool verify(const std::string& secret, const std::string& header, const std::string& body);

 private:
  void serve();
  void handle(int fd);
  void handle_request(int fd, ssl_st* ssl);

  struct Tls;
  std::unique_ptr<Tls> tls_;
  std::string ca_file_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::string secret_;
  Policy policy_;
  std::string trailer_;
  std::vector<ReceivedDelivery> received_;
};

}  // namespace kakehashi::testing
