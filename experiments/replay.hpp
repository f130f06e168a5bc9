#pragma once
// `migsim replay`: the cluster engine driven by a captured libvirt trace (CPU
// demand from cpu.time deltas, memory from balloon, dirty rates from the
// page-sampling measurements; every VM starts where the trace saw it first),
// what the policy would have migrated and what each migration would cost (QEMU
// pre-copy model), and, for the migrations the trace recorded, the model's
// prediction next to libvirt's job stats.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/precopy_types.hpp"
#include "sim/cluster_result.hpp"
#include "sim/engine_observer.hpp"
#include "sim/migration_timing.hpp"
#include "traces/libvirt_trace.hpp"
#include "traces/libvirt_trace_analysis.hpp"

namespace migsim::experiments {

struct ReplaySettings {
  std::string policy = "thr-mmt";   // rules file or policy name (policies/policy_loader.hpp)
  std::uint64_t seed = 42;          // the policy's random choices (RS selection)
  double host_cpus = 0.0;           // CPUs per host; 0: as captured
  double bandwidth_mibps = 0.0;     // the policy's migrations; 0: unlimited
  double max_downtime_ms = 300.0;   // the policy's migrations, and recorded ones without a setting
  double rss_overhead_mib = 128.0;  // QEMU's own RSS, subtracted to estimate non-zero memory
  models::HostProfile profile;      // link speed, copy ceilings, ...
};

// A migration the policy started in the replay, with the model's prediction.
struct PolicyMigration {
  double t_s = 0.0;
  std::string domain, from, to;
  sim::MigrationTiming predicted;
};

// A migration the trace recorded, the model's inputs for it and the prediction.
struct RecordedComparison {
  traces::RecordedMigration recorded;
  models::MigrationScenario scenario;
  std::string nonzero_from, dirty_rate_from;  // where the estimates came from
  models::Prediction predicted;
  double real_total_ms = 0, real_downtime_ms = 0, real_memory_bytes = 0, real_iterations = 0;
};

struct ReplayResult {
  std::string trace;                   // its origin (file name)
  std::vector<std::string> host_names;  // the trace header's, by host index
  traces::TraceSeries series;
  std::string policy;
  sim::ClusterResult cluster;
  std::vector<PolicyMigration> policy_migrations;
  std::vector<RecordedComparison> recorded;
};

// Errors (InputError) name `origin`, the line and the field, or the policy file.
// `observers` watch the cluster engine's run (not owned; e.g. RunOutputs).
ReplayResult replay_trace(const traces::LibvirtTrace& trace, const std::string& origin,
                          const ReplaySettings& settings, const std::vector<sim::EngineObserver*>& observers = {});

// The JSON document of `migsim replay --json`.
nlohmann::json to_json(const ReplayResult& r);

}  // namespace migsim::experiments
