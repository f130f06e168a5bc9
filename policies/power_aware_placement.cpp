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
  // CloudSim creates the VM on the host, asks the detector and destroys it
  // again; creation cannot fail on a suitable host and leaves no trace, so
  // asking the detector with the VM added is the same.
  return detector_.overloaded_with(p, host, vm);
}

namespace {
// Two idle, empty hosts with the same specification score the same, and a later
// host wins only with a strictly lower score: only the first of each kind counts.
bool same_kind(const sim::HostSpec& a, const sim::HostSpec& b) {
  return a.power == b.power && a.pes == b.pes && a.pe_mips == b.pe_mips && a.ram_mib == b.ram_mib &&
         a.bw_mbps == b.bw_mbps;
}
}  // namespace

int PowerAwareBestFit::find_host(sim::Placement& p, int vm, const std::vector<char>& excluded) const {
  double min_power = std::numeric_limits<double>::max();
  int best = -1;
  int seen_empty[8];
  int n_seen = 0;
  for (int h = 0; h < p.host_count(); ++h) {
    if (excluded[h]) continue;
    const bool empty = p.vms_on(h).empty() && p.utilization_mips(h) == 0 &&
                       p.cpu(h).available() == p.host(h).total_mips() && p.migrating_in(h).empty();
    if (empty) {
      bool dup = false;
      for (int i = 0; i < n_seen && !dup; ++i) dup = same_kind(p.host(seen_empty[i]), p.host(h));
      if (dup) continue;
      if (n_seen < 8) seen_empty[n_seen++] = h;
    }
    if (!p.suitable(h, vm)) continue;
    const double allocated = p.allocated_mips_for_policy(h);
    if (allocated != 0 && overloaded_after_allocation(p, h, vm)) continue;
    const double after = (allocated + p.requested_mips(vm)) / p.host(h).total_mips();
    if (after < 0 || after > 1) continue;  // CloudSim would abort here
    const double diff = p.host(h).power->watts(after) - p.power_now(h);
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
