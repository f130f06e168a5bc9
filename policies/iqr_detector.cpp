// Inter-quartile range (IQR) adaptive threshold.
#include "policies/overload_detector.hpp"
#include "policies/statistics.hpp"

namespace migsim::policies {

namespace {
class IqrDetector final : public OverloadDetector {
 public:
  IqrDetector(double s, std::unique_ptr<OverloadDetector> fb) : safety_(s), fallback_(std::move(fb)) {}
  std::string name() const override { return "iqr"; }
  bool overloaded(const sim::Placement& p, int host) const override {
    const std::vector<double> h = p.host_utilization_history(host);
    if (h.size() < 12) return fallback_->overloaded(p, host);
    const double upper = 1 - safety_ * stats::iqr(h);
    return requested_utilization(p, host) > upper;
  }

 private:
  double safety_;
  std::unique_ptr<OverloadDetector> fallback_;
};
}  // namespace

std::unique_ptr<OverloadDetector> make_iqr_detector(double safety,
                                                    std::unique_ptr<OverloadDetector> fallback) {
  return std::make_unique<IqrDetector>(safety, std::move(fallback));
}

}  // namespace migsim::policies
