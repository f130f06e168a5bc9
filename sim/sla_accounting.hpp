#pragma once
#include <vector>

namespace migsim::sim {

// Incremental form of CloudSim's host and VM state histories and of the SLA
// metrics its power Helper computes from them. An entry at the same time as
// the previous one replaces it; an interval is charged to the entry that
// starts it once the next entry's time is known.
class SlaAccounting {
 public:
  SlaAccounting(int hosts, int vms);

  void host_entry(int h, double t, double allocated_mips, double requested_mips, bool active);
  void vm_entry(int v, double t, double allocated_mips, double requested_mips, bool migrating_out);
  // migsim mode: the guest was paused for `seconds` while requesting `mips`.
  void downtime(double seconds, double requested_mips);

  double slatah() const;
  double pdm() const;
  double overall() const;
  double average() const;
  long long shutdowns() const;

 private:
  struct HostEntry {
    double t = -1, alloc = 0, req = 0;
    bool active = true, valid = false;
  };
  struct VmEntry {
    double t = -1, alloc = 0, req = 0;
    bool mig = false, valid = false;
  };
  std::vector<HostEntry> host_pending_;
  std::vector<char> host_prev_active_;
  std::vector<VmEntry> vm_pending_;
  double sla_time_ = 0, active_time_ = 0;
  long long shutdowns_ = 0;
  double total_alloc_ = 0, total_req_ = 0, under_mig_ = 0;
  double violation_sum_ = 0;
  long long violation_count_ = 0;
};

}  // namespace migsim::sim
