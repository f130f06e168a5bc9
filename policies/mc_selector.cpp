// Maximum correlation (MC) VM selection.
#include <limits>

#include "policies/statistics.hpp"
#include "policies/vm_selector.hpp"

namespace migsim::policies {

namespace {
class McSelector final : public VmSelector {
 public:
  explicit McSelector(std::unique_ptr<VmSelector> fb) : fallback_(std::move(fb)) {}
  std::string name() const override { return "mc"; }
  int select(const sim::Placement& p, int host) override {
    const std::vector<int> vms = migratable_vms(p, host);
    if (vms.empty()) return -1;
    std::size_t m = std::numeric_limits<std::size_t>::max();
    for (int v : vms) m = std::min(m, p.history(v).size());
    const std::size_t n = vms.size();
    std::vector<std::vector<double>> data(n, std::vector<double>(m, 0.0));
    for (std::size_t i = 0; i < n; ++i) {
      const auto h = p.history(vms[i]);
      for (std::size_t j = 0; j < m; ++j) data[i][j] = h[j];
    }
    if (n < 2) return fallback_->select(p, host);
    std::vector<double> r2(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::vector<double>> others;
      others.reserve(n - 1);
      for (std::size_t j = 0; j < n; ++j) {
        if (j != i) others.push_back(data[j]);
      }
      const stats::RSquared r = stats::ols_r_squared(others, data[i]);
      if (!r.ok) return fallback_->select(p, host);
      r2[i] = r.value;
    }
    double max_metric = std::numeric_limits<double>::denorm_min();  // Java Double.MIN_VALUE
    std::size_t max_index = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (r2[i] > max_metric) {
        max_metric = r2[i];
        max_index = i;
      }
    }
    return vms[max_index];
  }

 private:
  std::unique_ptr<VmSelector> fallback_;
};
}  // namespace

std::unique_ptr<VmSelector> make_mc_selector(std::unique_ptr<VmSelector> fallback) {
  return std::make_unique<McSelector>(std::move(fallback));
}

}  // namespace migsim::policies
