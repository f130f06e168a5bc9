#include "policies/power_aware_placement.hpp"

#include <algorithm>
#include <limits>

namespace migsim::policies {

namespace {
// The MIPS a VM uses now: the key of the decreasing-utilisation order.
double mips_now(const sim::Placement& p, int v) { return p.utilization_now(v) * p.vm(v).mips; }
}  // namespace

void sort_by_utilization_decreasing(const sim::Placement& p, std::vector<int>& vms) {
  std::stable_sort(vms.begin(), vms.end(), [&](int a, int b) { return mips_now(p, a) > mips_now(p, b); });
}

int first_by_utilization_decreasing(const sim::Placement& p, const std::vector<int>& vms) {
  // max_element keeps the first of equal maxima, as the stable sort puts it first.
  return *std::max_element(vms.begin(), vms.end(), [&](int a, int b) { return mips_now(p, a) < mips_now(p, b); });
}

int PowerAwareBestFit::find_host(sim::Placement& p, int vm, const Candidates& c) const {
  // The lowest (power increase, host index): what a scan in index order with a
  // strict "<" keeps, whatever order the hosts are visited in.
  double min_power = std::numeric_limits<double>::max();
  int best = -1;
  const double request = p.requested_mips(vm);
  const sim::Placement::MemoryRequest memory = p.memory_request(vm);
  auto consider = [&](int h) {
    ++evaluations_;
    // A host without the RAM or bandwidth would fail suitable() below: asking
    // first (flat arrays) spares the power curve for the hosts that are full.
    if (!p.ram_bw_suitable(h, memory)) return;
    const double allocated = p.allocated_mips_for_policy(h);
    const double after = (allocated + request) / p.total_mips(h);
    if (after < 0 || after > 1) return;  // CloudSim would abort here
    const double diff = p.power_curve(h).watts(after) - p.power_now(h);
    if (!(diff < min_power || (diff == min_power && h < best))) return;
    // Only a host that would become the best is asked whether it fits: the
    // filters have no side effects, so their order does not change the result.
    if (!p.suitable(h, vm)) return;
    // CloudSim creates the VM on the host, asks the detector and destroys it
    // again; creation cannot fail on a suitable host and leaves no trace, so
    // asking the detector with the VM added is the same.
    if (allocated != 0 && detector_.overloaded_with(p, h, vm)) return;
    min_power = diff;
    best = h;
  };
  for (int h : p.busy_hosts()) {
    if (!c.excluded[static_cast<std::size_t>(h)]) consider(h);
  }
  if (c.idle_hosts) {
    // Idle hosts of one kind score the same and a later host wins only with a
    // strictly lower score: the first one not excluded stands for its kind.
    for (int k = 0; k < p.kind_count(); ++k) {
      for (int h : p.idle_hosts(k)) {
        if (c.excluded[static_cast<std::size_t>(h)]) continue;
        consider(h);
        break;
      }
    }
  }
  return best;
}

std::vector<std::pair<int, int>> PowerAwareBestFit::place_all(sim::Placement& p, std::vector<int> vms,
                                                              const Candidates& c, bool all_or_nothing,
                                                              const std::function<bool(int, int)>& more,
                                                              int* unplaced) const {
  sort_by_utilization_decreasing(p, vms);
  std::vector<std::pair<int, int>> out;
  if (unplaced) *unplaced = -1;
  for (std::size_t i = 0; i < vms.size(); ++i) {
    const int v = vms[i];
    const int h = find_host(p, v, c);
    if (h < 0 && unplaced && *unplaced < 0) *unplaced = static_cast<int>(i);
    if (h >= 0) {
      p.create(h, v);
      out.emplace_back(v, h);
      if (!all_or_nothing && more && !more(v, h)) break;
    } else if (all_or_nothing) {
      for (const auto& [pv, ph] : out) p.destroy(ph, pv);
      out.clear();
      break;
    }
  }
  return out;
}

}  // namespace migsim::policies
