#pragma once
#include "sim/migration_timing.hpp"

namespace migsim::sim {

// A live migration in flight, advanced by the engine in simulated time (absolute
// seconds). The engine tells it what bandwidth its route gives and what the VM
// writes; the process says when something next happens to it if nothing changes
// (a milestone: it ends, or what it can use changes, e.g. the stop-and-copy
// lifts QEMU's rate limit) and runs to that instant in one step.
class MigrationProcess {
 public:
  virtual ~MigrationProcess() = default;
  // The next milestone (absolute s) if the rates stay as they are.
  virtual double next_milestone_s() const = 0;
  // Runs to that milestone exactly.
  virtual void reach_milestone() = 0;
  // Runs at the current rates up to t_s (not past the next milestone).
  virtual void advance_to(double t_s) = 0;
  // From t_s (it has been advanced there) the route gives `mbps`.
  virtual void set_rate_mbps(double t_s, double mbps) = 0;
  // From t_s the VM writes this many pages per second.
  virtual void set_dirty_pages_per_sec(double /*t_s*/, double /*pages_per_sec*/) {}
  // The most it could use now (Mbit/s; +inf: whatever it is given).
  virtual double demand_mbps() const = 0;
  virtual bool finished() const = 0;
  // Once finished, what it took; before, what it will take if nothing changes.
  virtual MigrationTiming timing() const = 0;
};

}  // namespace migsim::sim
