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

std::vector<sim::MigrationOrder> underloaded_host_migrations(sim::Placement& p,
                                                             const std::vector<int>& overloaded,
                                                             const PowerAwareBestFit& placement) {
  std::vector<sim::MigrationOrder> out;
  const int n = p.host_count();
  std::vector<char> excl_under(static_cast<std::size_t>(n), 0), excl_place(static_cast<std::size_t>(n), 0);
  int excl_under_count = 0;
  auto exclude_under = [&](int h) {
    if (!excl_under[h]) {
      excl_under[h] = 1;
      ++excl_under_count;
    }
  };
  for (int h : overloaded) {
    exclude_under(h);
    excl_place[h] = 1;
  }
  for (int h = 0; h < n; ++h) {
    if (p.utilization(h) == 0) {  // switched off
      exclude_under(h);
      excl_place[h] = 1;
    }
  }
  while (excl_under_count != n) {
    double min_util = 1;
    int under = -1;
    for (int h = 0; h < n; ++h) {
      if (excl_under[h]) continue;
      const double u = p.utilization(h);
      if (u > 0 && u < min_util && !all_leaving_or_any_arriving(p, h)) {
        min_util = u;
        under = h;
      }
    }
    if (under < 0) break;
    exclude_under(under);
    excl_place[under] = 1;
    std::vector<int> vms;
    for (int v : p.vms_on(under)) {
      if (!p.in_migration(v)) vms.push_back(v);
    }
    if (vms.empty()) continue;
    const auto moves = placement.place_all(p, vms, excl_place, true);
    for (const auto& [v, h] : moves) {
      exclude_under(h);
      out.push_back({v, h});
    }
  }
  return out;
}

}  // namespace migsim::policies
