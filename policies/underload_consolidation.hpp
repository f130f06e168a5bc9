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
// `may_empty` (if set) is asked before a host's VMs are placed; a host it
// refuses keeps its VMs (and is not a target either).
void underloaded_host_migrations(sim::Placement& p, const std::vector<int>& not_candidates,
                                 const PowerAwareBestFit& placement,
                                 const std::function<bool(const sim::MigrationOrder&)>& emit,
                                 const std::function<bool(int host, const std::vector<int>& vms)>& may_empty = {});
std::vector<sim::MigrationOrder> underloaded_host_migrations(sim::Placement& p,
                                                             const std::vector<int>& not_candidates,
                                                             const PowerAwareBestFit& placement);

}  // namespace migsim::policies
