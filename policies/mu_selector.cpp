// Minimum utilisation (MU) VM selection.
#include <limits>

#include "policies/vm_selector.hpp"

namespace migsim::policies {

namespace {
class MuSelector final : public VmSelector {
 public:
  std::string name() const override { return "mu"; }
  int select(const sim::Placement& p, int host) override {
    int best = -1;
    double min_metric = std::numeric_limits<double>::max();
    for (int v : migratable_vms(p, host)) {
      const double mips = p.vm(v).mips;
      const double metric = (p.utilization_now(v) * mips) / mips;
      if (metric < min_metric) {
        min_metric = metric;
        best = v;
      }
    }
    return best;
  }
};
}  // namespace

std::unique_ptr<VmSelector> make_mu_selector() { return std::make_unique<MuSelector>(); }

}  // namespace migsim::policies
