// Static threshold (THR) overload detection.
#include "policies/overload_detector.hpp"

namespace migsim::policies {

double requested_utilization(const sim::Placement& p, int host) {
  double total = 0;
  for (int v : p.vms_on(host)) total += p.requested_mips(v);
  return total / p.host(host).total_mips();
}

namespace {
class ThrDetector final : public OverloadDetector {
 public:
  explicit ThrDetector(double t) : threshold_(t) {}
  std::string name() const override { return "thr"; }
  bool overloaded(const sim::Placement& p, int host) const override {
    return requested_utilization(p, host) > threshold_;
  }

 private:
  double threshold_;
};
}  // namespace

std::unique_ptr<OverloadDetector> make_thr_detector(double threshold) {
  return std::make_unique<ThrDetector>(threshold);
}

}  // namespace migsim::policies
