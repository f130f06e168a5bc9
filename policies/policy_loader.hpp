#pragma once
// Loads the consolidation policy that `migsim replay` and `migsim control` run on
// libvirt stats: the same policy code the simulator runs, either a rules file
// ({"type": "rules", ...}, policies/rule_policy.hpp) or a named policy
// ("thr-mmt", "lr-mc", ..., policies/policy_factory.hpp).
#include <cstdint>
#include <memory>
#include <string>

#include "sim/consolidation_policy.hpp"
#include "sim/migration_timing.hpp"

namespace migsim::policies {

struct PolicyContext {
  int hosts = 1;
  int vms = 1;
  // Seconds between decisions (the trace's sampling interval, the controller's
  // --interval): LR/LRR extrapolate the host's load over it.
  double interval_s = 1.0;
  std::uint64_t seed = 42;                   // RS selection, in named policies and rules files
  const sim::MigrationTimer* timer = nullptr;  // rules files' downtime budget (may be null)
};

// `spec` ending in .json, or naming an existing file, is a rules file; anything
// else a policy name. Errors (InputError) name `flag` or the file.
std::unique_ptr<sim::ConsolidationPolicy> load_policy(const std::string& spec, const PolicyContext& c,
                                                      const std::string& flag = "--policy");

}  // namespace migsim::policies
