// Minimum migration time (MMT) VM selection.
#include <limits>

#include "policies/vm_selector.hpp"

namespace migsim::policies {

std::vector<int> migratable_vms(const sim::Placement& p, int host) {
  std::vector<int> out;
  for (int v : p.vms_on(host)) {
    if (!p.in_migration(v)) out.push_back(v);
  }
  return out;
}

namespace {
class MmtSelector final : public VmSelector {
 public:
  std::string name() const override { return "mmt"; }
  int select(const sim::Placement& p, int host) override {
    int best = -1;
    double min_ram = std::numeric_limits<double>::max();
    for (int v : migratable_vms(p, host)) {
      if (p.vm(v).ram_mib < min_ram) {
        min_ram = p.vm(v).ram_mib;
        best = v;
      }
    }
    return best;
  }
};
}  // namespace

std::unique_ptr<VmSelector> make_mmt_selector() { return std::make_unique<MmtSelector>(); }

}  // namespace migsim::policies
