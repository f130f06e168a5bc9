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

// "npa", "dvfs", or "<detector>-<selector>" with detector in thr, iqr, mad,
// lr, lrr and selector in mmt, mc, rs, mu (CloudSim's planetlab examples).
// Default parameters: thr 0.8, iqr 1.5, mad 2.5, lr 1.2, lrr 1.2. IQR, MAD,
// LR and LRR fall back to THR 0.7 until the host history is long enough.
// Throws InputError naming `flag` for unknown names or bad parameters.
std::unique_ptr<sim::ConsolidationPolicy> make_policy(const std::string& name, const PolicyOptions& o,
                                                      const std::string& flag = "--policy");
std::vector<std::string> policy_names();
double default_parameter(const std::string& detector);

}  // namespace migsim::policies
