#pragma once
#include <algorithm>
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
//    is predicted not to converge, is refused (needs a MigrationTimer).
// With the engine's StartRates (use_start_rates) the prediction uses the rate
// the migration will be timed with if it starts now with the migrations in
// flight and those admitted before it at this instant (NIC split or max-min
// over its route); these same-instant ones get slower with each newcomer, so
// they are predicted again at their new rates and the newcomer is refused if
// any of them would then break the budget or not converge. Without
// StartRates: its fair share of the source/target NICs, counting the
// migrations in flight and those admitted before it (not re-checked).
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
  long long refused_downtime = 0;       // itself predicted over budget or not converging
  long long refused_slows_admitted = 0;  // would push one admitted at this instant over
};

class AdmissionControl {
 public:
  AdmissionControl(AdmissionLimits limits, int vm_count, const sim::MigrationTimer* timer);

  // One decision instant: orders are offered one at a time as the policy plans
  // them, so a policy can stop planning once full() (the total limit reached:
  // no later order could start). Orders never offered are not counted in the
  // refusal statistics. An order offered while the policy's trial moves have
  // its VM elsewhere names the host the VM runs on in source_host.
  class Step {
   public:
    bool offer(const sim::MigrationOrder& o);  // true if admitted
    bool full() const { return total_ >= ac_.limits_.max_total; }
    // Migrations that may still start at this instant (the total limit minus
    // those in flight and admitted); -1 when there is no total limit.
    long long free_slots() const {
      if (ac_.limits_.max_total == std::numeric_limits<int>::max()) return -1;
      return std::max(0, ac_.limits_.max_total - total_);
    }
    // Whether `moves` more migrations could start at `host` (as source or
    // target: its per-host limit) and whether `vm` is still cooling down: the
    // tests offer() makes.
    bool has_room(int host, int moves) const {
      return moves <= ac_.limits_.max_per_host - per_host_[host];
    }
    bool cooling_down(int vm) const { return now_ - ac_.last_end_[vm] < ac_.limits_.vm_cooldown_s; }
    const std::vector<sim::MigrationOrder>& admitted() const { return out_; }

   private:
    friend class AdmissionControl;
    Step(AdmissionControl& ac, const sim::Placement& p, double now);
    AdmissionControl& ac_;
    const sim::Placement& p_;
    double now_;
    std::vector<int> per_host_;  // in-flight migrations per host (source and target)
    int total_ = 0;
    bool budget_ = false;
    std::vector<sim::MigrationOrder> out_;
    std::vector<double> checked_mbps_;  // with StartRates: the rate each of `out_` was last predicted at
  };
  Step begin(const sim::Placement& p, double now) { return Step(*this, p, now); }
  // Filters `proposed` in order against the placement's in-flight migrations.
  std::vector<sim::MigrationOrder> admit(const sim::Placement& p,
                                         const std::vector<sim::MigrationOrder>& proposed, double now);
  void migration_ended(int vm, double now);
  // Rates from the engine running the policy, or null (see above). Not owned.
  void use_start_rates(const sim::StartRates* rates) { rates_ = rates; }
  const AdmissionStats& stats() const { return stats_; }
  const AdmissionLimits& limits() const { return limits_; }

 private:
  // Predicted timing of `o` at `link_mbps`.
  sim::MigrationTiming predict(const sim::Placement& p, const sim::MigrationOrder& o, double link_mbps) const;
  bool within_budget(const sim::MigrationTiming& t) const;
  // Whether `o` and every migration admitted earlier at this instant (`step`,
  // each last predicted within budget at `checked_mbps`) stay within budget
  // at their rates with `o` started too; on success appends `o` and updates
  // the rates. Counts the refusal's reason otherwise.
  bool admit_with_step(const sim::Placement& p, const sim::MigrationOrder& o, std::vector<sim::MigrationOrder>& step,
                       std::vector<double>& checked_mbps);

  AdmissionLimits limits_;
  std::vector<double> last_end_;
  const sim::MigrationTimer* timer_;
  const sim::StartRates* rates_ = nullptr;
  AdmissionStats stats_;
};

}  // namespace migsim::policies
