#include "policies/underload_consolidation.hpp"

#include <algorithm>

namespace migsim::policies {

namespace {
// CloudSim areAllVmsMigratingOutOrAnyVmMigratingIn.
bool all_leaving_or_any_arriving(const sim::Placement& p, int h) {
  for (int v : p.vms_on(h)) {
    if (!p.in_migration(v)) return false;
    if (p.is_migrating_in(h, v)) return true;
  }
  return true;
}
}  // namespace

void underloaded_host_migrations(sim::Placement& p, const std::vector<int>& not_candidates,
                                 const PowerAwareBestFit& placement,
                                 const std::function<bool(const sim::MigrationOrder&)>& emit,
                                 const std::function<bool(int, const std::vector<int>&)>& may_empty) {
  const int n = p.host_count();
  std::vector<char> excl_under(static_cast<std::size_t>(n), 0), excl_place(static_cast<std::size_t>(n), 0);
  for (int h : not_candidates) {
    excl_under[h] = 1;
    excl_place[h] = 1;
  }
  // Switched-off hosts (utilisation 0, idle ones among them) neither give nor take.
  std::vector<std::pair<double, int>> order;
  for (int h : p.busy_hosts()) {
    const double u = p.utilization(h);
    if (u == 0) {
      excl_place[h] = 1;
    } else if (!excl_under[h] && u < 1) {
      order.emplace_back(u, h);
    }
  }
  // Neither the utilisations nor the "all leaving or any arriving" test change
  // while planning (trial moves go to hosts that stop being candidates), so the
  // candidates are ordered once; CloudSim rescans for the minimum (strict "<",
  // so the lowest index among equal utilisations) each time.
  std::sort(order.begin(), order.end());
  const PowerAwareBestFit::Candidates targets{excl_place, false};
  for (const auto& [u, under] : order) {
    if (excl_under[under]) continue;  // received a VM meanwhile
    excl_under[under] = 1;
    if (all_leaving_or_any_arriving(p, under)) continue;
    excl_place[under] = 1;
    std::vector<int> vms;
    for (int v : p.vms_on(under)) {
      if (!p.in_migration(v)) vms.push_back(v);
    }
    if (vms.empty() || (may_empty && !may_empty(under, vms))) continue;
    const auto moves = placement.place_all(p, vms, targets, true);
    for (const auto& [v, h] : moves) excl_under[h] = 1;
    for (const auto& [v, h] : moves) {
      if (!emit({v, h, under})) return;
    }
  }
}

std::vector<sim::MigrationOrder> underloaded_host_migrations(sim::Placement& p,
                                                             const std::vector<int>& not_candidates,
                                                             const PowerAwareBestFit& placement) {
  std::vector<sim::MigrationOrder> out;
  underloaded_host_migrations(p, not_candidates, placement, [&](const sim::MigrationOrder& o) {
    out.push_back({o.vm, o.target_host});
    return true;
  });
  return out;
}

}  // namespace migsim::policies
