#include "models/request_log.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace migsim::models {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

struct LatencyStats {
  double p50 = kNaN, p99 = kNaN, max = kNaN;
};

LatencyStats latency_stats(std::vector<double>& latencies) {
  LatencyStats s;
  if (latencies.empty()) return s;
  s.p50 = percentile(latencies, 0.50);  // sorts
  s.p99 = percentile(latencies, 0.99);
  s.max = latencies.back();
  return s;
}

}  // namespace

std::optional<double> latency_ms(const RequestRecord& r) {
  if (r.outcome == RequestOutcome::error) return std::nullopt;
  return (r.done_s - r.send_s) * 1000.0;
}

double percentile(std::vector<double>& values, double q) {
  if (values.empty()) return kNaN;
  if (!(q > 0.0 && q <= 1.0)) throw std::invalid_argument("percentile: q must be in (0, 1]");
  std::sort(values.begin(), values.end());
  const auto n = static_cast<double>(values.size());
  auto rank = static_cast<std::size_t>(std::ceil(q * n));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  return values[rank - 1];
}

std::vector<RequestWindow> request_windows(std::span<const RequestRecord> requests, double window_s,
                                           double end_s) {
  if (!(window_s > 0.0)) throw std::invalid_argument("request_windows: window must be > 0");
  if (!(end_s >= 0.0)) return {};
  const auto count = static_cast<std::size_t>(std::ceil(end_s / window_s));
  std::vector<RequestWindow> windows(count);
  std::vector<std::vector<double>> latencies(count);
  for (std::size_t k = 0; k < count; ++k) windows[k].t_s = static_cast<double>(k) * window_s;
  auto index_of = [&](double t) -> std::optional<std::size_t> {
    if (!(t >= 0.0) || !(t < end_s)) return std::nullopt;
    // 0.3 / 0.1 is 2.99...96 in doubles: a time within 1e-9 of a window below a boundary is
    // floating-point noise and opens the next window (a request sent at 0.3 s is in [0.3, 0.4)).
    return std::min(count - 1, static_cast<std::size_t>(t / window_s + 1e-9));
  };
  for (const auto& r : requests) {
    if (auto k = index_of(r.send_s)) {
      auto& w = windows[*k];
      ++w.sent;
      if (r.outcome == RequestOutcome::error) ++w.errors;
      if (r.outcome == RequestOutcome::timeout) ++w.timeouts;
      if (auto l = latency_ms(r)) latencies[*k].push_back(*l);
    }
    if (r.outcome == RequestOutcome::ok) {
      if (auto k = index_of(r.done_s)) ++windows[*k].completed;
    }
  }
  for (std::size_t k = 0; k < count; ++k) {
    const auto s = latency_stats(latencies[k]);
    windows[k].p50_ms = s.p50;
    windows[k].p99_ms = s.p99;
    windows[k].max_ms = s.max;
    windows[k].throughput_rps = static_cast<double>(windows[k].completed) / window_s;
  }
  return windows;
}

double max_stall_ms(std::span<const RequestRecord> requests) {
  if (requests.empty()) return 0.0;
  std::vector<RequestRecord> by_done(requests.begin(), requests.end());
  std::stable_sort(by_done.begin(), by_done.end(),
                   [](const RequestRecord& a, const RequestRecord& b) { return a.done_s < b.done_s; });
  // earliest_send[i] = min send_s over by_done[i..]: the requests still outstanding after a time
  // are exactly those ending later, and only the earliest of their sends matters.
  std::vector<double> earliest_send(by_done.size() + 1, std::numeric_limits<double>::infinity());
  for (std::size_t i = by_done.size(); i-- > 0;)
    earliest_send[i] = std::min(earliest_send[i + 1], by_done[i].send_s);
  double last_ok = -std::numeric_limits<double>::infinity();
  std::size_t after_last_ok = 0;  // first index with done_s > last_ok
  double stall = 0.0;
  for (std::size_t i = 0; i < by_done.size(); ++i) {
    if (by_done[i].outcome != RequestOutcome::ok) continue;
    const double c = by_done[i].done_s;
    stall = std::max(stall, c - std::max(last_ok, earliest_send[after_last_ok]));
    last_ok = c;
    after_last_ok = i + 1;
    while (after_last_ok < by_done.size() && by_done[after_last_ok].done_s <= last_ok) ++after_last_ok;
  }
  if (after_last_ok < by_done.size())  // requests outstanding after the last ok response
    stall = std::max(stall, by_done.back().done_s - std::max(last_ok, earliest_send[after_last_ok]));
  return std::max(0.0, stall) * 1000.0;
}

RequestSummary summarize_requests(std::span<const RequestRecord> requests, double slo_ms,
                                  std::optional<TimeInterval> during) {
  RequestSummary s;
  s.requests = requests.size();
  std::vector<double> all, in_interval;
  for (const auto& r : requests) {
    const auto l = latency_ms(r);
    switch (r.outcome) {
      case RequestOutcome::ok: ++s.completed; break;
      case RequestOutcome::timeout: ++s.timeouts; break;
      case RequestOutcome::error: ++s.errors; break;
    }
    if (r.outcome != RequestOutcome::ok || *l > slo_ms) ++s.requests_over_slo;
    if (!l) continue;
    all.push_back(*l);
    if (during && r.send_s >= during->begin_s && r.send_s < during->end_s) in_interval.push_back(*l);
  }
  const auto st = latency_stats(all);
  s.p50_ms = st.p50;
  s.p99_ms = st.p99;
  s.max_ms = st.max;
  s.max_stall_ms = max_stall_ms(requests);
  if (during) s.p99_during_ms = percentile(in_interval, 0.99);
  return s;
}

nlohmann::json to_json(const RequestWindow& w) {
  return {{"t_s", w.t_s},
          {"sent", w.sent},
          {"completed", w.completed},
          {"errors", w.errors},
          {"timeouts", w.timeouts},
          {"p50_ms", number_or_null(w.p50_ms)},
          {"p99_ms", number_or_null(w.p99_ms)},
          {"max_ms", number_or_null(w.max_ms)},
          {"throughput_rps", w.throughput_rps}};
}

nlohmann::json to_json(std::span<const RequestWindow> windows) {
  auto out = nlohmann::json::array();
  for (const auto& w : windows) out.push_back(to_json(w));
  return out;
}

nlohmann::json to_json(const RequestSummary& s) {
  nlohmann::json j = {{"requests", s.requests},
                      {"completed", s.completed},
                      {"errors", s.errors},
                      {"timeouts", s.timeouts},
                      {"requests_over_slo", s.requests_over_slo},
                      {"p50_ms", number_or_null(s.p50_ms)},
                      {"p99_ms", number_or_null(s.p99_ms)},
                      {"max_ms", number_or_null(s.max_ms)},
                      {"max_stall_ms", s.max_stall_ms}};
  if (s.p99_during_ms) j["p99_during_migration_ms"] = number_or_null(*s.p99_during_ms);
  return j;
}

}  // namespace migsim::models
