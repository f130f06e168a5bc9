#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/consolidation_policy.hpp"

namespace migsim::policies {

struct PolicyOptions {
  std::optional<double> parameter;  // THR threshold / IQR, MAD, LR, LRR safety parameter
  std::uint64_t rs_seed = 42;       // RS selection: java.util.Random(rs_seed), one stream per run
  double interval_s = 300.0;        // LR/LRR: scheduling interval of the extrapolation
};

// A standalone policy ("npa", "dvfs") or "<detector>-<selector>" (CloudSim's
// planetlab examples), the names, default parameters and history needs of
// policies/policy_registry.cpp. Throws InputError naming `flag` for unknown
// names, "--param" for bad parameters.
std::unique_ptr<sim::ConsolidationPolicy> make_policy(const std::string& name, const PolicyOptions& o,
                                                      const std::string& flag = "--policy");
// The standalone policies, then every detector-selector pair, in registry order.
std::vector<std::string> policy_names();
// The detector's default --param; InputError for an unknown detector.
double default_parameter(const std::string& detector);

}  // namespace migsim::policies
