#pragma once
#include <memory>

#include "models/precopy_process.hpp"
#include "sim/migration_process.hpp"

namespace migsim::models {

// The engine's view of a QEMU pre-copy migration (sim::MigrationProcess over
// PrecopyProcess): milestones are the instant the guest is paused when QEMU
// then lifts a rate limit (what the migration can use changes), and the end. The route's
// rate is the path speed of the process (link_mibps); the first-pass and
// live-copy ceilings of the host profile still apply.
class PrecopyMigration final : public sim::MigrationProcess {
 public:
  PrecopyMigration(MigrationScenario sc, double start_s);

  double next_milestone_s() const override;
  void reach_milestone() override;
  void advance_to(double t_s) override;
  void set_rate_mbps(double t_s, double mbps) override;
  void set_dirty_pages_per_sec(double t_s, double pages_per_sec) override;
  double demand_mbps() const override;
  bool finished() const override { return process_.finished(); }
  sim::MigrationTiming timing() const override;

  const PrecopyProcess& process() const { return process_; }

 private:
  void refresh();
  bool pause_next() const;
  PrecopyProcess process_;
  double start_s_;
  PrecopyProcess::Forecast forecast_;
};

// Mbit/s <-> MiB/s.
inline double mibps_of_mbps(double mbps) { return mbps * 1e6 / 8.0 / kMiB; }
inline double mbps_of_mibps(double mibps) { return mibps * kMiB * 8.0 / 1e6; }
sim::MigrationTiming timing_of(const Prediction& p);

}  // namespace migsim::models
