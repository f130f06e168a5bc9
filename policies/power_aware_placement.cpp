#include "policies/power_aware_placement.hpp"

#include <algorithm>
#include <limits>

namespace migsim::policies {

void sort_by_utilization_decreasing(const sim::Placement& p, std::vector<int>& vms) {
  std::stable_sort(vms.begin(), vms.end(), [&](int a, int b) {
    return p.utilization_now(a) * p.vm(a).mips > p.utilization_now(b) * p.vm(b).mips;
  });
}

bool PowerAwareBestFit::overloaded_after_allocation(sim::Placement& p, int host, int vm) const {
  if (!p.create(host, vm)) return true;
  const bool over = detector_.overloaded(p, host);
  p.destroy(host, vm);
  return over;
}

int PowerAwareBestFit::find_host(sim::Placement& p, int vm, const std::vector<char>& excluded) const {
  double min_power = std::numeric_limits<double>::max();
  int best = -1;
  for (int h = 0; h < p.host_count(); ++h) {
    if (excluded[h]) continue;
    if (!p.suitable(h, vm)) continue;
    const double allocated = p.allocated_mips_for_policy(h);
    if (allocated != 0 && overloaded_after_allocation(p, h, vm)) continue;
    const double after = (allocated + p.requested_mips(vm)) / p.host(h).total_mips();
    if (after < 0 || after > 1) continue;  // CloudSim would abort here
    const sim::PowerCurve& curve = *p.host(h).power;
    const double diff = curve.watts(after) - curve.watts(std::min(p.utilization(h), 1.0));
    if (diff < min_power) {
      min_power = diff;
      best = h;
    }
  }
  return best;
}

std::vector<std::pair<int, int>> PowerAwareBestFit::place_all(sim::Placement& p, std::vector<int> vms,
                                                              const std::vector<char>& excluded,
                                                              bool all_or_nothing) const {
  sort_by_utilization_decreasing(p, vms);
  std::vector<std::pair<int, int>> out;
  for (int v : vms) {
    const int h = find_host(p, v, excluded);
    if (h >= 0) {
      p.create(h, v);
      out.emplace_back(v, h);
    } else if (all_or_nothing) {
      for (const auto& [pv, ph] : out) p.destroy(ph, pv);
      out.clear();
      break;
    }
  }
  return out;
}

}  // namespace migsim::policies
