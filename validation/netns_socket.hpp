#pragma once
// Sockets made inside a named network namespace (/run/netns/NAME, as `ip netns add` makes them)
// from a thread that otherwise stays where it is: setns(2) into the namespace, socket(2), setns
// back. A socket keeps the namespace it was made in, so connecting it later reaches only that
// namespace's addresses. An empty name = the calling thread's own namespace.
#include <string>

namespace migsim::validation {

class NetnsSockets {
 public:
  // Opens the namespace (EnvironmentError naming /run/netns/NAME when it cannot be opened or
  // entered); InputError for a name that is not a plain file name.
  explicit NetnsSockets(const std::string& netns);
  ~NetnsSockets();
  NetnsSockets(const NetnsSockets&) = delete;
  NetnsSockets& operator=(const NetnsSockets&) = delete;

  // socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) in the namespace; -1 with
  // errno set when socket(2) fails. Throws EnvironmentError if the thread cannot get back to
  // its own namespace (it would otherwise go on in the wrong one).
  int tcp_socket();
  const std::string& netns() const { return name_; }

 private:
  std::string name_;
  int target_fd_ = -1;
  int home_fd_ = -1;
};

}  // namespace migsim::validation
