#include "models/ram_over_bw_model.hpp"

#include <algorithm>

namespace migsim::models {

Prediction RamOverBwModel::predict(const MigrationScenario& sc) const {
  Prediction p;
  p.model = name();
  p.converged = true;
  const double bw = std::min(sc.qemu.max_bandwidth_mibps > 0 ? sc.qemu.max_bandwidth_mibps : sc.host.link_mibps,
                             sc.host.link_mibps);
  p.total_time_ms = sc.memory.ram_mib / bw * 1000.0;
  p.transferred_bytes = sc.memory.ram_mib * kMiB;
  p.dirty_syncs = 1;
  p.iterations = 1;
  return p;
}

}  // namespace migsim::models
