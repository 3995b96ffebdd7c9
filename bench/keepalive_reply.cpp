// keepalive_reply PORT [threads]: the ceiling for the HTTP load figures. It
// answers every request on a keep-alive connection with one fixed 200 reply,
// parsing nothing but the blank line that ends a header (no body is read), on
// `threads` epoll loops (default 2) sharing the port through SO_REUSEPORT. What
// wrk measures against it is the machine, the kernel and wrk itself; against
// kakehashi's /healthz, also kakehashi's server. bench/all.sh runs both.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

constexpr std::string_view kReply =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
    "{\"status\":\"ok\"}";

int listener(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 1024) != 0) {
    std::perror("keepalive_reply: bind/listen");
    std::exit(1);
  }
  return fd;
}

void loop(int port) {
  const int lfd = listener(port);
  const int ep = ::epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = lfd;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  std::unordered_map<int, std::string> pending;  // bytes after the last full header
  std::vector<epoll_event> events(256);
  char buf[16384];
  while (true) {
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int k = 0; k < n; ++k) {
      const int fd = events[static_cast<std::size_t>(k)].data.fd;
      if (fd == lfd) {
        int c;
        while ((c = ::accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK)) >= 0) {
          const int one = 1;
          ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event cev{};
          cev.events = EPOLLIN;
          cev.data.fd = c;
          ::epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
        }
        continue;
      }
      const ssize_t got = ::read(fd, buf, sizeof buf);
      if (got <= 0) {
        ::close(fd);
        pending.erase(fd);
        continue;
      }
      std::string& data = pending[fd];
      data.append(buf, static_cast<std::size_t>(got));
      std::string out;
      std::size_t end;
      while ((end = data.find("\r\n\r\n")) != std::string::npos) {
        out += kReply;
        data.erase(0, end + 4);
      }
      if (!out.empty() && ::write(fd, out.data(), out.size()) < 0) {
        ::close(fd);
        pending.erase(fd);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: keepalive_reply PORT [threads]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(loop, port);
  loop(port);
}
