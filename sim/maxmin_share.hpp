#pragma once
#include <vector>

namespace migsim::sim {

// Max-min fair rates of flows over shared links (progressive filling, the
// simplest case of SimGrid's lmm solver): repeatedly take the link whose
// remaining capacity divided by its unfixed flows is smallest (ties: lowest
// link id), fix each of its unfixed flows at that share, subtract it from
// every link those flows cross. No flow can then grow without lowering one
// that is no faster than it.
//
// `capacities[l]` (> 0, finite) is link l's capacity; `flows[f]` lists the
// link ids flow f crosses (a link listed twice counts once). Returns one rate
// per flow, in the capacities' unit; a flow crossing no link is unconstrained
// and gets +infinity. Deterministic: depends only on the inputs' order.
// Each round fixes at least one flow: O(min(links, flows) x (links + total
// route length)). Throws std::invalid_argument for a link id out of range or
// a capacity that is not positive and finite.
std::vector<double> max_min_rates(const std::vector<double>& capacities,
                                  const std::vector<std::vector<int>>& flows);

}  // namespace migsim::sim
