#include "validation/load_generator.hpp"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>

#include "sim/input_bounds.hpp"
#include "sim/input_error.hpp"
#include "sim/rng.hpp"
#include "validation/http_response_parser.hpp"
#include "validation/interrupt.hpp"
#include "validation/monotonic_clock.hpp"
#include "validation/netns_socket.hpp"

namespace migsim::validation {

namespace {

constexpr double kMaxStartInPastS = 10.0;
constexpr double kMaxStartAheadS = 3600.0;
constexpr double kDefaultLeadS = 0.002;  // t0 after a call without start_monotonic_s

std::string number_text(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::size_t auto_in_flight(const LoadSpec& s) {
  return static_cast<std::size_t>(std::ceil(s.rate_rps * s.timeout_ms / 1000.0 * 1.5)) + 16;
}

std::size_t in_flight_limit(const LoadSpec& s) {
  return s.max_in_flight != 0 ? s.max_in_flight : auto_in_flight(s);
}

// Due times in nanoseconds after t0.
std::vector<std::int64_t> due_times_ns(const LoadSpec& s) {
  const auto duration_ns = static_cast<std::int64_t>(std::llround(s.duration_s * 1e9));
  const std::size_t cap = s.max_requests != 0 ? s.max_requests
                                              : static_cast<std::size_t>(bounds::kRequestCount.hi);
  std::vector<std::int64_t> due;
  if (s.arrivals == Arrivals::fixed) {
    for (std::size_t k = 0; k < cap; ++k) {
      const auto t = static_cast<std::int64_t>(std::llround(static_cast<double>(k) * 1e9 / s.rate_rps));
      if (t >= duration_ns) break;
      due.push_back(t);
    }
  } else {
    sim::Rng rng(s.seed);
    double t = 0.0;  // the first request at t0, the next ones after exponential gaps
    while (due.size() < cap) {
      const auto ns = static_cast<std::int64_t>(std::llround(t * 1e9));
      if (ns >= duration_ns) break;
      due.push_back(ns);
      t += rng.exponential(1.0 / s.rate_rps);
    }
  }
  return due;
}

std::int64_t to_us(std::int64_t ns) { return (ns >= 0 ? ns + 500 : ns - 500) / 1000; }
double us_to_s(std::int64_t us) { return static_cast<double>(us) / 1e6; }

RequestFailure failure_of_errno(int e) {
  if (e == ECONNREFUSED) return RequestFailure::refused;
  if (e == ECONNRESET || e == EPIPE) return RequestFailure::reset;
  return RequestFailure::connect_error;
}

// Enough descriptors for the sockets in flight (raising the soft limit up to the hard one).
void ensure_descriptors(std::size_t in_flight) {
  const auto needed = static_cast<rlim_t>(in_flight + 64);
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur >= needed) return;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < needed) {
    throw EnvironmentError("load generator: " + std::to_string(in_flight) +
                           " requests in flight need " + std::to_string(needed) +
                           " file descriptors; the hard limit (ulimit -Hn) is " +
                           std::to_string(lim.rlim_max));
  }
  lim.rlim_cur = needed;
  if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    throw EnvironmentError("load generator: cannot raise the file-descriptor limit to " +
                           std::to_string(needed) + ": " + std::strerror(errno));
  }
}

class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// The calling thread's timer slack at 1 us while the loop runs (the default 50 us would
// blur the send times), restored after.
class TimerSlack {
 public:
  TimerSlack() : old_(::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0)) { ::prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); }
  ~TimerSlack() {
    if (old_ > 0) ::prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(old_), 0, 0, 0);
  }
  TimerSlack(const TimerSlack&) = delete;
  TimerSlack& operator=(const TimerSlack&) = delete;

 private:
  int old_;
};

