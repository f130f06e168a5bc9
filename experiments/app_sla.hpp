#pragma once
// The users' side of the cluster's SLA (issue 12): when a scenario gives its VMs an application
// (a top-level "app" object, APP.json's keys, or one per VM type), each migration's predicted
// effect on that application's requests is accounted beside SLATAH/PDM. Per migration, the
// application-impact model ("queue", models/app_impact_model.hpp) runs on the migration's own
// time axis, from its start to drain_s after the guest is reachable again, with the duration
// and downtime the run gave it (no auto-converge throttle: the cluster timer does not report
// it): O(requests in that span) per migration, nothing per step.
// Summary keys (only with an app): app_requests (arrival_rps x simulated time, summed over the
// VMs with an app), app_requests_over_slo (over the migrations' spans only: outside them the
// model's request takes service_ms, within the SLO for any sensible app),
// app_p99_during_migrations_ms (p99 of the requests sent while a VM was migrating, pooled; null
// without migrations). migrations.csv then gains app_requests, app_requests_over_slo,
// app_p99_ms, app_max_stall_ms (0 for a VM without an app).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/app_params.hpp"
#include "sim/cluster_scenario.hpp"
#include "sim/engine_observer.hpp"

namespace migsim::experiments {

class AppSlaAccounting final : public sim::EngineObserver {
 public:
  // apps[i]: what VM i serves (nullopt: nothing).
  explicit AppSlaAccounting(std::vector<std::optional<models::AppParams>> apps);

  void migration_finished(const sim::MigrationFinished& m) override;

  // The migration that finished last.
  struct PerMigration {
    std::size_t requests = 0, over_slo = 0;
    double p99_ms = 0.0, max_stall_ms = 0.0;
  };
  const PerMigration& last() const { return last_; }
  static std::vector<std::string> columns();

  // Adds the summary keys for a run of `simulated_s` seconds.
  void add_to_summary(nlohmann::json& summary, double simulated_s) const;

 private:
  std::vector<std::optional<models::AppParams>> apps_;
  PerMigration last_;
  std::size_t over_slo_ = 0;
  std::vector<double> latencies_during_;  // ms, of requests sent while migrating
};

// The accounting a scenario asks for (nullptr when neither it nor a VM type has an "app");
// InputError naming the file and field for a bad app object.
std::unique_ptr<AppSlaAccounting> make_app_accounting(const sim::ClusterScenario& sc, int vms);

}  // namespace migsim::experiments
