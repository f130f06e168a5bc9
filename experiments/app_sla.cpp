#include "experiments/app_sla.hpp"

#include <cmath>

#include "models/app_impact_model.hpp"
#include "models/request_log.hpp"

namespace migsim::experiments {

AppSlaAccounting::AppSlaAccounting(std::vector<std::optional<models::AppParams>> apps) : apps_(std::move(apps)) {}

std::vector<std::string> AppSlaAccounting::columns() {
  return {"app_requests", "app_requests_over_slo", "app_p99_ms", "app_max_stall_ms"};
}

void AppSlaAccounting::migration_finished(const sim::MigrationFinished& m) {
  last_ = {};
  const int vm = m.request.vm;
  if (vm < 0 || vm >= static_cast<int>(apps_.size()) || !apps_[vm]) return;
  models::AppParams app = *apps_[vm];
  app.warmup_s = 0.0;
  const auto timeline = models::timeline_from_measured(0.0, m.timing.duration_s * 1000.0,
                                                       m.timing.downtime_s * 1000.0, m.timing.converged, {});
  const models::QueueAppModel model;
  const auto requests = model.simulate(app, timeline, models::predict_end_s(app, timeline));
  const auto s = models::summarize_requests(requests, app.slo_ms, models::TimeInterval{0.0, timeline.end_s});
  for (const auto& r : requests) {
    if (!(r.send_s < timeline.end_s)) continue;
    if (const auto l = models::latency_ms(r)) latencies_during_.push_back(*l);
  }
  last_.requests = s.requests;
  last_.over_slo = s.requests_over_slo;
  last_.p99_ms = s.p99_during_ms && std::isfinite(*s.p99_during_ms) ? *s.p99_during_ms : 0.0;
  last_.max_stall_ms = s.max_stall_ms;
  over_slo_ += s.requests_over_slo;
}

void AppSlaAccounting::add_to_summary(nlohmann::json& summary, double simulated_s) const {
  double requests = 0.0;
  for (const auto& a : apps_) {
    if (a) requests += a->arrival_rps * simulated_s;
  }
  summary["app_requests"] = std::llround(requests);
  summary["app_requests_over_slo"] = over_slo_;
  std::vector<double> l = latencies_during_;
  const double p99 = models::percentile(l, 0.99);
  summary["app_p99_during_migrations_ms"] = std::isfinite(p99) ? nlohmann::json(p99) : nlohmann::json(nullptr);
}

std::unique_ptr<AppSlaAccounting> make_app_accounting(const sim::ClusterScenario& sc, int vms) {
  bool any = !sc.app.is_null();
  for (const auto& t : sc.vm_types) any = any || !t.app.is_null();
  if (!any) return nullptr;
  std::optional<models::AppParams> fallback;
  if (!sc.app.is_null()) fallback = models::app_params_from_json(sc.app, sc.path + ": app");
  std::vector<std::optional<models::AppParams>> per_type;
  for (const auto& t : sc.vm_types) {
    per_type.push_back(t.app.is_null() ? fallback : std::optional(models::app_params_from_json(t.app, t.app_where)));
  }
  std::vector<std::optional<models::AppParams>> apps;
  for (int i = 0; i < vms; ++i) apps.push_back(per_type[sim::vm_type_index(sc, i, vms)]);
  return std::make_unique<AppSlaAccounting>(std::move(apps));
}

}  // namespace migsim::experiments
