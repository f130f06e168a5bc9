#pragma once
// What a web application's users saw (or are predicted to see): one record per request, and the
// statistics every part of migsim computes from them in the same way — the load generator's
// real logs (validation/), the application-impact model's simulated requests (models/), the
// report comparing the two. Times are seconds from the first request's send.
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

namespace migsim::models {

enum class RequestOutcome { ok, timeout, error };

struct RequestRecord {
  double send_s = 0.0;
  // ok: when the whole response had arrived; timeout: send_s + the timeout; error: when the
  // error was seen (connection refused or reset, malformed or non-2xx response).
  double done_s = 0.0;
  RequestOutcome outcome = RequestOutcome::ok;
};

// The latency a request counts with in percentiles: done - send for ok and timed-out requests
// (a timed-out one at its timeout, a lower bound); errors have none.
std::optional<double> latency_ms(const RequestRecord& r);

// Nearest-rank percentile (q in (0,1]) of `values`, which it sorts; NaN when empty.
double percentile(std::vector<double>& values, double q);

// One window of `window_s` seconds starting at t_s. Latency statistics are over the requests
// *sent* in the window (what a user arriving then experienced); throughput counts ok responses
// *completed* in it. Latency fields are NaN (null in JSON) when no request of the window has one.
struct RequestWindow {
  double t_s = 0.0;
  std::size_t sent = 0;
  std::size_t completed = 0;  // ok responses completed in the window
  std::size_t errors = 0;     // errors among the requests sent in it
  std::size_t timeouts = 0;   // timeouts among the requests sent in it
  double p50_ms = 0.0;
  double p99_ms = 0.0;
  double max_ms = 0.0;
  double throughput_rps = 0.0;
};

// Windows [k·w, (k+1)·w) for k = 0 .. ceil(end_s / w) - 1; records past end_s are ignored.
std::vector<RequestWindow> request_windows(std::span<const RequestRecord> requests, double window_s,
                                           double end_s);

struct TimeInterval {
  double begin_s = 0.0;
  double end_s = 0.0;
};

struct RequestSummary {
  std::size_t requests = 0;
  std::size_t completed = 0;
  std::size_t errors = 0;
  std::size_t timeouts = 0;
  // ok responses slower than the SLO, plus every timeout and error.
  std::size_t requests_over_slo = 0;
  double p50_ms = 0.0;
  double p99_ms = 0.0;
  double max_ms = 0.0;
  double max_stall_ms = 0.0;
  // p99 of the requests sent inside `during` (the migration); absent without an interval, NaN
  // when no request was sent in it.
  std::optional<double> p99_during_ms;
};

// The longest time during which at least one request was outstanding and no ok response
// arrived: for consecutive ok completions c < c', c' - max(c, earliest send among requests
// still outstanding after c); a trailing stall (requests outstanding after the last ok
// response) lasts until the last of them ended. A steady server's stall is about one service
// time; a paused guest's is the pause plus a service time. 0 with no requests.
double max_stall_ms(std::span<const RequestRecord> requests);

RequestSummary summarize_requests(std::span<const RequestRecord> requests, double slo_ms,
                                  std::optional<TimeInterval> during = std::nullopt);

nlohmann::json to_json(const RequestWindow& w);
nlohmann::json to_json(const RequestSummary& s);
nlohmann::json to_json(std::span<const RequestWindow> windows);

}  // namespace migsim::models