// One run of the open loop: the request stream, the sockets in flight, the epoll set.
class OpenLoop {
 public:
  OpenLoop(const LoadSpec& spec, const std::atomic<bool>* stop)
      : stop_(stop),
        sockets_(spec.netns),
        due_ns_(due_times_ns(spec)),
        timeout_ns_(std::llround(spec.timeout_ms * 1e6)),
        timeout_us_(std::llround(spec.timeout_ms * 1e3)),
        slots_(in_flight_limit(spec)),
        epoll_(::epoll_create1(EPOLL_CLOEXEC)),
        timer_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {
    if (epoll_.get() < 0 || timer_.get() < 0) {
      throw EnvironmentError(std::string("load generator: epoll/timerfd: ") + std::strerror(errno));
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kTimerKey;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, timer_.get(), &ev) != 0) {
      throw EnvironmentError(std::string("load generator: epoll_ctl: ") + std::strerror(errno));
    }
    for (std::size_t i = slots_.size(); i-- > 0;) free_.push_back(i);
    sockaddr_.sin_family = AF_INET;
    sockaddr_.sin_port = htons(static_cast<std::uint16_t>(spec.target.port));
    sockaddr_.sin_addr.s_addr = htonl(spec.target.address);
    request_ = "GET " + spec.target.path + " HTTP/1.1\r\nHost: " + ipv4_text(spec.target.address) +
               ":" + std::to_string(spec.target.port) +
               "\r\nUser-Agent: migsim-loadgen\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  }

  ~OpenLoop() {
    for (auto& c : slots_) {
      if (c.fd >= 0) ::close(c.fd);
    }
  }
  OpenLoop(const OpenLoop&) = delete;
  OpenLoop& operator=(const OpenLoop&) = delete;

