#include "models/migration_timer.hpp"

#include <algorithm>
#include <limits>

#include "models/precopy_migration.hpp"
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

MigrationScenario PrecopyMigrationTimer::scenario_for(const sim::MigrationRequest& r) const {
  MigrationScenario sc;
  sc.memory.ram_mib = r.ram_mib;
  sc.memory.nonzero_mib = r.ram_mib * settings_.nonzero_fraction;
  sc.workload.wss_mib = std::min(r.wss_mib, r.ram_mib);
  sc.workload.pages_per_sec = sc.workload.wss_mib > 0 ? r.dirty_pages_per_sec : 0.0;
  sc.qemu = settings_.qemu;
  sc.host.link_mibps = r.link_mbps * 1e6 / 8.0 / kMiB;
  sc.options.horizon_s = settings_.horizon_s;
  sc.options.record_iterations = false;
  return sc;
}

sim::MigrationTiming PrecopyMigrationTimer::time(const sim::MigrationRequest& r) const {
  return timing_of(QemuPrecopyModel().predict(scenario_for(r)));
}

double PrecopyMigrationTimer::start_cap_mbps() const {
  return settings_.qemu.max_bandwidth_mibps > 0 ? mbps_of_mibps(settings_.qemu.max_bandwidth_mibps)
                                                : std::numeric_limits<double>::infinity();
}

std::unique_ptr<sim::MigrationProcess> PrecopyMigrationTimer::start(const sim::MigrationRequest& r,
                                                                    double t_s) const {
  return std::make_unique<PrecopyMigration>(scenario_for(r), t_s);
}

}  // namespace migsim::models
