#pragma once
// An open-loop HTTP load generator (issue 12 item 3): request k is due at t0 + k / rate (or at
// seeded Poisson arrivals) and is sent then, whatever happened to the earlier ones, each on a new
// TCP connection (HTTP/1.1 GET, `Connection: close`): a paused server shows as latency, not as
// fewer requests. One thread, non-blocking sockets and epoll, up to `max_in_flight` at once.
//
// Times are CLOCK_MONOTONIC, to the microsecond, relative to t0 (the first due send); the log
// carries t0 itself so a harness can place migration events on the same axis. A request's send
// time is when it was due, never when the loop got to it (no coordinated omission); how late
// the loop was is kept as `lag_s`. Traffic goes only to an IPv4 address inside the caller's
// allowed prefixes, optionally from inside a network namespace.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "models/request_log.hpp"
#include "validation/ipv4_prefix.hpp"

namespace migsim::validation {

struct HttpTarget {
  std::uint32_t address = 0;  // IPv4, host byte order
  int port = 0;
  std::string path = "/";
};

// "IP:PORT[/path]", e.g. "127.0.0.1:8080/cgi-bin/work?ms=5": a dotted-quad address (no host
// names), a port 1-65535, a path of printable characters without spaces. InputError naming
// `where` and the text otherwise.
HttpTarget parse_http_target(const std::string& where, const std::string& text);
std::string to_string(const HttpTarget& t);  // "127.0.0.1:8080/path" ("127.0.0.1:8080" for "/")

enum class Arrivals { fixed, poisson };

struct LoadSpec {
  HttpTarget target;
  double rate_rps = 10.0;     // sim/input_bounds kRequestRateRps
  double duration_s = 1.0;    // requests are due in [0, duration); kLoadDurationS
  double timeout_ms = 1000.0; // from the due time; kRequestTimeoutMs
  // At most this many requests (kRequestCount); 0 = as many as the duration holds (which must
  // then be within kRequestCount too).
  std::size_t max_requests = 0;
  // Open sockets at once (kRequestsInFlight); 0 = rate x timeout x 1.5 + 16 (then within the
  // bound too). A request due while this many are open is not sent: error `in_flight_cap`.
  std::size_t max_in_flight = 0;
  Arrivals arrivals = Arrivals::fixed;
  std::uint64_t seed = 1;  // Poisson arrivals only
  // The target must lie inside one of these; empty = nothing allowed.
  std::vector<Ipv4Prefix> allowed;
  // Sockets are made in /run/netns/NAME when non-empty.
  std::string netns;
  // The first due send at this absolute CLOCK_MONOTONIC time (seconds); default: when the run
  // starts. One in the past makes the first requests late (their lag recorded), at most 10 s.
  std::optional<double> start_monotonic_s;
};

// Throws InputError "<field>: must be ..., got <value>" for a value outside its bound, a target
// outside `allowed` ("target 8.8.8.8:80: outside the allowed prefixes 127.0.0.0/8"), a request
// count or in-flight limit beyond the bounds.
void check_load_spec(const LoadSpec& spec);
// The due times (seconds after t0) the spec gives, after check_load_spec.
std::vector<double> due_times_s(const LoadSpec& spec);

// Why a request did not end ok (outcome error or timeout).
enum class RequestFailure {
  none,
  refused,        // connection refused
  reset,          // connection reset (or broken pipe) before a whole response
  malformed,      // the bytes that came are not a whole HTTP/1.x response
  http_status,    // a whole response, status not 2xx
  connect_error,  // another connect/socket error (unreachable, no ports left, ...): `sys_errno`
  in_flight_cap,  // not sent: max_in_flight sockets were open when it was due
  timeout,        // no whole response by due + timeout
};
const char* failure_name(RequestFailure f);

struct LoadRequest {
  models::RequestRecord record;  // send_s = due time, done_s as models/request_log says
  double lag_s = 0.0;            // when connect() was called minus the due time (>= 0)
  int http_status = 0;           // 0 when no status line arrived
  RequestFailure failure = RequestFailure::none;
  int sys_errno = 0;             // for refused / reset / connect_error
};

struct LoadLog {
  double start_monotonic_s = 0.0;  // t0 on CLOCK_MONOTONIC (absolute, seconds)
  std::vector<LoadRequest> requests;  // in due order; only those due before a stop
  bool stopped_early = false;         // the stop flag or a signal ended it before the last due
  std::vector<models::RequestRecord> records() const;
};

// Runs the whole stream on the calling thread: sends each request when due, until the last due
// one (or `stop` / validation::interrupted()), then waits for those in flight (each at most its
// timeout). check_load_spec first; EnvironmentError for a namespace that cannot be entered or a
// file-descriptor limit too low for max_in_flight.
LoadLog run_open_loop(const LoadSpec& spec, const std::atomic<bool>* stop = nullptr);

// The same on a thread of its own, for a harness that polls a migration meanwhile:
//   OpenLoopClient c(spec); c.start(); ...; c.request_stop(); LoadLog log = c.join();
// The spec is checked in the constructor (InputError there); join() rethrows what the thread
// threw. The destructor stops and joins a client still running.
class OpenLoopClient {
 public:
  explicit OpenLoopClient(LoadSpec spec);
  ~OpenLoopClient();
  OpenLoopClient(const OpenLoopClient&) = delete;
  OpenLoopClient& operator=(const OpenLoopClient&) = delete;

  void start();
  // t0 on CLOCK_MONOTONIC, known from start() on.
  double start_monotonic_s() const { return spec_.start_monotonic_s.value_or(0.0); }
  // No request due after this is sent; those in flight finish or time out.
  void request_stop() { stop_.store(true); }
  LoadLog join();

 private:
  LoadSpec spec_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  LoadLog log_;
  std::exception_ptr error_;
  bool started_ = false;
};

}  // namespace migsim::validation
