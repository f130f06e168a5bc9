#pragma once
#include "sim/consolidation_policy.hpp"

namespace migsim::policies {

// First fit at creation, never migrates (CloudSim PowerVmAllocationPolicySimple).
// DVFS (dvfs_policy.cpp): hosts draw power by utilisation and idle hosts are off.
// NPA (npa_policy.cpp): every host draws its maximum power all the time.
class NoMigrationPolicy : public sim::ConsolidationPolicy {
 public:
  int place_new(sim::Placement& p, int vm) override;
  std::vector<sim::MigrationOrder> optimize(sim::Placement&, double) override { return {}; }
  bool migrates() const override { return false; }
};

std::unique_ptr<sim::ConsolidationPolicy> make_dvfs_policy();
std::unique_ptr<sim::ConsolidationPolicy> make_npa_policy();

}  // namespace migsim::policies
