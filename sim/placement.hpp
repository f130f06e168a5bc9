#pragma once
#include <algorithm>
#include <array>
#include <set>
#include <span>
#include <vector>

#include "sim/cluster_spec.hpp"
#include "sim/cpu_share.hpp"

namespace migsim::sim {

// Hosts of the same kind: same power curve, PEs, PE MIPS, RAM and bandwidth.
bool same_kind(const HostSpec& a, const HostSpec& b);

// Where every VM runs, and what each host's CPU share gives it: the snapshot a
// consolidation policy reads and tentatively edits (create/destroy, then
// restore). The cluster engine keeps one up to date; a live controller builds
// one from measured host/VM utilisation (set_demand, push_history) and calls
// the same policies. Host VM lists keep CloudSim's ArrayList order (append on
// create, erase on destroy) because selection ties are broken by it.
class Placement {
 public:
  struct Rules {
    // CloudSim 3.0.3: once created, a VM requests 0 MB RAM/bandwidth (its
    // cloudlet uses UtilizationModelNull), so RAM only limits the initial
    // placement. migsim mode checks RAM on every placement.
    bool ram_only_at_creation = true;
  };

  Placement() = default;
  Placement(std::vector<HostSpec> hosts, std::vector<VmSpec> vms, Rules rules, int history_length = 30);

  int host_count() const { return static_cast<int>(hosts_.size()); }
  // Hosts of one kind (same power curve, PEs, PE MIPS, RAM and bandwidth) are
  // interchangeable when idle: kinds are numbered 0.. in order of first host.
  int kind_of(int h) const { return kind_[h]; }
  int kind_count() const { return static_cast<int>(idle_by_kind_.size()); }
  int vm_count() const { return static_cast<int>(vms_.size()); }
  const HostSpec& host(int h) const { return hosts_[h].spec; }
  // host(h).total_mips() and host(h).power, from flat arrays (a placement
  // search reads them for every host it visits).
  double total_mips(int h) const { return total_mips_[h]; }
  const PowerCurve& power_curve(int h) const { return *curve_[h]; }
  const VmSpec& vm(int v) const { return vms_[v].spec; }

  // ---- demand (set by the engine or a live controller) ----
  // Current requested MIPS of the VM (CloudSim: utilisation at its last update x MIPS).
  double requested_mips(int v) const;
  void set_requested_mips(int v, double mips) {
    vms_[v].requested = mips;
    ++demand_epoch_;
  }
  // A VM being created asks for its full MIPS and RAM (CloudSim isBeingInstantiated).
  void set_instantiating(int v, bool on) {
    vms_[v].instantiating = on;
    ++demand_epoch_;
  }
  // Utilisation (fraction of VM MIPS) at the decision instant: MU selection and
  // the decreasing-utilisation sort of placement use it.
  double utilization_now(int v) const { return vms_[v].util_now; }
  void set_utilization_now(int v, double u) { vms_[v].util_now = u; }
  // Per-VM history, most recent first, at most history_length values.
  void push_history(int v, double utilization);
  std::span<const double> history(int v) const {
    return {history_.data() + static_cast<std::size_t>(v) * static_cast<std::size_t>(history_length_),
            static_cast<std::size_t>(vms_[v].history_size)};
  }
  // CloudSim PowerHostUtilizationHistory: sum over the host's VMs of
  // history x VM MIPS / host MIPS, zero tail trimmed. Most recent first.
  std::vector<double> host_utilization_history(int h) const;
  // Same, as if VM `extra_vm` (>= 0) were on the host too (after its VMs);
  // writes into `out` and returns the length. No allocation.
  int host_utilization_history(int h, int extra_vm, std::array<double, 64>& out) const;

  // ---- placement state ----
  int host_of(int v) const { return vms_[v].host; }
  bool in_migration(int v) const { return vms_[v].in_migration; }
  bool alive(int v) const { return vms_[v].alive; }
  std::span<const int> vms_on(int h) const { return hosts_[h].vms; }
  std::span<const int> migrating_in(int h) const { return hosts_[h].migrating_in; }
  bool is_migrating_in(int h, int v) const;
  const CpuShare& cpu(int h) const { return hosts_[h].cpu; }

  // Host utilisation (fraction) from the last engine update (HostDynamicWorkload).
  double utilization(int h) const;
  double utilization_mips(int h) const { return hosts_[h].util_mips; }
  void set_utilization_mips(int h, double mips);
  double previous_utilization_mips(int h) const { return hosts_[h].prev_util_mips; }
  // CloudSim getUtilizationOfCpuMips (policy view): allocated MIPS with a VM
  // migrating in counted at its full request.
  double allocated_mips_for_policy(int h) const;
  // Power at the host's current utilisation (cached until the host changes).
  double power_now(int h) const;
  double requested_mips_on(int h) const;  // sum of requested MIPS of the host's VMs

  // Idle: no VM, none arriving, zero utilisation and every MIPS free. Kept up
  // to date by every operation, so a placement search visits the busy hosts
  // (in no particular order) and only the first idle host of each kind.
  bool idle(int h) const { return busy_pos_[h] < 0; }
  std::span<const int> busy_hosts() const { return busy_; }
  const std::set<int>& idle_hosts(int kind) const { return idle_by_kind_[kind]; }

