#include "support/webhook_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace kakehashi::testing {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string hmac_hex(const std::string& key, const std::string& data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(), &size);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kDigits[digest[i] >> 4U]);
    out.push_back(kDigits[digest[i] & 0x0fU]);
  }
  return out;
}

// Reads until `done(buffer)` or the peer closes or 5 s pass.
template <class Done>
bool read_until(int fd, std::string& buffer, Done done) {
  while (!done(buffer)) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;
    char chunk[8192];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

WebhookReceiver::WebhookReceiver() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket failed");
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("cannot listen for webhooks");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

WebhookReceiver::~WebhookReceiver() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
}

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void WebhookReceiver::set_secret(const std::string& secret) {
  const std::lock_guard lock(mutex_);
  secret_ = secret;
}

void WebhookReceiver::set_policy(Policy policy) {
  const std::lock_guard lock(mutex_);
  policy_ = std::move(policy);
}

std::vector<ReceivedDelivery> WebhookReceiver::received() const {
  const std::lock_guard lock(mutex_);
  return received_;
}

bool WebhookReceiver::verify(const std::string& secret, const std::string& header,
                             const std::string& body) {
  // t=<digits>,v1=<64 hex>
  if (header.rfind("t=", 0) != 0) return false;
  const auto comma = header.find(",v1=");
  if (comma == std::string::npos) return false;
  const std::string t = header.substr(2, comma - 2);
  const std::string v1 = header.substr(comma + 4);
  if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos) return false;
  return v1 == hmac_hex(secret, t + "." + body);
}

void WebhookReceiver::serve() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    handle(fd);
    ::close(fd);
  }
}

void WebhookReceiver::handle(int fd) {
  std::string buffer;
  if (!read_until(fd, buffer,
                  [](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; })) {
    return;
  }
  const auto header_end = buffer.find("\r\n\r\n");
  ReceivedDelivery d;
  std::size_t line_end = buffer.find("\r\n");
  const std::string request_line = buffer.substr(0, line_end);
  const auto sp1 = request_line.find(' ');
  const auto sp2 = request_line.find(' ', sp1 + 1);
  d.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::size_t pos = line_end + 2;
  while (pos < header_end) {
    const auto end = buffer.find("\r\n", pos);
    const std::string line = buffer.substr(pos, end - pos);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      d.headers[lower(line.substr(0, colon))] = value;
    }
    pos = end + 2;
  }
  std::size_t length = 0;
  if (auto it = d.headers.find("content-length"); it != d.headers.end()) {
    length = std::stoul(it->second);
  }
  if (!read_until(fd, buffer,
                  [&](const std::string& b) { return b.size() >= header_end + 4 + length; })) {
    return;
  }
  d.body = buffer.substr(header_end + 4, length);
  d.event_id = d.headers["kakehashi-event-id"];
  d.at = std::chrono::steady_clock::now();
  {
    const std::lock_guard lock(mutex_);
    d.signature_valid = verify(secret_, d.headers["kakehashi-signature"], d.body);
    d.answered = policy_ ? policy_(d) : 204;
    received_.push_back(d);
  }
  const std::string response = "HTTP/1.1 " + std::to_string(d.answered) +
                               " Answer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  ::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
}

}  // namespace kakehashi::testing
