#pragma once
#include <vector>

#include "policies/power_aware_placement.hpp"
#include "sim/consolidation_policy.hpp"

namespace migsim::policies {

// Where the VMs of `host` that are not migrating yet would go (power-aware best
// fit on every other host, VMs by utilisation, decreasing): the moves of an
// evacuation (maintenance), before admission control. Leaves `p` as it found it.
std::vector<sim::MigrationOrder> evacuation_moves(sim::Placement& p, int host, const PowerAwareBestFit& pabfd);

}  // namespace migsim::policies
