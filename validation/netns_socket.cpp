#include "validation/netns_socket.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/input_error.hpp"

namespace migsim::validation {

namespace {
void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}
}  // namespace

NetnsSockets::NetnsSockets(const std::string& netns) : name_(netns) {
  if (netns.empty()) return;
  if (netns == "." || netns == ".." || netns.find('/') != std::string::npos || netns.size() > 255) {
    throw InputError("netns: not a namespace name, got '" + netns + "'");
  }
  const std::string path = "/run/netns/" + netns;
  target_fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target_fd_ < 0) throw EnvironmentError(path + ": cannot open: " + std::strerror(errno));
  home_fd_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home_fd_ < 0) {
    const int e = errno;
    close_fd(target_fd_);
    throw EnvironmentError("/proc/thread-self/ns/net: cannot open: " + std::string(std::strerror(e)));
  }
  // Enter and leave once now, so a missing capability is an error here and not at each request.
  if (::setns(target_fd_, CLONE_NEWNET) != 0) {
    const int e = errno;
    close_fd(target_fd_);
    close_fd(home_fd_);
    throw EnvironmentError(path + ": cannot enter (setns): " + std::strerror(e));
  }
  if (::setns(home_fd_, CLONE_NEWNET) != 0) {
    throw EnvironmentError("setns back to the thread's own network namespace failed: " +
                           std::string(std::strerror(errno)));
  }
}

NetnsSockets::~NetnsSockets() {
  close_fd(target_fd_);
  close_fd(home_fd_);
}

int NetnsSockets::tcp_socket() {
  constexpr int kType = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
  if (target_fd_ < 0) return ::socket(AF_INET, kType, 0);
  if (::setns(target_fd_, CLONE_NEWNET) != 0) return -1;
  const int fd = ::socket(AF_INET, kType, 0);
  const int socket_errno = errno;
  if (::setns(home_fd_, CLONE_NEWNET) != 0) {
    if (fd >= 0) ::close(fd);
    throw EnvironmentError("setns back to the thread's own network namespace failed: " +
                           std::string(std::strerror(errno)));
  }
  errno = socket_errno;
  return fd;
}

}  // namespace migsim::validation
