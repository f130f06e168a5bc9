#pragma once
#include <functional>
#include <vector>

#include "policies/power_aware_placement.hpp"
#include "sim/consolidation_policy.hpp"

namespace migsim::policies {

// Underloaded-host consolidation (Beloglazov & Buyya; CloudSim
// getMigrationMapFromUnderUtilizedHosts): repeatedly take the least utilised
// active host (not overloaded, not switched off, not receiving a VM, not with
// all its VMs leaving) and try to move all its VMs elsewhere with PABFD; a
// host is emptied completely or not at all. Hosts that receive VMs are no
// longer candidates. Edits `p` tentatively (the caller restores it).
//
// The candidates are ordered once (utilisation, then index: what CloudSim's
// rescan for the minimum picks each time, since utilisations do not change
// while it plans). Each host's moves go to `emit` as they are decided; when it
// returns false planning ends (e.g. admission control has no slot left).
struct UnderloadPlan {
  std::vector<int> not_sources;  // hosts never emptied
  std::vector<int> not_targets;  // hosts never receiving
  std::function<bool(const sim::MigrationOrder&)> emit;
  // If set, asked before a host's VMs are placed; a host it refuses keeps its VMs.
  std::function<bool(int host, const std::vector<int>& vms)> may_empty;
  // Remember the first VM of a host that found no target, and skip a later
  // host whose first VM is at least as large in every dimension (CPU, CPU per
  // PE, RAM, bandwidth): right when targets only fill up and exclusions only
  // grow while planning, and the overload test only grows with the load (see
  // OverloadDetector::monotone). forget_failures() must then be called
  // whenever capacity is given back.
  bool remember_failures = false;
  // At most this many hosts tried (placed or not); negative: no limit.
  long long max_attempts = -1;
};
class UnderloadPlanner {
 public:
  UnderloadPlanner(sim::Placement& p, const PowerAwareBestFit& placement) : p_(p), placement_(placement) {}
  void run(const UnderloadPlan& plan);
  void forget_failures() { failed_.clear(); }

 private:
  bool known_to_fail(int vm) const;
  sim::Placement& p_;
  const PowerAwareBestFit& placement_;
  std::vector<int> failed_;
};

// CloudSim's form: overloaded hosts are neither sources nor targets.
std::vector<sim::MigrationOrder> underloaded_host_migrations(sim::Placement& p,
                                                             const std::vector<int>& overloaded,
                                                             const PowerAwareBestFit& placement);

}  // namespace migsim::policies
