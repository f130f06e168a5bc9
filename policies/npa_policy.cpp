// Non-power-aware baseline: first-fit placement, no migrations, hosts always at max power.
#include <memory>

#include "policies/no_migration_policy.hpp"

namespace migsim::policies {

namespace {
class NpaPolicy final : public NoMigrationPolicy {
 public:
  std::string name() const override { return "npa"; }
  bool power_aware() const override { return false; }
};
}  // namespace

std::unique_ptr<sim::ConsolidationPolicy> make_npa_policy() { return std::make_unique<NpaPolicy>(); }

}  // namespace migsim::policies
