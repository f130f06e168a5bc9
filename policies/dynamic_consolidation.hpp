#pragma once
#include <memory>
#include <string>

#include "policies/overload_detector.hpp"
#include "policies/power_aware_placement.hpp"
#include "policies/vm_selector.hpp"
#include "sim/consolidation_policy.hpp"

namespace migsim::policies {

// Beloglazov & Buyya's dynamic VM consolidation (CloudSim
// PowerVmAllocationPolicyMigrationAbstract.optimizeAllocation):
//  1. overloaded hosts: the detector on every host;
//  2. from each, the selector picks VMs until the host is no longer overloaded;
//  3. those VMs (by utilisation, decreasing) go to hosts chosen by PABFD,
//     overloaded hosts excluded;
//  4. underloaded hosts are emptied (underload_consolidation.hpp);
//  5. the snapshot is restored and the migrations returned.
class DynamicConsolidation final : public sim::ConsolidationPolicy {
 public:
  DynamicConsolidation(std::string name, std::unique_ptr<OverloadDetector> detector,
                       std::unique_ptr<VmSelector> selector);
  std::string name() const override { return name_; }
  int place_new(sim::Placement& p, int vm) override;
  std::vector<sim::MigrationOrder> optimize(sim::Placement& p, double now) override;
  // Every VM of the host at once (CloudSim has no admission control).
  std::vector<sim::MigrationOrder> evacuate(sim::Placement& p, int host, double now) override;
  // "overload thr" (the detector's name), "underload", "evacuation".
  std::string cause_name(int cause) const override;

 private:
  std::string name_;
  std::unique_ptr<OverloadDetector> detector_;
  std::unique_ptr<VmSelector> selector_;
  PowerAwareBestFit pabfd_;
};

}  // namespace migsim::policies
