#include "models/migration_timer.hpp"

#include <algorithm>

#include "models/qemu_precopy_model.hpp"

namespace migsim::models {

sim::MigrationTiming CloudSimMigrationTimer::time(const sim::MigrationRequest& r) const {
  // CloudSim: vm.getRam() / ((double) host.getBw() / (2 * 8000)) with BW in kbit/s.
  sim::MigrationTiming t;
  t.duration_s = r.ram_mib / ((r.link_mbps * 1000.0) / (2 * 8000));
  return t;
}

PrecopyMigrationTimer::PrecopyMigrationTimer() : PrecopyMigrationTimer(Settings{}) {}
PrecopyMigrationTimer::PrecopyMigrationTimer(Settings s) : settings_(s) {}

sim::MigrationTiming PrecopyMigrationTimer::time(const sim::MigrationRequest& r) const {
  MigrationScenario sc;
  sc.memory.ram_mib = r.ram_mib;
  sc.memory.nonzero_mib = r.ram_mib * settings_.nonzero_fraction;
  sc.workload.wss_mib = std::min(r.wss_mib, r.ram_mib);
  sc.workload.pages_per_sec = sc.workload.wss_mib > 0 ? r.dirty_pages_per_sec : 0.0;
  sc.qemu = settings_.qemu;
  sc.host.link_mibps = r.link_mbps * 1e6 / 8.0 / kMiB;
  sc.options.horizon_s = settings_.horizon_s;
  sc.options.record_iterations = false;
  const Prediction p = QemuPrecopyModel().predict(sc);
  sim::MigrationTiming t;
  t.converged = p.converged;
  t.duration_s = p.total_time_ms / 1000.0;
  t.downtime_s = p.converged ? p.downtime_ms / 1000.0 : 0.0;
  return t;
}

}  // namespace migsim::models
