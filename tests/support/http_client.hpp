// A deliberately small blocking HTTP/1.1 client for black-box tests: it speaks
// raw bytes, so tests can send garbage, pipeline, or stall mid-request.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kakehashi::testing {

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const;
};

class Connection {
 public:
  explicit Connection(std::uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends bytes as they are. Returns false if the peer closed.
  bool send(std::string_view bytes);
  // Reads one response; nullopt if the connection closed or timed out first.
  // headers_only: the answer to HEAD, whose Content-Length has no body.
  std::optional<HttpResponse> read_response(bool headers_only = false);
  // True when the server closed the connection (reads EOF) within the timeout.
  bool closed_by_peer(std::chrono::milliseconds within);

 private:
  bool fill();
  int fd_ = -1;
  std::string buffer_;
  std::chrono::milliseconds timeout_;
};

std::string make_request(std::string_view method, std::string_view target,
                         std::string_view body = {},
                         std::vector<std::pair<std::string, std::string>> headers = {});

// One request on a new connection.
HttpResponse request(std::uint16_t port, std::string_view method, std::string_view target,
                     std::string_view body = {},
                     std::vector<std::pair<std::string, std::string>> headers = {});

}  // namespace kakehashi::testing
