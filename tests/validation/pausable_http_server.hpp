#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for the load generator's tests, on a thread of its own,
// that can misbehave on a schedule: stop accepting for a while (connections wait in the
// backlog, as at a paused guest), or answer the requests accepted in a time window with a 500,
// garbage, a reset, or nothing at all (the client must time out).
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace migsim::validation::testing {

class PausableHttpServer {
 public:
  enum class Reply { ok, status_500, malformed, reset, hang };

  // Listens on 127.0.0.1, an ephemeral port; inside /run/netns/NETNS when given.
  explicit PausableHttpServer(const std::string& netns = "");
  ~PausableHttpServer();
  PausableHttpServer(const PausableHttpServer&) = delete;
  PausableHttpServer& operator=(const PausableHttpServer&) = delete;

  int port() const { return port_; }
  // Accept nothing in [from, from + ms) (CLOCK_MONOTONIC seconds).
  void pause_accepting(double from_monotonic_s, double ms);
  // Requests accepted in [from, to) get `reply` instead of a 200.
  void misbehave(Reply reply, double from_monotonic_s, double to_monotonic_s);
  std::size_t accepted() const { return accepted_.load(); }

 private:
  struct Window {
    Reply reply;
    double from, to;
  };
  void serve();
  void answer(int fd, double accepted_at);
  Reply reply_at(double t);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> quit_{false};
  std::atomic<std::size_t> accepted_{0};
  std::mutex mutex_;
  double pause_from_ = 0.0, pause_to_ = 0.0;
  std::vector<Window> windows_;
  std::vector<int> hung_;
  std::thread thread_;
};

}  // namespace migsim::validation::testing