  LoadLog run(std::int64_t t0_ns) {
    TimerSlack slack;
    t0_ns_ = t0_ns;
    log_.start_monotonic_s = static_cast<double>(t0_ns) / 1e9;
    log_.requests.reserve(due_ns_.size());
    std::size_t last = due_ns_.size();  // requests [0, last) are sent
    std::array<epoll_event, 256> events{};
    while (true) {
      std::int64_t now = monotonic_ns();
      if (next_ < last && ((stop_ != nullptr && stop_->load()) || interrupted())) {
        last = next_;
        log_.stopped_early = true;
      }
      while (next_ < last && t0_ns_ + due_ns_[next_] <= now) {
        send(next_++, now);
        now = monotonic_ns();
      }
      expire(now);
      if (next_ >= last && open_ == 0) break;
      std::int64_t wake = deadlines_.empty() ? INT64_MAX : deadlines_.front().deadline_ns;
      if (next_ < last) wake = std::min(wake, t0_ns_ + due_ns_[next_]);
      arm_timer(wake);
      // At most 50 ms asleep, so a stop request or a signal is seen.
      const int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), 50);
      if (n < 0 && errno != EINTR) {
        throw EnvironmentError(std::string("load generator: epoll_wait: ") + std::strerror(errno));
      }
      for (int i = 0; i < n; ++i) {
        if (events[static_cast<std::size_t>(i)].data.u64 == kTimerKey) {
          std::uint64_t ticks = 0;
          (void)!::read(timer_.get(), &ticks, sizeof ticks);
          continue;
        }
        handle(static_cast<std::size_t>(events[static_cast<std::size_t>(i)].data.u64),
               events[static_cast<std::size_t>(i)].events);
      }
    }
    return std::move(log_);
  }

 private:
  static constexpr std::uint64_t kTimerKey = ~std::uint64_t{0};
  enum class Phase { connecting, writing, reading, draining };

  struct Connection {
    int fd = -1;
    std::size_t request = 0;
    Phase phase = Phase::connecting;
    std::size_t written = 0;
    HttpResponseParser parser;
  };
  struct Deadline {
    std::int64_t deadline_ns;
    std::size_t slot;
    std::size_t request;
  };

  double rel_s(std::int64_t abs_ns) const { return us_to_s(to_us(abs_ns - t0_ns_)); }

  void send(std::size_t k, std::int64_t now) {
    LoadRequest r;
    const std::int64_t due_us = to_us(due_ns_[k]);
    r.record.send_s = us_to_s(due_us);
    r.lag_s = us_to_s(std::max<std::int64_t>(0, to_us(now - t0_ns_) - due_us));
    log_.requests.push_back(r);
    if (free_.empty()) return fail_at_send(k, RequestFailure::in_flight_cap, 0, now);
    const int fd = sockets_.tcp_socket();
    if (fd < 0) return fail_at_send(k, RequestFailure::connect_error, errno, now);
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&sockaddr_), sizeof sockaddr_);
    if (rc != 0 && errno != EINPROGRESS) {
      const int e = errno;
      ::close(fd);
      return fail_at_send(k, failure_of_errno(e), e, now);
    }
    const std::size_t slot = free_.back();
    free_.pop_back();
    Connection& c = slots_[slot];
    c = Connection{};
    c.fd = fd;
    c.request = k;
    c.phase = rc == 0 ? Phase::writing : Phase::connecting;
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = slot;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
      throw EnvironmentError(std::string("load generator: epoll_ctl: ") + std::strerror(errno));
    }
    ++open_;
    deadlines_.push_back({t0_ns_ + due_ns_[k] + timeout_ns_, slot, k});
  }

  void fail_at_send(std::size_t k, RequestFailure f, int e, std::int64_t now) {
    LoadRequest& r = log_.requests[k];
    r.record.outcome = models::RequestOutcome::error;
    r.record.done_s = std::max(r.record.send_s, rel_s(now));
    r.failure = f;
    r.sys_errno = e;
  }

  // Requests without a whole response by their deadline time out; connections kept open only
  // to let the server close first are closed with a reset.
  void expire(std::int64_t now) {
    while (!deadlines_.empty()) {
      const Deadline d = deadlines_.front();
      Connection& c = slots_[d.slot];
      const bool live = c.fd >= 0 && c.request == d.request;
      if (live && d.deadline_ns > now) return;
      deadlines_.pop_front();
      if (!live) continue;
      if (c.phase != Phase::draining) {
        LoadRequest& r = log_.requests[d.request];
        r.record.outcome = models::RequestOutcome::timeout;
        r.record.done_s = us_to_s(to_us(due_ns_[d.request]) + timeout_us_);
        r.failure = RequestFailure::timeout;
        r.http_status = c.parser.status();
      }
      close_slot(d.slot, true);
    }
  }

  void close_slot(std::size_t slot, bool reset) {
    Connection& c = slots_[slot];
    if (reset) {
      linger l{1, 0};  // RST: no TIME_WAIT left behind on our side
      ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    ::close(c.fd);  // also removes it from the epoll set
    c.fd = -1;
    free_.push_back(slot);
    --open_;
  }

  // The request's end: its record written; the connection closed unless the response was
  // whole, then it stays until the server closes (so the TIME_WAIT is the server's).
  void finish(std::size_t slot, models::RequestOutcome outcome, RequestFailure f, int e) {
    Connection& c = slots_[slot];
    LoadRequest& r = log_.requests[c.request];
    r.record.outcome = outcome;
    r.record.done_s = std::max(r.record.send_s, rel_s(monotonic_ns()));
    r.failure = f;
    r.sys_errno = e;
    r.http_status = c.parser.status();
    if (c.parser.state() == HttpResponseParser::State::complete) {
      c.phase = Phase::draining;
    } else {
      close_slot(slot, false);
    }
  }

  void fail(std::size_t slot, int e) {
    finish(slot, models::RequestOutcome::error, failure_of_errno(e), e);
  }

  void on_parser_state(std::size_t slot) {
    const Connection& c = slots_[slot];
    switch (c.parser.state()) {
      case HttpResponseParser::State::incomplete:
        return;
      case HttpResponseParser::State::malformed:
        return finish(slot, models::RequestOutcome::error, RequestFailure::malformed, 0);
      case HttpResponseParser::State::complete:
        if (c.parser.status() >= 200 && c.parser.status() < 300) {
          return finish(slot, models::RequestOutcome::ok, RequestFailure::none, 0);
        }
        return finish(slot, models::RequestOutcome::error, RequestFailure::http_status, 0);
    }
  }

  void handle(std::size_t slot, std::uint32_t events) {
    Connection& c = slots_[slot];
    if (c.fd < 0) return;
    if (c.phase == Phase::connecting) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return fail(slot, err);
      if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
      c.phase = Phase::writing;
    }
    if (c.phase == Phase::writing) {
      while (c.written < request_.size()) {
        const ssize_t w = ::send(c.fd, request_.data() + c.written, request_.size() - c.written, MSG_NOSIGNAL);
        if (w < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK) return;
          return fail(slot, errno);
        }
        c.written += static_cast<std::size_t>(w);
      }
      c.phase = Phase::reading;
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP;
      ev.data.u64 = slot;
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd, &ev);
    }
    char buf[16384];
    while (true) {
      const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        if (c.phase == Phase::reading) {
          c.parser.feed(std::string_view(buf, static_cast<std::size_t>(n)));
          on_parser_state(slot);
          if (c.fd < 0) return;
        }
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n < 0 && errno == EINTR) continue;
      if (c.phase == Phase::draining) return close_slot(slot, n < 0);
      if (n == 0) {
        c.parser.finish();
        on_parser_state(slot);
        if (c.fd >= 0) close_slot(slot, false);  // whole: the server has closed
        return;
      }
      return fail(slot, errno);
    }
  }

  void arm_timer(std::int64_t wake_ns) {
    itimerspec its{};
    if (wake_ns != INT64_MAX) {
      its.it_value.tv_sec = static_cast<time_t>(wake_ns / 1000000000LL);
      its.it_value.tv_nsec = static_cast<long>(wake_ns % 1000000000LL);
      if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
    }
    ::timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &its, nullptr);
  }

  const std::atomic<bool>* stop_;
  NetnsSockets sockets_;
  std::vector<std::int64_t> due_ns_;
  std::int64_t timeout_ns_;
  std::int64_t timeout_us_;
  std::vector<Connection> slots_;
  std::vector<std::size_t> free_;
  std::deque<Deadline> deadlines_;
  FdGuard epoll_;
  FdGuard timer_;
  sockaddr_in sockaddr_{};
  std::string request_;
  std::int64_t t0_ns_ = 0;
  std::size_t next_ = 0;
  std::size_t open_ = 0;
  LoadLog log_;
};

