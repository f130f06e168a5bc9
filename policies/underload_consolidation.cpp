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

bool UnderloadPlanner::known_to_fail(int vm) const {
  const double r = p_.requested_mips(vm), per_pe = r / p_.vm(vm).pes;
  for (int f : failed_) {
    const double fr = p_.requested_mips(f);
    if (r >= fr && per_pe >= fr / p_.vm(f).pes && p_.vm(vm).ram_mib >= p_.vm(f).ram_mib &&
        p_.vm(vm).bw_mbps >= p_.vm(f).bw_mbps) {
      return true;
    }
  }
  return false;
}

void UnderloadPlanner::run(const UnderloadPlan& plan) {
  sim::Placement& p = p_;
  const int n = p.host_count();
  std::vector<char> excl_under(static_cast<std::size_t>(n), 0), excl_place(static_cast<std::size_t>(n), 0);
  for (int h : plan.not_sources) excl_under[h] = 1;
  for (int h : plan.not_targets) excl_place[h] = 1;
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
  long long attempts = 0;
  for (const auto& [u, under] : order) {
    if (plan.max_attempts >= 0 && attempts >= plan.max_attempts) return;
    if (excl_under[under]) continue;  // received a VM meanwhile
    excl_under[under] = 1;
    if (all_leaving_or_any_arriving(p, under)) continue;
    excl_place[under] = 1;
    std::vector<int> vms;
    for (int v : p.vms_on(under)) {
      if (!p.in_migration(v)) vms.push_back(v);
    }
    if (vms.empty() || (plan.may_empty && !plan.may_empty(under, vms))) continue;
    int first = -1;
    if (plan.remember_failures) {
      first = first_by_utilization_decreasing(p, vms);
      if (known_to_fail(first)) continue;
    }
    int unplaced = -1;
    ++attempts;
    const auto moves = placement_.place_all(p, vms, targets, true, {}, &unplaced);
    if (moves.empty()) {
      // Only the first VM's failure says something about the targets alone
      // (nothing of this host was placed before it).
      if (plan.remember_failures && unplaced == 0) failed_.push_back(first);
      continue;
    }
    for (const auto& [v, h] : moves) excl_under[h] = 1;
    for (const auto& [v, h] : moves) {
      if (!plan.emit({v, h, under, sim::kCauseUnderload})) return;
    }
  }
}

std::vector<sim::MigrationOrder> underloaded_host_migrations(sim::Placement& p,
                                                             const std::vector<int>& overloaded,
                                                             const PowerAwareBestFit& placement) {
  std::vector<sim::MigrationOrder> out;
  UnderloadPlan plan;
  plan.not_sources = overloaded;
  plan.not_targets = overloaded;
  plan.emit = [&](const sim::MigrationOrder& o) {
    out.push_back({o.vm, o.target_host, -1, o.cause});
    return true;
  };
  UnderloadPlanner(p, placement).run(plan);
  return out;
}

}  // namespace migsim::policies
