#include "app/probe.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "app/config.hpp"

namespace kakehashi::app {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr const char* kProbeUsage =
    "Usage: kakehashi probe [--url http://HOST[:PORT]/PATH] [--timeout 2s]\n\n"
    "GET the URL over plain HTTP/1.1 and exit 0 when the answer is 200, 1 otherwise\n"
    "(refused, no answer within the timeout, another status), saying why on stderr.\n\n"
    "  --url URL        default: http://ADDRESS:PORT/readyz from KAKEHASHI_LISTEN\n"
    "                   (0.0.0.0 is asked as 127.0.0.1, :: as ::1)\n"
    "  --timeout TIME   for the whole exchange: 2s, 500ms, or seconds (default 2s)\n";

constexpr std::size_t kMaxHeader = 64 * 1024;
constexpr std::size_t kBodyShown = 200;  // characters of a failing answer's body on stderr
constexpr auto kTuple = net::as_tuple(net::use_awaitable);

struct Url {
  std::string text;       // as given, for messages
  std::string authority;  // HOST[:PORT] as given, for the Host header
  std::string host;       // without brackets
  std::uint16_t port = 80;
  std::string target;  // path and query
};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

std::optional<unsigned long> parse_number(std::string_view text) {
  unsigned long v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

// http://HOST[:PORT][/PATH][?QUERY]; HOST is a name, an IPv4 address or an
// [IPv6] address. Returns why not when the text is not such a URL.
std::optional<std::string> parse_url(std::string_view text, Url& url) {
  url.text = std::string(text);
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return "must look like http://HOST:PORT/PATH";
  const auto scheme = text.substr(0, scheme_end);
  if (equals_ignoring_case(scheme, "https")) return "https is not supported: the probe speaks HTTP";
  if (!equals_ignoring_case(scheme, "http")) return "must be an http:// URL";
  auto rest = text.substr(scheme_end + 3);
  const auto authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  const auto authority = rest.substr(0, authority_end);
  auto target = rest.substr(authority_end);
  target = target.substr(0, target.find('#'));
  if (authority.find('@') != std::string_view::npos) return "user information is not supported";

  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return "an IPv6 address needs its closing ]";
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return "unexpected text after the ]";
    if (!after.empty()) port = after.substr(1);
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    if (authority.find(':', colon + 1) != std::string_view::npos) {
      return "an IPv6 address must be in brackets, e.g. http://[::1]:8080/readyz";
    }
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return "has no host";
  if (!port.empty()) {
    const auto n = parse_number(port);
    if (!n || *n == 0 || *n > 65535) return "port must be a number from 1 to 65535";
    url.port = static_cast<std::uint16_t>(*n);
  }
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return "the path must not contain spaces or control characters (percent-encode them)";
    }
  }
  url.authority = std::string(authority);
  url.host = std::string(host);
  url.target = target.empty()          ? "/"
               : target.front() == '?' ? "/" + std::string(target)
                                       : std::string(target);
  return std::nullopt;
}

// The URL of /readyz on the address `serve` listens on (KAKEHASHI_LISTEN):
// a wildcard address is asked on loopback.
std::optional<std::string> default_url(std::string& url) {
  const auto parsed = parse_config({}, [](const std::string& name) -> std::optional<std::string> {
    if (name == "KAKEHASHI_LISTEN") return process_env(name);
    return std::nullopt;
  });
  if (!parsed.errors.empty()) return parsed.errors.front();
  const Config& c = parsed.config;
  if (c.listen_port == 0) return "KAKEHASHI_LISTEN names port 0 (any port); give --url";
  std::string host = c.listen_address;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  url = "http://" + host + ":" + std::to_string(c.listen_port) + "/readyz";
  return std::nullopt;
}

