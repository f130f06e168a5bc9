#include "policies/power_aware_placement.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace migsim::policies {

void sort_by_utilization_decreasing(const sim::Placement& p, std::vector<int>& vms) {
  std::stable_sort(vms.begin(), vms.end(), [&](int a, int b) {
    return p.utilization_now(a) * p.vm(a).mips > p.utilization_now(b) * p.vm(b).mips;
  });
}

int PowerAwareBestFit::find_host(sim::Placement& p, int vm, const Candidates& c) const {
  if (search_ == Search::Indexed) return find_host_indexed(p, vm, c);
  return find_host_scan(p, vm, c);
}

int PowerAwareBestFit::find_host_scan(sim::Placement& p, int vm, const Candidates& c) const {
  // The lowest (power increase, host index): what a scan in index order with a
  // strict "<" keeps, whatever order the hosts are visited in.
  double min_power = std::numeric_limits<double>::max();
  int best = -1;
  const double request = p.requested_mips(vm);
  auto consider = [&](int h) {
    ++evaluations_;
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

namespace {
// The slope of a piecewise-linear curve on the piece containing y.
double slope_at(const sim::PowerCurve& curve, const std::vector<double>& bp, double y) {
  std::size_t i = static_cast<std::size_t>(std::upper_bound(bp.begin(), bp.end(), y) - bp.begin());
  i = std::clamp<std::size_t>(i, 1, bp.size() - 1);
  return (curve.watts(bp[i]) - curve.watts(bp[i - 1])) / (bp[i] - bp[i - 1]);
}
}  // namespace

int PowerAwareBestFit::find_host_indexed(sim::Placement& p, int vm, const Candidates& c) const {
  for (int k = 0; k < p.kind_count(); ++k) {
    if (p.power_curve(p.first_of_kind(k)).breakpoints().empty()) return find_host_scan(p, vm, c);
  }
  p.enable_allocation_index();
  double min_power = std::numeric_limits<double>::max();
  int best = -1;
  const double request = p.requested_mips(vm);
  // Evaluates host h; returns whether it is feasible (and keeps it if it wins).
  auto consider = [&](int h, double before_watts) {
    ++evaluations_;
    const double allocated = p.allocated_mips_for_policy(h);
    const double after = (allocated + request) / p.total_mips(h);
    if (after < 0 || after > 1) return false;
    if (!p.suitable(h, vm)) return false;
    if (allocated != 0 && detector_.overloaded_with(p, h, vm)) return false;
    const double diff = p.power_curve(h).watts(after) - before_watts;
    if (diff < min_power || (diff == min_power && h < best)) {
      min_power = diff;
      best = h;
    }
    return true;
  };
  const double bound = detector_.cpu_bound();
  for (int k = 0; k < p.kind_count(); ++k) {
    const sim::Placement::AllocationIndex& index = p.busy_by_allocation(k);
    const int any = p.first_of_kind(k);
    const sim::PowerCurve& curve = p.power_curve(any);
    const std::vector<double> bp = curve.breakpoints();
    const double d = request / p.total_mips(any);
    if (c.idle_hosts) {
      for (int h : p.idle_hosts(k)) {
        if (c.excluded[static_cast<std::size_t>(h)]) continue;
        consider(h, p.power_now(h));
        break;
      }
    }
    if (index.empty() || d > 1) continue;
    // Allocated fractions x a host can have and take the VM: [0, 1 - d], and
    // below bound - d where the detector calls a host that full overloaded.
    double top = 1 - d;
    if (bound - d + 1e-9 < top) top = bound - d + 1e-9;
    if (top < 0) continue;
    std::vector<double> cuts{0.0, top};
    for (double b : bp) {
      if (b > 0 && b < top) cuts.push_back(b);
      if (b - d > 0 && b - d < top) cuts.push_back(b - d);
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    for (std::size_t j = 0; j + 1 < cuts.size(); ++j) {
      const double lo = cuts[j], hi = cuts[j + 1], mid = 0.5 * (lo + hi);
      const double g_slope = slope_at(curve, bp, mid + d) - slope_at(curve, bp, mid);
      auto first = index.lower_bound({lo, -1});
      auto last = index.upper_bound({hi, p.host_count()});
      if (first == last) continue;
      auto try_host = [&](int h, double x) {
        if (c.excluded[static_cast<std::size_t>(h)]) return false;
        return consider(h, curve.watts(std::min(x, 1.0)));
      };
      if (g_slope > 1e-9) {
        for (auto it = first; it != last; ++it) {
          if (try_host(it->second, it->first)) break;
        }
      } else {
        for (auto it = last; it != first;) {
          --it;
          if (try_host(it->second, it->first)) break;
        }
      }
    }
  }
  return best;
}

std::vector<std::pair<int, int>> PowerAwareBestFit::place_all(sim::Placement& p, std::vector<int> vms,
                                                              const Candidates& c, bool all_or_nothing,
                                                              const std::function<bool(int, int)>& more) const {
  sort_by_utilization_decreasing(p, vms);
  std::vector<std::pair<int, int>> out;
  for (int v : vms) {
    const int h = find_host(p, v, c);
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
