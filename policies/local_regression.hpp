#pragma once
#include <span>

#include "policies/statistics.hpp"
#include "sim/placement.hpp"

namespace migsim::policies {

// Shared by LR and LRR: the host's predicted utilisation one migration time
// ahead, or nullopt-like ok=false when the history is shorter than 10.
struct LocalPrediction {
  double utilization = 0;
  bool ok = false;
};
// `robust` selects the bisquare re-weighted fit (CloudSim getRobustLoessParameterEstimates).
// `extra_vm` (>= 0) counts as if it were on the host.
LocalPrediction predict_host_utilization(const sim::Placement& p, int host, int extra_vm,
                                         double interval_s, bool robust);

}  // namespace migsim::policies
