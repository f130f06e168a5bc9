#include "validation/qmp_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/input_error.hpp"
#include "validation/interrupt.hpp"
#include "validation/monotonic_clock.hpp"

namespace migsim::validation {

QmpClient::~QmpClient() { close(); }

void QmpClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

void QmpClient::connect_impl(const std::string& path, double timeout_s, bool (*alive)(void*),
                             void* ctx) {
  close();
  path_ = path;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    throw EnvironmentError("QMP socket path too long: " + path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const double deadline = monotonic_s() + timeout_s;
  for (;;) {
    throw_if_interrupted();
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw EnvironmentError("socket(): " + std::string(std::strerror(errno)));
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
      fd_ = fd;
      break;
    }
    ::close(fd);
    if (!alive(ctx)) throw EnvironmentError("QEMU exited before its QMP socket " + path + " opened");
    if (monotonic_s() > deadline) {
      throw EnvironmentError("QMP socket " + path + " did not accept connections within " +
                             std::to_string(timeout_s) + " s");
    }
    // QEMU creates the socket while starting; nothing to wait on but the file.
    wait_briefly_ms(20);
  }
  const nlohmann::json greeting = read_message(monotonic_s() + timeout_s);
  if (!greeting.contains("QMP")) {
    throw EnvironmentError("QMP " + path + ": unexpected greeting: " + greeting.dump().substr(0, 200));
  }
  execute("qmp_capabilities", nullptr, timeout_s);
}

nlohmann::json QmpClient::read_message(double deadline) {
  for (;;) {
    const auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
      try {
        return nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception& e) {
        throw EnvironmentError("QMP " + path_ + ": unparsable reply: " + line.substr(0, 200));
      }
    }
    throw_if_interrupted();
    const double left = deadline - monotonic_s();
    if (left <= 0) throw EnvironmentError("QMP " + path_ + ": no reply before the deadline");
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min(left, 0.2) * 1000.0) + 1);
    if (r < 0 && errno != EINTR) throw EnvironmentError("QMP poll: " + std::string(std::strerror(errno)));
    if (r <= 0) continue;
    char buf[65536];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n == 0) throw EnvironmentError("QMP " + path_ + ": QEMU closed the connection");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw EnvironmentError("QMP read: " + std::string(std::strerror(errno)));
    }
    buffer_.append(buf, static_cast<std::size_t>(n));
  }
}

nlohmann::json QmpClient::execute(const std::string& command, const nlohmann::json& arguments,
                                  double timeout_s) {
  if (fd_ < 0) throw EnvironmentError("QMP: not connected");
  nlohmann::json msg{{"execute", command}};
  if (!arguments.is_null()) msg["arguments"] = arguments;
  const std::string text = msg.dump() + "\n";
  std::size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = ::send(fd_, text.data() + off, text.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw EnvironmentError("QMP " + path_ + ": send " + command + ": " + std::strerror(errno));
    }
    off += static_cast<std::size_t>(n);
  }
  const double deadline = monotonic_s() + timeout_s;
  for (;;) {
    nlohmann::json reply = read_message(deadline);
    if (reply.contains("event")) {
      events_.push_back(std::move(reply));
      continue;
    }
    if (reply.contains("error")) {
      const auto& e = reply["error"];
      throw EnvironmentError("QMP " + command + " failed: " + e.value("class", std::string("?")) +
                             ": " + e.value("desc", std::string("?")));
    }
    if (reply.contains("return")) return reply["return"];
  }
}

}  // namespace migsim::validation