std::int64_t start_ns(const LoadSpec& spec) {
  if (spec.start_monotonic_s) return std::llround(*spec.start_monotonic_s * 1e9);
  return monotonic_ns() + std::llround(kDefaultLeadS * 1e9);
}

}  // namespace

HttpTarget parse_http_target(const std::string& where, const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) {
    throw InputError(where + ": expected IP:PORT[/path], got '" + text + "'");
  }
  HttpTarget t;
  t.address = parse_ipv4(where, text.substr(0, colon));
  const auto slash = text.find('/', colon);
  const std::string port = text.substr(colon + 1, slash == std::string::npos ? std::string::npos : slash - colon - 1);
  int p = 0;
  const auto r = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || r.ec != std::errc() || r.ptr != port.data() + port.size() || p < 1 || p > 65535) {
    throw InputError(where + ": port must be 1-65535, got '" + text + "'");
  }
  t.port = p;
  if (slash != std::string::npos) {
    t.path = text.substr(slash);
    for (const char ch : t.path) {
      if (static_cast<unsigned char>(ch) <= 32 || static_cast<unsigned char>(ch) >= 127) {
        throw InputError(where + ": the path must be printable ASCII without spaces, got '" + text + "'");
      }
    }
  }
  return t;
}

std::string to_string(const HttpTarget& t) {
  return ipv4_text(t.address) + ":" + std::to_string(t.port) + (t.path == "/" ? "" : t.path);
}

const char* failure_name(RequestFailure f) {
  switch (f) {
    case RequestFailure::none: return "none";
    case RequestFailure::refused: return "refused";
    case RequestFailure::reset: return "reset";
    case RequestFailure::malformed: return "malformed";
    case RequestFailure::http_status: return "http_status";
    case RequestFailure::connect_error: return "connect_error";
    case RequestFailure::in_flight_cap: return "in_flight_cap";
    case RequestFailure::timeout: return "timeout";
  }
  return "?";
}

