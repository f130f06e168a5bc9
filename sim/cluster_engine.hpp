#pragma once
#include <functional>
#include <vector>

#include "sim/cluster_result.hpp"
#include "sim/cluster_spec.hpp"
#include "sim/consolidation_policy.hpp"
#include "sim/engine_observer.hpp"
#include "sim/migration_timing.hpp"
#include "sim/placement.hpp"
#include "sim/sla_accounting.hpp"

namespace migsim::sim {

// The cluster simulation: VMs' demand from arbitrary per-VM time series, a
// processing instant every scheduling interval (offset + k*interval) where
// hosts update, energy is charged and the policy may order migrations, and a
// migration-completion event per migration, whose duration comes from the
// MigrationTimer.
//
// CloudSim-compatible semantics (EngineOptions::cloudsim_compat), matching
// CloudSim 3.0.3's PowerDatacenter / PowerHost / VmSchedulerTimeShared-
// OverSubscription / PowerVm:
//  - processing at 0.1 + k*300 s; the VM utilisation history (30 values) is
//    taken at those instants; migration completions are processing instants too;
//  - energy per interval: trapezoid of the host's power at the start and end
//    utilisation, 0 if the host was idle at the start (it is "off");
//  - a VM whose demand is 0 at a processing instant is deallocated for good;
//  - during a migration 10 % of the VM's MIPS are lost at the source and 10 %
//    are reserved at the target (CpuShare);
//  - RAM/bandwidth constrain only the initial placement.
// migsim semantics: processing at k*interval, RAM always constrains placement,
// idle VMs stay, a host draws power whenever it has a VM, and each migration's
// downtime (from the pre-copy model) counts as SLA degradation. Concurrent
// migrations share bandwidth: without a network each gets an equal share of
// its two hosts' NICs; with ClusterSpec::network, its max-min fair rate over
// the links of its route, among all migrations in flight. Either way the rate
// is taken when the migration starts and kept to its end: migrations already
// running are not re-timed when others start or finish. In migsim semantics
// the policy may ask (StartRates) what rates migrations it considers would
// get if they started now: the same rule, so admission control predicts each
// migration with the rate it is then timed with.
class ClusterEngine final : private StartRates {
 public:
  ClusterEngine(ClusterSpec spec, ConsolidationPolicy& policy, const MigrationTimer& timer);

  ClusterResult run();
  // Observers are told of every migration started and finished (not owned).
  void add_observer(EngineObserver* o) { observers_.push_back(o); }

  const Placement& placement() const { return placement_; }

 private:
  struct PendingMigration {
    double at;
    long long seq;
    int vm;
    int target;
    double downtime_s;
    bool converged;
    // What re-timing needs (rerate_in_flight): the request it was timed with
    // (its link_mbps the current rate), the duration at that rate, and the
    // fraction done at progress_at.
    MigrationRequest req;
    double duration_s = 0;
    double progress = 0;
    double progress_at = 0;
    double start_s = 0;
  };
  void initial_placement();
  void force_update(double t);
  void update_host(int h, double t);
  void update_vm(int v, double t);
  void start_migration(const MigrationOrder& o, double t);
  void process_migrations(double t);
  void complete_migration(const PendingMigration& m, double t);
  double host_energy(int h, double dt) const;
  struct Starting {
    int vm, source, target;
  };
  // Migrations into or out of host h registered in the placement.
  int nic_transfers(int h) const;
  // Bandwidth each of `s` is timed with when they start now; `registered`:
  // they are already in the placement as migrating (else counted on top).
  std::vector<double> start_rates(const std::vector<Starting>& s, bool registered) const;
  std::vector<double> network_rates_of(const std::vector<Starting>& s) const;
  std::vector<double> rates_if_started(const std::vector<MigrationOrder>& orders) const override;
  void schedule_started(double t);
  // rerate_in_flight: every migration in flight at its current share; those whose
  // share changed finish the fraction left at the new pace.
  void rerate_in_flight(double t);
  std::vector<double> current_rates(const std::vector<const PendingMigration*>& running) const;
  std::vector<Starting> starting_;
  void retire_idle_vms(const std::vector<int>& hosts);

  ClusterSpec spec_;
  std::vector<EngineObserver*> observers_;
  ConsolidationPolicy& policy_;
  const MigrationTimer& timer_;
  Placement placement_;
  SlaAccounting sla_;
  std::vector<double> vm_history_time_;
  std::vector<char> host_had_vms_;
  std::vector<char> skip_, idle_recorded_;
  std::vector<double> max_watts_;
  std::vector<int> all_hosts_;
  std::vector<PendingMigration> heap_;
  long long seq_ = 0;
  double last_process_ = 0;
  double energy_ws_ = 0;
  long long migrations_ = 0, failed_ = 0, retired_ = 0, steps_ = 0;
  double migration_time_sum_ = 0, downtime_sum_ = 0;
};

}  // namespace migsim::sim
