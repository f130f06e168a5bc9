#include "models/request_queue.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <stdexcept>

#include "sim/rng.hpp"

namespace migsim::models {

double finish_time(const std::vector<SpeedSegment>& speed, double start_s, double work_ms) {
  if (speed.empty() || !(speed.back().speed > 0.0)) {
    throw std::invalid_argument("finish_time: the last speed segment must be > 0");
  }
  auto it = std::upper_bound(speed.begin(), speed.end(), start_s,
                             [](double t, const SpeedSegment& s) { return t < s.from_s; });
  std::size_t i = it == speed.begin() ? 0 : static_cast<std::size_t>(it - speed.begin()) - 1;
  double t = start_s;
  double left_s = work_ms / 1000.0;  // undisturbed seconds of work still to do
  for (;; ++i) {
    const double v = speed[i].speed;
    const double seg_end = i + 1 < speed.size() ? speed[i + 1].from_s : std::numeric_limits<double>::infinity();
    if (v > 0.0 && (seg_end - t) * v >= left_s) return t + left_s / v;
    if (v > 0.0) left_s -= (seg_end - t) * v;
    t = seg_end;
  }
}

namespace {

std::vector<double> send_times(const AppParams& app, double end_s) {
  std::vector<double> out;
  if (app.arrivals == ArrivalProcess::Fixed) {
    const double gap = 1.0 / app.arrival_rps;
    for (std::size_t i = 0;; ++i) {
      const double t = static_cast<double>(i) * gap;
      if (!(t < end_s)) break;
      out.push_back(t);
    }
    return out;
  }
  sim::Rng rng = sim::RngStreams(app.seed).stream("arrivals");
  for (double t = 0.0; t < end_s; t += rng.exponential(1.0 / app.arrival_rps)) out.push_back(t);
  return out;
}

bool inside(const std::optional<TimeInterval>& i, double t) { return i && t >= i->begin_s && t < i->end_s; }

// Which requests lose their SYN: those sent in the loss window, or, with a count, that many
// sent nearest its middle (ties to the earlier one).
std::vector<bool> syn_losers(const QueueInput& in, const std::vector<double>& sends) {
  std::vector<bool> lost(sends.size(), false);
  if (!(in.syn_retry_s > 0.0) || !in.syn_lost) return lost;
  if (!in.syn_lost_count) {
    for (std::size_t i = 0; i < sends.size(); ++i) lost[i] = inside(in.syn_lost, sends[i]);
    return lost;
  }
  const double mid = 0.5 * (in.syn_lost->begin_s + in.syn_lost->end_s);
  // sends is sorted: the k nearest the middle are a contiguous run around it.
  auto hi = static_cast<std::size_t>(std::lower_bound(sends.begin(), sends.end(), mid) - sends.begin());
  std::size_t lo = hi;  // the run is [lo, hi)
  for (int k = 0; k < *in.syn_lost_count; ++k) {
    const bool left = lo > 0, right = hi < sends.size();
    if (!left && !right) break;
    if (left && (!right || mid - sends[lo - 1] <= sends[hi] - mid)) --lo;
    else ++hi;
  }
  for (std::size_t i = lo; i < hi; ++i) lost[i] = true;
  return lost;
}

// When the request sent at `send_s` reaches the server.
double arrival_time(const QueueInput& in, double send_s, bool syn_lost) {
  double t = send_s;
  if (syn_lost) {
    // Retransmissions at send + r, + 2r, + 4r ... until one is sent after the loss window.
    double wait = in.syn_retry_s;
    t += wait;
    while (t < in.syn_lost->end_s) {
      wait *= 2.0;
      t += wait;
    }
  }
  return inside(in.unreachable, t) ? in.unreachable->end_s : t;
}

}  // namespace

std::vector<RequestRecord> simulate_requests(const AppParams& app, const QueueInput& in) {
  const std::vector<double> sends = send_times(app, in.end_s);
  std::vector<double> work(sends.size(), app.service_ms);
  if (app.service == ServiceDistribution::Exponential) {
    sim::Rng rng = sim::RngStreams(app.seed).stream("service");
    for (auto& w : work) w = rng.exponential(app.service_ms);
  }
  std::vector<double> arrive(sends.size());
  const std::vector<bool> lost = syn_losers(in, sends);
  for (std::size_t i = 0; i < sends.size(); ++i) arrive[i] = arrival_time(in, sends[i], lost[i]);
  std::vector<std::size_t> order(sends.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return arrive[a] < arrive[b]; });
  // Servers' next free times; FIFO: each request takes the server free first.
  std::priority_queue<double, std::vector<double>, std::greater<>> free_at;
  for (int s = 0; s < app.servers; ++s) free_at.push(0.0);
  std::vector<RequestRecord> out(sends.size());
  const double timeout_s = app.timeout_ms / 1000.0;
  for (const std::size_t i : order) {
    const double start = std::max(arrive[i], free_at.top());
    free_at.pop();
    const double done = finish_time(in.speed, start, work[i]);
    free_at.push(done);
    RequestRecord& r = out[i];
    r.send_s = sends[i];
    if (done - sends[i] > timeout_s) {
      r.outcome = RequestOutcome::timeout;
      r.done_s = sends[i] + timeout_s;
    } else {
      r.done_s = done;
    }
  }
  return out;
}

}  // namespace migsim::models
