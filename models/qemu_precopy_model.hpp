#pragma once
#include "models/migration_model.hpp"

namespace migsim::models {

// Event-driven simulation of QEMU 7.2's pre-copy migration thread
// (migration/migration.c migration_thread, migration/ram.c):
//  - 100 ms rate-limit windows carrying max-bandwidth/10 bytes each; the bandwidth
//    measured over a window sets threshold = bandwidth x downtime-limit;
//  - migration_iteration_run: the dirty bitmap is re-synced only when the pending
//    pages (zero pages counted at 4 KiB) fall below the threshold, and the
//    migration completes when they are still below it after the sync;
//  - pages are scanned in a circle; zero pages cost CPU time and 9 bytes, others
//    4104 bytes; ram_save_iterate yields every 50 ms (MAX_WAIT);
//  - the stop-and-copy ignores the rate limit and runs at the link's speed;
//  - auto-converge (migration_trigger_throttle): at a sync more than 1 s after the
//    period began, dirtied bytes > threshold% of transferred bytes, counted twice
//    (not necessarily in a row, as in 7.2), raises the vCPU throttle.
// Page counts are fluid (fractional); classes of pending pages (zero, static,
// recently dirtied, older dirtied, background) drain in proportion.
class QemuPrecopyModel final : public MigrationModel {
 public:
  std::string name() const override { return "qemu-precopy"; }
  Prediction predict(const MigrationScenario& scenario) const override;
};

}  // namespace migsim::models
