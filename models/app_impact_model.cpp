#include "models/app_impact_model.hpp"

#include <algorithm>
#include <cmath>

#include "models/request_queue.hpp"

namespace migsim::models {

namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

double throttle_at(const std::vector<ThrottleStep>& steps, double t) {
  double pct = 0.0;
  for (const auto& s : steps) {
    if (s.from_s > t) break;
    pct = s.pct;
  }
  return pct;
}

}  // namespace

MigrationTimeline timeline_from_prediction(const Prediction& p, double start_s) {
  std::vector<ThrottleStep> steps;
  if (!p.iteration_log.empty()) {
    for (const auto& it : p.iteration_log) {
      if (it.stop_and_copy) continue;
      if (steps.empty() || steps.back().pct != it.throttle_pct)
        steps.push_back({start_s + it.start_ms / 1000.0, it.throttle_pct});
    }
  } else if (p.final_throttle_pct > 0.0) {
    steps.push_back({start_s, p.final_throttle_pct});
  }
  return timeline_from_measured(start_s, p.total_time_ms, p.converged ? p.downtime_ms : 0.0, p.converged,
                                std::move(steps));
}

MigrationTimeline timeline_from_measured(double start_s, double total_ms, double downtime_ms, bool converged,
                                         std::vector<ThrottleStep> throttle) {
  MigrationTimeline m;
  m.start_s = start_s;
  m.converged = converged;
  m.end_s = start_s + total_ms / 1000.0;
  if (converged) {
    m.resume_s = m.end_s;
    m.stop_s = std::max(start_s, m.end_s - downtime_ms / 1000.0);
  }
  m.throttle = std::move(throttle);
  return m;
}

std::vector<RequestRecord> QueueAppModel::simulate(const AppParams& app, const MigrationTimeline& m,
                                                   double end_s) const {
  QueueInput in;
  in.end_s = end_s;
  in.syn_retry_s = app.syn_retry_s;
  const double precopy_end = m.converged ? m.stop_s : m.end_s;
  in.speed.push_back({0.0, 1.0});
  // The pre-copy: one segment per throttle level.
  std::vector<double> cuts{m.start_s};
  for (const auto& s : m.throttle) {
    if (s.from_s > m.start_s && s.from_s < precopy_end) cuts.push_back(s.from_s);
  }
  for (const double c : cuts) {
    if (!(c < precopy_end)) continue;
    const double run_share = std::max(0.01, 1.0 - throttle_at(m.throttle, c) / 100.0);
    in.speed.push_back({c, run_share / (1.0 + app.precopy_slowdown)});
  }
  double back = precopy_end;
  if (m.converged) {
    back = m.resume_s + app.switchover_ms / 1000.0;
    in.speed.push_back({m.stop_s, 0.0});
    in.unreachable = TimeInterval{m.stop_s, back};
    // Only a SYN sent while the guest is paused is lost (the recorded runs: every request that
    // waited for a retransmission was sent within QEMU's downtime shifted a few ms later, none
    // later in the switch-over).
    const double shift = app.syn_lost_shift_ms / 1000.0;
    in.syn_lost = TimeInterval{m.stop_s + shift, m.resume_s + shift};
    if (app.syn_loss == SynLoss::Expected) {
      in.syn_lost_count = static_cast<int>(std::lround(app.arrival_rps * (m.resume_s - m.stop_s)));
    }
  }
  in.speed.push_back({back, 1.0});
  // Segments that start at the same time: the last one holds.
  std::vector<SpeedSegment> clean;
  for (const auto& s : in.speed) {
    if (!clean.empty() && clean.back().from_s >= s.from_s) clean.back() = {clean.back().from_s, s.speed};
    else clean.push_back(s);
  }
  in.speed = std::move(clean);
  return simulate_requests(app, in);
}

std::vector<RequestRecord> DowntimeOnlyAppModel::simulate(const AppParams& app, const MigrationTimeline& m,
                                                          double end_s) const {
  QueueInput in;
  in.end_s = end_s;
  in.speed.push_back({0.0, 1.0});
  if (m.converged && m.resume_s > m.stop_s) {
    in.speed.push_back({m.stop_s, 0.0});
    in.speed.push_back({m.resume_s, 1.0});
    in.unreachable = TimeInterval{m.stop_s, m.resume_s};
  }
  return simulate_requests(app, in);
}

double predict_end_s(const AppParams& app, const MigrationTimeline& m) {
  const double back = m.converged ? m.resume_s + app.switchover_ms / 1000.0 : m.end_s;
  return back + app.drain_s;
}

AppImpact app_impact(const AppImpactModel& model, const AppParams& app, const MigrationTimeline& m, double end_s,
                     double windows_end_s) {
  AppImpact a;
  a.end_s = std::max(end_s, windows_end_s);
  a.requests = model.simulate(app, m, end_s);
  a.windows = request_windows(a.requests, kAppWindowS, a.end_s);
  a.summary = summarize_requests(a.requests, app.slo_ms, TimeInterval{m.start_s, m.end_s});
  return a;
}

nlohmann::json app_json(const AppImpact& a) {
  auto windows = nlohmann::json::array();
  for (const auto& w : a.windows) {
    windows.push_back({{"t_s", w.t_s},
                       {"p50_ms", number_or_null(w.p50_ms)},
                       {"p99_ms", number_or_null(w.p99_ms)},
                       {"throughput_rps", w.throughput_rps}});
  }
  return {{"p50_ms", number_or_null(a.summary.p50_ms)},
          {"p99_ms", number_or_null(a.summary.p99_ms)},
          {"max_stall_ms", a.summary.max_stall_ms},
          {"requests", a.summary.requests},
          {"requests_over_slo", a.summary.requests_over_slo},
          {"windows", windows}};
}

}  // namespace migsim::models
