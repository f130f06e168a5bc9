// DVFS-only baseline: first-fit placement, no migrations, power follows load.
#include <memory>

#include "policies/no_migration_policy.hpp"

namespace migsim::policies {

int NoMigrationPolicy::place_new(sim::Placement& p, int vm) {
  for (int h = 0; h < p.host_count(); ++h) {
    if (p.suitable(h, vm)) return h;
  }
  return -1;
}

namespace {
class DvfsPolicy final : public NoMigrationPolicy {
 public:
  std::string name() const override { return "dvfs"; }
};
}  // namespace

std::unique_ptr<sim::ConsolidationPolicy> make_dvfs_policy() { return std::make_unique<DvfsPolicy>(); }

}  // namespace migsim::policies
