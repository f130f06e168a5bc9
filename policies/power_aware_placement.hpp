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
// a kind score the same, so the lowest-numbered one stands for them all). A
// host without the free RAM or bandwidth is passed over first (flat arrays),
// then the power increase is computed, and the CPU fit and the detector are
// asked only of a host that would beat the best so far. The result is the one
// a scan of every host in index order gives (CloudSim's), bit for bit.
class PowerAwareBestFit {
 public:
  explicit PowerAwareBestFit(const OverloadDetector& detector) : detector_(detector) {}
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
  // returns false. `unplaced` (if set) gets the position, in the sorted
  // order, of the first VM that found no host (-1 if none).
  std::vector<std::pair<int, int>> place_all(sim::Placement& p, std::vector<int> vms, const Candidates& c,
                                             bool all_or_nothing,
                                             const std::function<bool(int vm, int host)>& more = {},
                                             int* unplaced = nullptr) const;
  std::vector<std::pair<int, int>> place_all(sim::Placement& p, std::vector<int> vms,
                                             const std::vector<char>& excluded, bool all_or_nothing) const {
    return place_all(p, std::move(vms), Candidates{excluded}, all_or_nothing);
  }
  // Host evaluations (power increase computed) since construction: what a
  // complexity test counts.
  long long evaluations() const { return evaluations_; }

 private:
  const OverloadDetector& detector_;
  mutable long long evaluations_ = 0;
};

void sort_by_utilization_decreasing(const sim::Placement& p, std::vector<int>& vms);
// The VM that sort would put first (`vms` not empty), without sorting.
int first_by_utilization_decreasing(const sim::Placement& p, const std::vector<int>& vms);

}  // namespace migsim::policies
