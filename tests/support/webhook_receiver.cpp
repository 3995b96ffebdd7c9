#include "support/webhook_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
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

// Reads until `done(buffer)` or the peer closes or 5 s pass (the socket's
// receive timeout), through TLS when `ssl` is set.
template <class Done>
bool read_until(int fd, SSL* ssl, std::string& buffer, Done done) {
  while (!done(buffer)) {
    char chunk[8192];
    int n = 0;
    if (ssl) {
      n = SSL_read(ssl, chunk, sizeof chunk);
    } else {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) return false;
      n = static_cast<int>(::recv(fd, chunk, sizeof chunk, 0));
    }
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

// A server context with a fresh P-256 key and a self-signed certificate for
// the address 127.0.0.1.
struct WebhookReceiver::Tls {
  SSL_CTX* ctx = nullptr;
  ~Tls() { SSL_CTX_free(ctx); }
};

namespace {

std::string make_self_signed(SSL_CTX* ctx) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), std::rand());
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("kakehashi test receiver"), -1,
                             -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "IP:127.0.0.1");
  X509_add_ext(cert, san, -1);
  X509_EXTENSION_free(san);
  X509_sign(cert, key, EVP_sha256());
  SSL_CTX_use_certificate(ctx, cert);
  SSL_CTX_use_PrivateKey(ctx, key);
  char path[] = "/tmp/kh-webhook-ca-XXXXXX";
  const int fd = ::mkstemp(path);
  FILE* out = ::fdopen(fd, "w");
  PEM_write_X509(out, cert);
  std::fclose(out);
  X509_free(cert);
  EVP_PKEY_free(key);
  return path;
}

}  // namespace

WebhookReceiver::WebhookReceiver(bool tls) {
  if (tls) {
    tls_ = std::make_unique<Tls>();
    tls_->ctx = SSL_CTX_new(TLS_server_method());
    ca_file_ = make_self_signed(tls_->ctx);
  }
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
  if (!ca_file_.empty()) ::unlink(ca_file_.c_str());
}

std::string WebhookReceiver::url(const std::string& path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
}

void WebhookReceiver::set_secret(const std::string& secret) {
  const std::lock_guard lock(mutex_);
  secret_ = secret;
}

void WebhookReceiver::set_trailer(std::string trailer) {
  const std::lock_guard lock(mutex_);
  trailer_ = std::move(trailer);
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
  timeval five{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &five, sizeof five);
  SSL* ssl = nullptr;
  if (tls_) {
    ssl = SSL_new(tls_->ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) {
      SSL_free(ssl);
      return;
    }
  }
  handle_request(fd, ssl);
  if (ssl) {
    SSL_shutdown(ssl);
    SSL_free(ssl);
  }
}

void WebhookReceiver::handle_request(int fd, ssl_st* ssl) {
  std::string buffer;
  if (!read_until(fd, ssl, buffer,
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
  if (!read_until(fd, ssl, buffer,
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
  std::string trailer;
  {
    const std::lock_guard lock(mutex_);
    trailer = trailer_;
  }
  const std::string response =
      trailer.empty() ? "HTTP/1.1 " + std::to_string(d.answered) +
                            " Answer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                      : "HTTP/1.1 " + std::to_string(d.answered) +
                            " Answer\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                            "2\r\nok\r\n0\r\n" +
                            trailer + "\r\n\r\n";
  if (ssl) {
    SSL_write(ssl, response.data(), static_cast<int>(response.size()));
  } else {
    ::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
  }
}

}  // namespace kakehashi::testing
