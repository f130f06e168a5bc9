#pragma once
#include <memory>
#include <string>

namespace migsim::sim {

// What the engine knows when it starts a live migration.
struct MigrationRequest {
  int vm = -1;
  int source_host = -1;
  int target_host = -1;
  double ram_mib = 0.0;
  double link_mbps = 0.0;          // bandwidth of the path (Mbit/s), host NIC by default
  double dirty_pages_per_sec = 0;  // the VM's write rate at the start (migsim mode)
  double wss_mib = 0;              // its writable working set
  double cpu_utilization = 0;      // VM CPU utilisation in [0, 1] at the start
};

struct MigrationTiming {
  double duration_s = 0.0;  // start to switch-over on the target
  double downtime_s = 0.0;  // guest paused (counted by the SLA metrics in migsim mode)
  bool converged = true;    // false: the model predicts it never converges
  double transferred_bytes = 0.0;  // what crossed the network (0: the model does not say)
  int dirty_syncs = 0;             // QEMU's dirty-sync-count (0: the model does not say)
};

class MigrationProcess;  // sim/migration_process.hpp

// Pluggable migration model for the engine (models/migration_timer.hpp has the
// CloudSim RAM/(BW/2) rule and the QEMU pre-copy process).
class MigrationTimer {
 public:
  virtual ~MigrationTimer() = default;
  virtual std::string name() const = 0;
  // The whole migration at the request's constant rate (admission control's
  // what-if, the replay's prediction).
  virtual MigrationTiming time(const MigrationRequest& r) const = 0;
  // The migration as a process starting at t_s. The default re-times the
  // request whenever its rate changes and finishes the fraction left at the new
  // pace (a model that cannot be resumed); the pre-copy model overrides it.
  virtual std::unique_ptr<MigrationProcess> start(const MigrationRequest& r, double t_s) const;
  // What a migration it starts can use at most before its stop-and-copy (Mbit/s;
  // +inf: whatever its route gives), for the rates of migrations about to start.
  virtual double start_cap_mbps() const;
};

}  // namespace migsim::sim