// 2s, 500ms, or a bare number of seconds; from 1 ms to an hour.
std::optional<std::chrono::milliseconds> parse_timeout(std::string_view text) {
  std::chrono::milliseconds::rep scale = 1000;
  if (text.ends_with("ms")) {
    scale = 1;
    text.remove_suffix(2);
  } else if (text.ends_with("s")) {
    text.remove_suffix(1);
  }
  const auto n = parse_number(text);
  if (!n || *n > 3'600'000) return std::nullopt;
  const auto ms = static_cast<std::chrono::milliseconds::rep>(*n) * scale;
  if (ms < 1 || ms > 3'600'000) return std::nullopt;
  return std::chrono::milliseconds(ms);
}

// Printable, on one line, at most kBodyShown characters.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kBodyShown)) {
    if (c == '\r' || c == '\n') break;
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  }
  return out;
}

std::optional<std::string_view> header_value(std::string_view headers, std::string_view name) {
  std::size_t pos = headers.find("\r\n");  // after the status line
  while (pos != std::string_view::npos && pos + 2 < headers.size()) {
    const auto start = pos + 2;
    const auto end = headers.find("\r\n", start);
    const auto line = headers.substr(start, end == std::string_view::npos ? end : end - start);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && equals_ignoring_case(line.substr(0, colon), name)) {
      auto value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      return value;
    }
    pos = end;
  }
  return std::nullopt;
}

struct Outcome {
  bool finished = false;
  const char* phase = "resolving the host";  // what was under way, for a timeout
  int status = 0;                            // 0 until a status line arrived
  std::string reason;                        // the status line's text
  std::string body;                          // the start of a failing answer's body
  std::string failure;                       // why there is no status
};

net::awaitable<void> exchange(tcp::resolver& resolver, tcp::socket& socket, const Url& url,
                              Outcome& out) {
  const auto where = url.authority;
  boost::system::error_code ec;
  const auto address = net::ip::make_address(url.host, ec);
  if (!ec) {
    out.phase = "connecting";
    auto [cec] = co_await socket.async_connect(tcp::endpoint(address, url.port), kTuple);
    ec = cec;
  } else {
    auto [rec, endpoints] =
        co_await resolver.async_resolve(url.host, std::to_string(url.port), kTuple);
    if (rec) {
      out.failure = "cannot resolve " + url.host + ": " + rec.message();
      co_return;
    }
    out.phase = "connecting";
    auto [cec, endpoint] = co_await net::async_connect(socket, endpoints, kTuple);
    ec = cec;
  }
  if (ec) {
    out.failure = "cannot connect to " + where + ": " + ec.message();
    co_return;
  }

  out.phase = "sending the request";
  const std::string request = "GET " + url.target + " HTTP/1.1\r\nHost: " + url.authority +
                              "\r\nUser-Agent: kakehashi-probe\r\nAccept: */*\r\n"
                              "Connection: close\r\n\r\n";
  if (auto [wec, n] = co_await net::async_write(socket, net::buffer(request), kTuple); wec) {
    out.failure = "cannot send the request to " + where + ": " + wec.message();
    co_return;
  }

  out.phase = "waiting for the answer";
  std::string buffer;
  auto [hec, header_size] = co_await net::async_read_until(
      socket, net::dynamic_buffer(buffer, kMaxHeader), "\r\n\r\n", kTuple);
  if (hec) {
    if (hec == net::error::eof) {
      out.failure = where + " closed the connection without an answer";
    } else if (hec == net::error::not_found) {
      out.failure = where + " answered with a header over 64 KiB";
    } else {
      out.failure = "reading the answer from " + where + ": " + hec.message();
    }
    co_return;
  }

  // HTTP/1.x NNN[ REASON]
  const std::string_view head(buffer.data(), header_size);
  const auto status_line = head.substr(0, head.find("\r\n"));
  const auto code = status_line.size() >= 12 && status_line.starts_with("HTTP/1.") &&
                            status_line[8] == ' ' &&
                            (status_line.size() == 12 || status_line[12] == ' ')
                        ? parse_number(status_line.substr(9, 3))
                        : std::nullopt;
  if (!code || *code < 100) {
    out.failure = where + " did not answer HTTP/1.x: " + one_line(status_line);
    co_return;
  }
  out.status = static_cast<int>(*code);
  out.reason = status_line.size() > 13 ? one_line(status_line.substr(13)) : "";
  if (out.status == 200) co_return;

  // A failing answer: keep the start of its body, which says why (/readyz
  // names its failing checks).
  out.phase = "reading the answer's body";
  std::size_t wanted = kBodyShown;
  if (auto length = header_value(head, "Content-Length")) {
    wanted = std::min<std::size_t>(wanted, parse_number(*length).value_or(kBodyShown));
  }
  const bool chunked = header_value(head, "Transfer-Encoding").has_value();
  // The part shown: the body (after the first chunk's size line) up to its
  // first line break.
  const std::size_t body_start = header_size;  // (a lambda may not capture a structured binding
                                               // in clang 14)
  const auto shown = [&]() -> std::optional<std::string_view> {
    auto body = std::string_view(buffer).substr(body_start);
    if (chunked) {
      const auto size_end = body.find("\r\n");
      if (size_end == std::string_view::npos) return std::nullopt;
      body.remove_prefix(size_end + 2);
    }
    return body;
  };
  for (;;) {
    if (const auto body = shown();
        body && (body->size() >= wanted || body->find('\n') != std::string_view::npos)) {
      break;
    }
    char chunk[1024];
    auto [bec, n] = co_await socket.async_read_some(net::buffer(chunk), kTuple);
    buffer.append(chunk, n);
    if (bec) break;
  }
  const auto body = shown();
  out.body = body ? one_line(*body) : "";
}

}  // namespace

