#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/app_sla.hpp"
#include "sim/cluster_result.hpp"
#include "sim/cluster_scenario.hpp"
#include "sim/cluster_spec.hpp"
#include "sim/consolidation_policy.hpp"
#include "sim/engine_observer.hpp"
#include "sim/migration_timing.hpp"

namespace migsim::experiments {

// Everything `migsim run` needs, assembled from a scenario file and flags
// (shared with the tests and the benchmark).
struct ClusterRunRequest {
  std::string scenario_path;
  // The scenario itself when it does not come from scenario_path as is (a sweep
  // point); scenario_path then only names it in messages.
  std::optional<nlohmann::json> scenario_doc;
  std::string traces_dir;              // PlanetLab-style directory; empty: the scenario's workload
  std::string policy;                  // CloudSim name or "rules"; empty: the scenario's policy
  std::optional<double> parameter;     // --param
  std::optional<std::uint64_t> seed;   // overrides the scenario's seed (RS selection)
};

struct ClusterRun {
  sim::ClusterScenario scenario;
  sim::ClusterSpec spec;
  std::unique_ptr<sim::MigrationTimer> timer;
  std::unique_ptr<sim::ConsolidationPolicy> policy;
  std::string workload;  // where the demand came from, for the summary
  std::uint64_t seed = 42;
  // The users' SLA of the scenario's "app" (experiments/app_sla.hpp); nullptr without one.
  std::unique_ptr<AppSlaAccounting> app;
};

ClusterRun prepare_cluster_run(const ClusterRunRequest& req);
// Runs the simulation (consumes run.spec), telling run.app first, then `observers` what
// happens (not owned).
sim::ClusterResult run_cluster(ClusterRun& run, const std::vector<sim::EngineObserver*>& observers = {});
// The summary of `migsim run --json` (and of summary.json): the result, the
// scenario's name, the workload, the migration model and the seed.
nlohmann::json run_summary(const ClusterRun& run, const sim::ClusterResult& r);

}  // namespace migsim::experiments
