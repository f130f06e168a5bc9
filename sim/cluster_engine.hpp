#pragma once
#include <functional>
#include <map>
#include <vector>

#include "sim/cluster_result.hpp"
#include "sim/cluster_spec.hpp"
#include "sim/consolidation_policy.hpp"
#include "sim/engine_observer.hpp"
#include "sim/migration_flows.hpp"
#include "sim/migration_timing.hpp"
#include "sim/placement.hpp"
#include "sim/simulator.hpp"
#include "sim/sla_accounting.hpp"

namespace migsim::sim {

// The cluster simulation on one event queue (sim/simulator.hpp): processing
// instants every scheduling interval (offset + k*interval), where hosts update,
// energy is charged, the VMs' traces move on and the policy may order
// migrations; and the migrations' milestones (sim/migration_flows.hpp), where a
// migration ends or what it can use changes. Each migration is a
// MigrationProcess made by the MigrationTimer.
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
//  - RAM/bandwidth constrain only the initial placement;
//  - a migration takes RAM / (BW / 2) at its target host's bandwidth.
// migsim semantics: processing at k*interval, RAM always constrains placement,
// idle VMs stay, a host draws power whenever it has a VM, and each migration's
// downtime (from the pre-copy model) counts as SLA degradation. Concurrent
// migrations share bandwidth: without a network each gets an equal share of
// its two hosts' NICs; with ClusterSpec::network, its max-min fair rate over
// the links of its route. When a migration starts, ends or is paused for its
// stop-and-copy, the rates are recomputed and pushed to every migration in
// flight (EngineOptions::rerate_in_flight, on by default; off: each keeps the
// rate it started with), and at each processing instant a migrating VM's write
// rate follows its trace. The policy may ask (StartRates) what rates migrations
// it considers would get if they started now: the same rule, so admission
// control predicts each migration with the rate it starts with.
class ClusterEngine final : private StartRates, private StepView {
 public:
  ClusterEngine(ClusterSpec spec, ConsolidationPolicy& policy, const MigrationTimer& timer);

  ClusterResult run();

  // Maintenance: from t = 0 (the VMs placed, their demand at 0), every VM on
  // `host` is migrated off under the policy's own limits (ConsolidationPolicy::
  // evacuate, asked again whenever a migration ends) over the same shared
  // network as run(); no other decision is taken. Instead of run().
  struct Evacuation {
    std::vector<MigrationFinished> migrations;  // in the order they ended
    std::vector<int> left;                      // VMs still on the host at the end
    double makespan_s = 0.0;                    // the last end
  };
  Evacuation evacuate(int host);
  // Observers are told of every migration started and finished, and shown the
  // cluster after every processing instant of run() (not owned).
  void add_observer(EngineObserver* o) { observers_.push_back(o); }

  const Placement& placement() const override { return placement_; }
  // Events the run processed (processing instants and migration milestones).
  std::uint64_t events_processed() const { return sim_.events_processed(); }
  const MigrationFlows& flows() const { return flows_; }

 private:
  // What the engine keeps of a migration in flight beside its process.
  struct InFlight {
    int vm;
    int target;
    MigrationRequest req;
    double dirty_now;  // pages/s it writes now
    EventId trace_event;  // its VM's next trace sample (0: none)
    int cause;
  };
  void initial_placement();
  void force_update(double t);
  void charge_hosts(const std::vector<int>& hosts, double t);
  void update_host(int h, double t);
  void update_vm(int v, double t);
  void start_migration(const MigrationOrder& o, double t);
  void processing_instant(double t);
  void migration_milestone(double t);
  void schedule_milestone();
  void complete_migration(const MigrationFlows::Finished& f, double t);
  double host_energy(int h, double dt) const;
  // A host's utilisation of `mips` as its power curve takes it (in [0, 1]).
  double power_utilization(int h, double mips) const;
  struct Starting {
    int vm, source, target, cause;
  };
  // StepView, for the observers.
  double t_s() const override { return last_process_; }
  double energy_kwh() const override { return energy_ws_ / (3600.0 * 1000.0); }
  bool host_active(int h) const override;
  double host_power_w(int h) const override;
  long long migrations_in_flight() const override { return static_cast<long long>(in_flight_.size()); }
  long long migrations_started() const override { return migrations_; }
  double slatah() const override { return sla_.slatah(); }
  double pdm() const override { return sla_.pdm(); }
  std::vector<double> rates_if_started(const std::vector<MigrationOrder>& orders) const override;
  void schedule_started(double t);
  // The VMs in migration write at the rate of their trace's new sample.
  void follow_traces(double t);
  // One of them; true when its write rate changed.
  bool follow_trace(long long id, InFlight& m, double t);
  // Every live VM's utilisation now, for the policy.
  void sample_utilization(double t);
  // run() and evacuate(): the policy may ask for start rates until the scope ends.
  struct RunScope {
    ConsolidationPolicy& policy;
    ~RunScope() { policy.use_start_rates(nullptr); }
  };
  RunScope begin_run();
  // A trace sampled more often than the scheduling interval: its samples during
  // a migration are events of their own.
  void schedule_trace_sample(long long id, double t);
  void trace_sample(long long id, double t);
  std::vector<Starting> starting_;
  void retire_idle_vms(const std::vector<int>& hosts);

  ClusterSpec spec_;  // hosts and vms moved into placement_ (empty here)
  std::vector<EngineObserver*> observers_;
  ConsolidationPolicy& policy_;
  const MigrationTimer& timer_;
  Placement placement_;
  SlaAccounting sla_;
  std::vector<double> vm_history_time_;
  std::vector<char> host_had_vms_;
  std::vector<char> skip_, idle_recorded_;
  std::vector<double> max_watts_;
  std::vector<double> host_updated_s_;  // migsim semantics: each host's last energy charge
  std::vector<int> all_hosts_;
  Simulator sim_;
  MigrationFlows flows_;
  std::map<long long, InFlight> in_flight_;  // by flow id (start order)
  EventId milestone_event_ = 0;
  double milestone_at_ = 0;
  double grid_ = 0;
  bool stopped_ = false;
  double last_process_ = 0;
  double energy_ws_ = 0;
  long long migrations_ = 0, failed_ = 0, retired_ = 0, unplaced_ = 0, steps_ = 0;
  double downtime_sum_ = 0;
};

}  // namespace migsim::sim
