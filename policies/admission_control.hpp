#pragma once
#include <cmath>
#include <limits>
#include <vector>

#include "sim/consolidation_policy.hpp"
#include "sim/migration_timing.hpp"
#include "sim/placement.hpp"

namespace migsim::policies {

// Which proposed migrations may start now:
//  - at most `max_per_host` migrations in flight per host (as source or target),
//  - at most `max_total` in flight in the cluster,
//  - a VM that finished a migration less than `vm_cooldown_s` ago stays put,
//  - a migration whose predicted downtime exceeds `max_downtime_ms`, or that
//    is predicted not to converge, is refused (needs a MigrationTimer); the
//    prediction uses its fair share of the source/target NICs.
struct AdmissionLimits {
  int max_per_host = std::numeric_limits<int>::max();
  int max_total = std::numeric_limits<int>::max();
  double vm_cooldown_s = 0;
  double max_downtime_ms = std::numeric_limits<double>::infinity();
};

struct AdmissionStats {
  long long admitted = 0;
  long long refused_host_limit = 0;
  long long refused_total_limit = 0;
  long long refused_cooldown = 0;
  long long refused_downtime = 0;
};

class AdmissionControl {
 public:
  AdmissionControl(AdmissionLimits limits, int vm_count, const sim::MigrationTimer* timer);
  // Filters `proposed` in order against the placement's in-flight migrations.
  std::vector<sim::MigrationOrder> admit(const sim::Placement& p,
                                         const std::vector<sim::MigrationOrder>& proposed, double now);
  void migration_ended(int vm, double now);
  const AdmissionStats& stats() const { return stats_; }
  const AdmissionLimits& limits() const { return limits_; }

 private:
  AdmissionLimits limits_;
  std::vector<double> last_end_;
  const sim::MigrationTimer* timer_;
  AdmissionStats stats_;
};

}  // namespace migsim::policies