int probe(const std::vector<std::string>& args) {
  std::optional<std::string> url_text;
  std::string timeout_text = "2s";
  std::vector<std::string> errors;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (name == "-h" || name == "--help") {
      std::cout << kProbeUsage;
      return 0;
    }
    if (const auto eq = name.find('='); name.starts_with("--") && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name != "--url" && name != "--timeout") {
      errors.push_back("unexpected argument " + args[i]);
      continue;
    }
    if (!value && i + 1 < args.size()) value = args[++i];
    if (!value) {
      errors.push_back(name + " needs a value");
      continue;
    }
    if (name == "--url") {
      url_text = *value;
    } else {
      timeout_text = *value;
    }
  }

  const auto timeout = parse_timeout(timeout_text);
  if (!timeout) {
    errors.push_back("--timeout " + timeout_text + ": must be like 2s or 500ms, at most 3600s");
  }
  Url url;
  if (!url_text) {
    url_text.emplace();
    if (auto error = default_url(*url_text)) errors.push_back(*error);
  }
  if (errors.empty()) {
    if (auto error = parse_url(*url_text, url))
      errors.push_back("--url " + *url_text + ": " + *error);
  }
  if (!errors.empty()) {
    for (const auto& e : errors) std::cerr << "kakehashi probe: " << e << "\n";
    std::cerr << kProbeUsage;
    return 2;
  }

  net::io_context ioc(1);
  tcp::resolver resolver(ioc);
  tcp::socket socket(ioc);
  Outcome out;
  net::co_spawn(ioc, exchange(resolver, socket, url, out), [&out](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        out.failure = ex.what();
      }
    }
    out.finished = true;
  });
  ioc.run_for(*timeout);
  const bool timed_out = !out.finished;
  if (timed_out) {
    // Let the exchange end on its cancelled operations before they go.
    boost::system::error_code ignored;
    resolver.cancel();
    socket.close(ignored);
    ioc.run();
  }

  const std::string what = "GET " + url.text;
  if (out.status == 200) return 0;
  if (out.status != 0) {
    std::cerr << "kakehashi probe: " << what << " answered " << out.status
              << (out.reason.empty() ? "" : " " + out.reason)
              << (out.body.empty() ? "" : ": " + out.body) << "\n";
  } else if (timed_out) {
    std::cerr << "kakehashi probe: " << what << ": no answer within " << timeout_text << " ("
              << out.phase << ")\n";
  } else {
    std::cerr << "kakehashi probe: " << what << ": " << out.failure << "\n";
  }
  return 1;
}

}  // namespace kakehashi::app