  // ---- operations (CloudSim Host semantics) ----
  bool suitable(int h, int v) const;  // isSuitableForVm
  // The RAM and bandwidth part of suitable(). A search asking it of many hosts
  // reads the VM's request once (memory_request: valid until the placement
  // changes); only a host holding the VM's own memory, which it gives back
  // first, costs more than two reads of flat arrays.
  struct MemoryRequest {
    int vm;
    double ram, bw;
    std::span<const int> held_on;  // the hosts holding memory of the VM
  };
  MemoryRequest memory_request(int v) const {
    return {v, requested_ram(v), requested_bw(v), vms_[v].ram_hosts};
  }
  bool ram_bw_suitable(int h, const MemoryRequest& r) const {
    if (r.ram == 0 && r.bw == 0) return true;
    if (std::ranges::find(r.held_on, h) != r.held_on.end()) return fits_giving_back(h, r);
    return ram_free_[h] >= r.ram && bw_free_[h] >= r.bw;
  }
  bool ram_bw_suitable(int h, int v) const { return ram_bw_suitable(h, memory_request(v)); }
  bool create(int h, int v);          // vmCreate: allocate, append, host_of = h
  void destroy(int h, int v);         // vmDestroy
  void destroy_all(int h);            // vmDestroyAll
  void add_migrating_in(int h, int v);     // Host.addMigratingInVm (without the host updates)
  void remove_migrating_in(int h, int v);  // Host.removeMigratingInVm
  void reallocate_migrating_in(int h);     // Host.reallocateMigratingInVms
  void reallocate_cpu(int h);  // HostDynamicWorkload: deallocate all, allocate each VM's request
  void set_in_migration(int v, bool on) { vms_[v].in_migration = on; }
  void retire(int v);  // VM gone for good (CloudSim: its cloudlet finished)

  struct SavedEntry {
    int host, vm;
  };
  std::vector<SavedEntry> save();                     // saveAllocation
  void restore(const std::vector<SavedEntry>& saved);  // restoreAllocation

 private:
  struct HostState {
    HostSpec spec;
    std::vector<int> vms;
    std::vector<int> migrating_in;
    CpuShare cpu;
    std::vector<std::array<double, 3>> ram_bw;  // {vm, ram, bw} allocated here
    double util_mips = 0, prev_util_mips = 0;
    // Caches, invalidated by every change to the host.
    mutable long long req_epoch = -1;
    mutable long long hist_epoch = -1;  // cached history sum (without any extra VM)
    bool changed = true;  // VM list or CPU shares changed since the last save()
    mutable double req_sum = 0;
  };
  // Called before every change to host h (invalidates its caches); the change
  // ends with refresh_idle(h).
  void touch(int h) {
    alloc_cached_[h] = 0;
    hosts_[h].req_epoch = -1;
    hosts_[h].hist_epoch = -1;
    hosts_[h].changed = true;
  }
  void refresh_idle(int h);
  bool canonical_order(int h) const;
  long long demand_epoch_ = 0;
  long long history_epoch_ = 0;
  struct VmState {
    VmSpec spec;
    int host = -1;
    bool in_migration = false;
    bool instantiating = false;
    bool alive = true;
    double requested = 0;
    double util_now = 0;
    int history_size = 0;  // values in history_ (history_length_ per VM, most recent first)
    std::vector<int> ram_hosts;  // the hosts holding an entry of this VM in their ram_bw
  };
  double requested_ram(int v) const;
  double requested_bw(int v) const;
  bool allocate_ram_bw(int h, int v);
  void free_ram_bw(int h, int v);
  bool fits_giving_back(int h, const MemoryRequest& r) const;  // r.vm's entries on h count as free

  std::vector<HostState> hosts_;
  // Hot per-host fields a placement search reads for every host, kept flat.
  std::vector<double> total_mips_;
  std::vector<double> ram_free_, bw_free_;  // RAM and bandwidth not allocated
  std::vector<const PowerCurve*> curve_;
  mutable std::vector<double> alloc_policy_, power_;
  mutable std::vector<unsigned char> alloc_cached_, power_cached_;
  mutable std::vector<double> hist_sum_;  // cached history sums, history_length_ per host
  std::vector<double> history_;           // the VMs' histories, history_length_ per VM
  std::vector<int> kind_;
  std::vector<std::set<int>> idle_by_kind_;
  std::vector<int> busy_, busy_pos_;  // busy hosts; position in busy_ or -1 when idle
  std::vector<VmState> vms_;
  Rules rules_;
  int history_length_ = 30;
};

// The trial moves a policy makes while it decides (destroy a VM here, create it
// there, ask what the hosts would then look like): the placement is saved when
// the handle is made and restored when it goes out of scope, also when an
// exception leaves the scope (CloudSim's saveAllocation / restoreAllocation), so
// a decision never leaves a trace in the placement the engine runs.
class TrialMoves {
 public:
  explicit TrialMoves(Placement& p) : p_(p), saved_(p.save()) {}
  ~TrialMoves() { p_.restore(saved_); }
  TrialMoves(const TrialMoves&) = delete;
  TrialMoves& operator=(const TrialMoves&) = delete;

 private:
  Placement& p_;
  std::vector<Placement::SavedEntry> saved_;
};

}  // namespace migsim::sim
