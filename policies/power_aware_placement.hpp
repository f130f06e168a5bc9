#pragma once
#include <functional>
#include <vector>

#include "policies/overload_detector.hpp"
#include "sim/placement.hpp"

namespace migsim::policies {

// Power-aware best fit decreasing (PABFD, Beloglazov & Buyya): the host whose
// power grows least when the VM is added, among hosts that can take it and
// would not become overloaded (a host with nothing allocated is never
// considered overloaded). Ties go to the lowest host index.
//
// Cost per VM placed: the busy hosts plus one idle host per kind (idle hosts of
// a kind score the same, so the lowest-numbered one stands for them all); the
// power increase is computed first and the fit and the detector are asked only
// of a host that would beat the best so far. The result is the one a scan of
// every host in index order gives (CloudSim's), bit for bit.
//
// Search::Indexed (migsim semantics, opt-in: "placement_search": "indexed")
// answers from Placement's allocation index instead, in O(kinds x pieces x
// log H) per VM (plus the hosts it finds infeasible on the way). It changes
// what "power grows least" means, slightly:
//  - the increase is counted from the host's allocated CPU, P((a + r)/C) -
//    P(a/C), not from its measured utilisation (CloudSim mixes the two);
//  - the power curve is linear between breakpoints, so in each piece where the
//    increase g(x) = P(x + r/C) - P(x) is linear in the allocated fraction x,
//    the feasible host with the least x stands for the piece if g grows with
//    x, and the one with the most x (the best fit) otherwise, flat pieces
//    included; CloudSim's scan instead lets floating-point rounding pick among
//    the hosts of a flat piece, which no index can reproduce;
//  - the pieces' representatives and the idle hosts compete on (increase, index).
// Curves without breakpoints fall back to the scan.
class PowerAwareBestFit {
 public:
  enum class Search { Scan, Indexed };
  explicit PowerAwareBestFit(const OverloadDetector& detector, Search search = Search::Scan)
      : detector_(detector), search_(search) {}
  // Which hosts may receive: excluded[h] != 0 skips host h; with
  // idle_hosts = false idle hosts are skipped too (as a switched-off host is
  // when emptying underloaded hosts).
  struct Candidates {
    const std::vector<char>& excluded;
    bool idle_hosts = true;
  };
  // Returns -1 when no host fits.
  int find_host(sim::Placement& p, int vm, const Candidates& c) const;
  int find_host(sim::Placement& p, int vm, const std::vector<char>& excluded) const {
    return find_host(p, vm, Candidates{excluded});
  }
  // Places `vms` (sorted by current utilisation, decreasing, stable) one by
  // one, creating each on its host. With all_or_nothing, the first VM without
  // a host undoes the batch and returns nothing. Without all_or_nothing,
  // `more` (if set) is asked after each VM placed and ends the batch when it
  // returns false.
  std::vector<std::pair<int, int>> place_all(sim::Placement& p, std::vector<int> vms, const Candidates& c,
                                             bool all_or_nothing,
                                             const std::function<bool(int vm, int host)>& more = {}) const;
  std::vector<std::pair<int, int>> place_all(sim::Placement& p, std::vector<int> vms,
                                             const std::vector<char>& excluded, bool all_or_nothing) const {
    return place_all(p, std::move(vms), Candidates{excluded}, all_or_nothing);
  }
  // Host evaluations (power increase computed) since construction: what a
  // complexity test counts.
  long long evaluations() const { return evaluations_; }

 private:
  int find_host_scan(sim::Placement& p, int vm, const Candidates& c) const;
  int find_host_indexed(sim::Placement& p, int vm, const Candidates& c) const;
  const OverloadDetector& detector_;
  Search search_;
  mutable long long evaluations_ = 0;
};

void sort_by_utilization_decreasing(const sim::Placement& p, std::vector<int>& vms);

}  // namespace migsim::policies
