#pragma once
// What a web application's users see while its VM is live-migrated: a model turns the
// migration's phases (as the pre-copy model predicts them, or as QEMU reported them) and the
// application (APP.json) into the requests of an open-loop stream, RequestRecords that then go
// through models/request_log's windows and summary like the real logs do.
// Models by name in models/app_model_registry.cpp: "queue" and the "downtime-only" baseline.
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/app_params.hpp"
#include "models/precopy_types.hpp"
#include "models/request_log.hpp"

namespace migsim::models {

// From `from_s`, auto-converge throttles the vCPUs by `pct` (%).
struct ThrottleStep {
  double from_s = 0.0;
  double pct = 0.0;
};

// One migration on the application's time axis (s since its first request).
struct MigrationTimeline {
  double start_s = 0.0;   // the migrate command
  double stop_s = std::numeric_limits<double>::infinity();  // guest paused (stop-and-copy begins)
  double resume_s = std::numeric_limits<double>::infinity();  // QEMU's completion: stop + downtime
  double end_s = 0.0;     // completed (= resume_s) or cancelled
  bool converged = false;
  std::vector<ThrottleStep> throttle;  // during the pre-copy, sorted
  double downtime_ms() const { return converged ? (resume_s - stop_s) * 1000.0 : 0.0; }
};

// A prediction's phases, its migrate command at `start_s`: the guest stops at
// total - downtime, the throttle per round from the iteration log (the final throttle
// throughout when there is none).
MigrationTimeline timeline_from_prediction(const Prediction& p, double start_s);
// QEMU's numbers: total-time and downtime (ms) from a migrate command at `start_s`, the
// throttle over time (empty: none).
MigrationTimeline timeline_from_measured(double start_s, double total_ms, double downtime_ms, bool converged,
                                         std::vector<ThrottleStep> throttle);

class AppImpactModel {
 public:
  virtual ~AppImpactModel() = default;
  virtual std::string name() const = 0;
  // The requests sent in [0, end_s), in send order.
  virtual std::vector<RequestRecord> simulate(const AppParams& app, const MigrationTimeline& m,
                                              double end_s) const = 0;
};

// "queue": service stretched during the pre-copy by (1 + precopy_slowdown) / (1 - throttle),
// stopped from the guest's pause until downtime + switchover_ms later, connections attempted
// during the pause (the downtime) retried per syn_retry_s, those in the switch-over after it
// waiting, the queue draining after.
class QueueAppModel : public AppImpactModel {
 public:
  std::string name() const override { return "queue"; }
  std::vector<RequestRecord> simulate(const AppParams& app, const MigrationTimeline& m,
                                      double end_s) const override;
};

// "downtime-only": the naive baseline, the guest's downtime is the only effect (a stall of
// exactly that long; no slowdown, no switch-over, no retries).
class DowntimeOnlyAppModel : public AppImpactModel {
 public:
  std::string name() const override { return "downtime-only"; }
  std::vector<RequestRecord> simulate(const AppParams& app, const MigrationTimeline& m,
                                      double end_s) const override;
};

// The window of request_windows() every app report uses.
inline constexpr double kAppWindowS = 0.1;

struct AppImpact {
  std::vector<RequestRecord> requests;
  std::vector<RequestWindow> windows;  // kAppWindowS windows over [0, end_s) (or windows_end_s)
  RequestSummary summary;              // p99_during over [m.start_s, m.end_s)
  double end_s = 0.0;
};

// Requests sent in [0, end_s); windows over [0, max(end_s, windows_end_s)) (a recording's windows
// run on to its last answer).
AppImpact app_impact(const AppImpactModel& model, const AppParams& app, const MigrationTimeline& m, double end_s,
                     double windows_end_s = 0.0);
// `predict --app`'s time axis: warmup_s of load, the migrate command, drain_s after the guest
// is reachable again (after the migration's end when it does not converge).
double predict_end_s(const AppParams& app, const MigrationTimeline& m);

// The `app` object of `predict --app --json`: p50_ms, p99_ms, max_stall_ms, requests,
// requests_over_slo, windows [{t_s, p50_ms, p99_ms, throughput_rps}] (null for no latency).
nlohmann::json app_json(const AppImpact& a);

}  // namespace migsim::models
