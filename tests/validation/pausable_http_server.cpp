#include "pausable_http_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "validation/monotonic_clock.hpp"
#include "validation/netns_socket.hpp"

namespace migsim::validation::testing {

PausableHttpServer::PausableHttpServer(const std::string& netns) {
  NetnsSockets sockets(netns);
  listen_fd_ = sockets.tcp_socket();
  if (listen_fd_ < 0) throw std::runtime_error(std::string("test server: socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 4096) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error(std::string("test server: bind/listen: ") + std::strerror(errno));
  }
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { serve(); });
}

PausableHttpServer::~PausableHttpServer() {
  quit_.store(true);
  thread_.join();
  for (const int fd : hung_) ::close(fd);
  ::close(listen_fd_);
}

void PausableHttpServer::pause_accepting(double from_monotonic_s, double ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  pause_from_ = from_monotonic_s;
  pause_to_ = from_monotonic_s + ms / 1000.0;
}

void PausableHttpServer::misbehave(Reply reply, double from_monotonic_s, double to_monotonic_s) {
  std::lock_guard<std::mutex> lock(mutex_);
  windows_.push_back({reply, from_monotonic_s, to_monotonic_s});
}

PausableHttpServer::Reply PausableHttpServer::reply_at(double t) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& w : windows_) {
    if (t >= w.from && t < w.to) return w.reply;
  }
  return Reply::ok;
}

void PausableHttpServer::serve() {
  while (!quit_.load()) {
    double pause_end = 0.0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const double now = monotonic_s();
      if (now >= pause_from_ && now < pause_to_) pause_end = pause_to_;
    }
    if (pause_end > 0.0) {
      wait_briefly_ms(1);
      continue;
    }
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 2) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    accepted_.fetch_add(1);
    answer(fd, monotonic_s());
  }
}

void PausableHttpServer::answer(int fd, double accepted_at) {
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string request;
  char buf[4096];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    request.append(buf, static_cast<std::size_t>(n));
  }
  std::string reply;
  switch (reply_at(accepted_at)) {
    case Reply::ok:
      reply = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
      break;
    case Reply::status_500:
      reply = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      break;
    case Reply::malformed:
      reply = "this is not HTTP\r\n\r\n";
      break;
    case Reply::reset: {
      linger l{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      ::close(fd);
      return;
    }
    case Reply::hang:
      hung_.push_back(fd);
      return;
  }
  (void)!::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  ::close(fd);
}

}  // namespace migsim::validation::testing
