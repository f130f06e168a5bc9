#pragma once
#include <vector>

#include "policies/overload_detector.hpp"
#include "sim/placement.hpp"

namespace migsim::policies {

// Power-aware best fit decreasing (PABFD, Beloglazov & Buyya): the host whose
// power grows least when the VM is added, among hosts that can take it and
// would not become overloaded (a host with nothing allocated is never
// considered overloaded). Ties go to the lowest host index.
class PowerAwareBestFit {
 public:
  explicit PowerAwareBestFit(const OverloadDetector& detector) : detector_(detector) {}
  // excluded[h] != 0 skips host h. Returns -1 when no host fits.
  int find_host(sim::Placement& p, int vm, const std::vector<char>& excluded) const;
  // Places `vms` (sorted by current utilisation, decreasing, stable) one by
  // one, creating each on its host. With all_or_nothing, the first VM without
  // a host undoes the batch and returns nothing.
  std::vector<std::pair<int, int>> place_all(sim::Placement& p, std::vector<int> vms,
                                             const std::vector<char>& excluded,
                                             bool all_or_nothing) const;

 private:
  bool overloaded_after_allocation(sim::Placement& p, int host, int vm) const;
  const OverloadDetector& detector_;
};

void sort_by_utilization_decreasing(const sim::Placement& p, std::vector<int>& vms);

}  // namespace migsim::policies
