#pragma once
// Small hand-made clusters for policy tests: hosts of 2 PEs x 1000 MIPS
// (2000 MIPS total) with a linear 100..200 W power curve.
#include <memory>
#include <string>
#include <vector>

#include "models/power_model.hpp"
#include "sim/placement.hpp"

namespace migsim::policies::fixtures {

inline std::shared_ptr<const sim::PowerCurve> linear_power() {
  static const auto p = std::make_shared<const models::PowerTable>(
      "linear", std::vector<double>{100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200});
  return p;
}

inline sim::HostSpec host2000(double ram = 8192) {
  sim::HostSpec h;
  h.pes = 2;
  h.pe_mips = 1000;
  h.ram_mib = ram;
  h.bw_mbps = 1000;
  h.power = linear_power();
  return h;
}

inline sim::VmSpec vm(double mips, double ram) {
  sim::VmSpec v;
  v.mips = mips;
  v.ram_mib = ram;
  v.bw_mbps = 100;
  return v;
}

// hosts x 2000 MIPS; vms placed as given by `where` (host index per VM), each
// requesting `util[i]` x its MIPS now.
inline sim::Placement make(int hosts, const std::vector<sim::VmSpec>& vms, const std::vector<int>& where,
                           const std::vector<double>& util) {
  std::vector<sim::HostSpec> hs(static_cast<std::size_t>(hosts), host2000());
  sim::Placement p(hs, vms, sim::Placement::Rules{false});
  for (std::size_t i = 0; i < vms.size(); ++i) {
    const int v = static_cast<int>(i);
    p.set_requested_mips(v, util[i] * vms[i].mips);
    p.set_utilization_now(v, util[i]);
    if (where[i] >= 0) p.create(where[i], v);
  }
  for (int h = 0; h < hosts; ++h) {
    double u = 0;
    for (int v : p.vms_on(h)) u += p.cpu(h).allocated(v);
    p.set_utilization_mips(h, u);
  }
  return p;
}

}  // namespace migsim::policies::fixtures
