#pragma once
#include <algorithm>
#include <vector>

namespace migsim::sim {

// A small set of VM ids, kept sorted (a host has a handful of migrating VMs):
// memory in the VMs it holds, not in the largest VM id.
class SmallVmSet {
 public:
  bool contains(int vm) const {
    if (ids_.empty() || vm < ids_.front() || vm > ids_.back()) return false;
    // A handful of ids: a scan beats the branches of a binary search.
    if (ids_.size() <= 32) return std::find(ids_.begin(), ids_.end(), vm) != ids_.end();
    return std::binary_search(ids_.begin(), ids_.end(), vm);
  }
  // Returns true if the VM was not in the set.
  bool insert(int vm) {
    auto it = std::lower_bound(ids_.begin(), ids_.end(), vm);
    if (it != ids_.end() && *it == vm) return false;
    ids_.insert(it, vm);
    return true;
  }
  // Returns true if the VM was in the set.
  bool erase(int vm) {
    auto it = std::lower_bound(ids_.begin(), ids_.end(), vm);
    if (it == ids_.end() || *it != vm) return false;
    ids_.erase(it);
    return true;
  }
  bool empty() const { return ids_.empty(); }
  std::size_t size() const { return ids_.size(); }
  const std::vector<int>& ids() const { return ids_; }  // ascending

 private:
  std::vector<int> ids_;
};

// One host's CPU time-sharing among its VMs with over-subscription, following
// CloudSim's VmSchedulerTimeSharedOverSubscription: each VM's request is capped
// at one PE; a VM migrating out gets 90 % of its request, a VM migrating in
// reserves 10 %; when requests exceed the capacity every VM is scaled by
// capacity / requested and floored, and the available MIPS drops to 0.
class CpuShare {
 public:
  CpuShare() = default;
  CpuShare(int pes, double pe_mips) : pes_(pes), pe_mips_(pe_mips), available_(pes * pe_mips) {}

  // allocatePesForVm(Vm): records migrating-out status, then allocates.
  void allocate_vm(int vm, double requested_total, int vm_pes, bool in_migration);
  // allocate_vm for a VM known not to be allocated here (after clear()).
  void allocate_new_vm(int vm, double requested_total, int vm_pes, bool in_migration);
  // deallocatePesForVm: removes the VM and re-allocates the others.
  void deallocate(int vm);
  // deallocatePesForAllVms (the migration status lists are kept).
  void clear();

  void mark_migrating_in(int vm);
  void unmark_migrating_in(int vm);
  bool is_migrating_in(int vm) const;
  bool is_migrating_out(int vm) const;
  const SmallVmSet& migrating_in() const { return migrating_in_; }
  const SmallVmSet& migrating_out() const { return migrating_out_; }

  double available() const { return available_; }
  double allocated(int vm) const;  // 0 if unknown
  double pe_mips() const { return pe_mips_; }
  double total_mips() const { return pes_ * pe_mips_; }

 private:
  struct Entry {
    int vm;
    int pes;
    double requested;  // total requested MIPS when allocated
    double allocated;
  };
  void allocate_entry(int vm, double requested_total, int vm_pes, bool known_new = false);
  void redistribute();
  double capped(double requested_total, int vm_pes) const;

  int pes_ = 1;
  double pe_mips_ = 0;
  double available_ = 0;
  std::vector<Entry> entries_;
  // VMs migrating in and out of this host. A VM stays "migrating out" of a
  // host after it left (CloudSim keeps it in the list until the VM is allocated
  // there again outside a migration), which changes its share if it ever
  // migrates back.
  SmallVmSet migrating_in_, migrating_out_;
};

}  // namespace migsim::sim
