#pragma once
#include <memory>
#include <string>

#include "models/precopy_types.hpp"
#include "sim/migration_timing.hpp"

namespace migsim::models {

// CloudSim 3.0.3 PowerDatacenter: duration = RAM / (BW / 2) with BW the
// target host's bandwidth, no downtime, always converges.
class CloudSimMigrationTimer final : public sim::MigrationTimer {
 public:
  std::string name() const override { return "cloudsim"; }
  sim::MigrationTiming time(const sim::MigrationRequest& r) const override;
};

// migsim's own: each migration is predicted by the QEMU 7.2 pre-copy model
// (models/qemu_precopy_model.hpp) from the VM's RAM, its write rate at the
// start (scaled by CPU utilisation), its working set and the link.
class PrecopyMigrationTimer final : public sim::MigrationTimer {
 public:
  struct Settings {
    QemuMigrationParams qemu;     // max-bandwidth 0 => limited by the link only
    double nonzero_fraction = 0.6;  // share of guest RAM that is not zero pages
    double horizon_s = 600.0;
  };
  PrecopyMigrationTimer();
  explicit PrecopyMigrationTimer(Settings s);
  std::string name() const override { return "qemu-precopy"; }
  sim::MigrationTiming time(const sim::MigrationRequest& r) const override;
  // A resumable pre-copy process (models/precopy_migration.hpp).
  std::unique_ptr<sim::MigrationProcess> start(const sim::MigrationRequest& r, double t_s) const override;
  // QEMU's max-bandwidth (unlimited: +inf).
  double start_cap_mbps() const override;
  // What the model is given for a request.
  MigrationScenario scenario_for(const sim::MigrationRequest& r) const;

 private:
  Settings settings_;
};

// The timer of that model with its own defaults (models/model_registry.cpp); nullptr: none.
std::unique_ptr<sim::MigrationTimer> make_migration_timer(const std::string& name);

}  // namespace migsim::models