void check_load_spec(const LoadSpec& s) {
  check_bound("rate_rps", s.rate_rps, bounds::kRequestRateRps, number_text(s.rate_rps));
  check_bound("duration_s", s.duration_s, bounds::kLoadDurationS, number_text(s.duration_s));
  check_bound("timeout_ms", s.timeout_ms, bounds::kRequestTimeoutMs, number_text(s.timeout_ms));
  if (s.max_requests != 0) {
    check_bound("max_requests", static_cast<double>(s.max_requests), bounds::kRequestCount,
                std::to_string(s.max_requests));
  } else if (s.arrivals == Arrivals::fixed || s.rate_rps * s.duration_s > bounds::kRequestCount.hi) {
    const double n = std::ceil(s.rate_rps * s.duration_s);
    check_bound("requests (rate_rps x duration_s, or max_requests)", n, bounds::kRequestCount,
                number_text(n));
  }
  if (s.max_in_flight != 0) {
    check_bound("max_in_flight", static_cast<double>(s.max_in_flight), bounds::kRequestsInFlight,
                std::to_string(s.max_in_flight));
  } else {
    const auto n = static_cast<double>(auto_in_flight(s));
    check_bound("requests in flight (rate_rps x timeout_ms x 1.5 + 16, or max_in_flight)", n,
                bounds::kRequestsInFlight, number_text(n));
  }
  const std::string target = "target " + to_string(s.target);
  if (s.target.port < 1 || s.target.port > 65535) {
    throw InputError(target + ": port must be 1-65535");
  }
  if (!any_contains(s.allowed, s.target.address)) {
    std::string list;
    for (const auto& p : s.allowed) list += (list.empty() ? "" : ", ") + to_string(p);
    throw InputError(target + ": outside the allowed prefixes (" + (list.empty() ? "none given" : list) + ")");
  }
  if (s.start_monotonic_s) {
    const double ahead = *s.start_monotonic_s - static_cast<double>(monotonic_ns()) / 1e9;
    if (!std::isfinite(ahead) || ahead < -kMaxStartInPastS || ahead > kMaxStartAheadS) {
      throw InputError("start_monotonic_s: must be within 10 s before and 3600 s after now, got " +
                       number_text(*s.start_monotonic_s) + " (" + number_text(ahead) + " s from now)");
    }
  }
}

std::vector<double> due_times_s(const LoadSpec& spec) {
  std::vector<double> out;
  for (const auto ns : due_times_ns(spec)) out.push_back(us_to_s(to_us(ns)));
  return out;
}

std::vector<models::RequestRecord> LoadLog::records() const {
  std::vector<models::RequestRecord> out;
  out.reserve(requests.size());
  for (const auto& r : requests) out.push_back(r.record);
  return out;
}

LoadLog run_open_loop(const LoadSpec& spec, const std::atomic<bool>* stop) {
  check_load_spec(spec);
  ensure_descriptors(in_flight_limit(spec));
  OpenLoop loop(spec, stop);
  return loop.run(start_ns(spec));
}

OpenLoopClient::OpenLoopClient(LoadSpec spec) : spec_(std::move(spec)) { check_load_spec(spec_); }

OpenLoopClient::~OpenLoopClient() {
  if (thread_.joinable()) {
    request_stop();
    thread_.join();
  }
}

void OpenLoopClient::start() {
  if (started_) throw std::logic_error("OpenLoopClient::start called twice");
  started_ = true;
  if (!spec_.start_monotonic_s) {
    spec_.start_monotonic_s = static_cast<double>(start_ns(spec_)) / 1e9;
  }
  thread_ = std::thread([this] {
    try {
      log_ = run_open_loop(spec_, &stop_);
    } catch (...) {
      error_ = std::current_exception();
    }
  });
}

LoadLog OpenLoopClient::join() {
  if (!started_) throw std::logic_error("OpenLoopClient::join before start");
  if (thread_.joinable()) thread_.join();
  if (error_) std::rethrow_exception(error_);
  return std::move(log_);
}

}  // namespace migsim::validation
