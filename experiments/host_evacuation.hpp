#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/cluster_setup.hpp"
#include "sim/cluster_engine.hpp"

namespace migsim::experiments {

// `migsim run SCENARIO --evacuate host:N`: every VM off host N from t = 0, under
// the scenario's admission policy, over the scenario's network (the path of
// `migsim batch`: sim/migration_flows.hpp). Consumes run.spec.
struct HostEvacuation {
  int host = -1;
  sim::ClusterEngine::Evacuation result;
  std::vector<std::string> vm_names;  // by VM index
};
HostEvacuation evacuate_host(ClusterRun& run, int host);
// "host:N" for a cluster of `hosts`; InputError naming `flag` otherwise.
int parse_host_ref(const std::string& text, int hosts, const std::string& flag);
// {"evacuate", "makespan_s", "converged_all", "migrations": [{"vm", "from", "to",
// "start_s", "end_s", "total_time_ms", "downtime_ms", "transferred_bytes", "dirty_syncs",
// "converged"}], "not_evacuated": [VM names]}
nlohmann::json to_json(const HostEvacuation& e);

}  // namespace migsim::experiments
