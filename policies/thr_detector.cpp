// Static threshold (THR) overload detection.
#include "policies/overload_detector.hpp"

namespace migsim::policies {

double requested_utilization(const sim::Placement& p, int host, int extra_vm) {
  double total = p.requested_mips_on(host);  // in list order, as CloudSim sums
  if (extra_vm >= 0) total += p.requested_mips(extra_vm);
  return total / p.host(host).total_mips();
}

namespace {
class ThrDetector final : public OverloadDetector {
 public:
  explicit ThrDetector(double t) : threshold_(t) {}
  std::string name() const override { return "thr"; }
  bool overloaded_with(const sim::Placement& p, int host, int extra) const override {
    return requested_utilization(p, host, extra) > threshold_;
  }

 private:
  double threshold_;
};
}  // namespace

std::unique_ptr<OverloadDetector> make_thr_detector(double threshold) {
  return std::make_unique<ThrDetector>(threshold);
}

}  // namespace migsim::policies
