// Local regression (LR) overload prediction.
#include "policies/local_regression.hpp"
#include "policies/overload_detector.hpp"

namespace migsim::policies {

namespace {
class LrDetector final : public OverloadDetector {
 public:
  LrDetector(double s, double interval, std::unique_ptr<OverloadDetector> fb)
      : safety_(s), interval_(interval), fallback_(std::move(fb)) {}
  std::string name() const override { return "lr"; }
  bool overloaded_with(const sim::Placement& p, int host, int extra) const override {
    const LocalPrediction pr = predict_host_utilization(p, host, extra, interval_, false);
    if (!pr.ok) return fallback_->overloaded_with(p, host, extra);
    return pr.utilization * safety_ >= 1;
  }

 private:
  double safety_, interval_;
  std::unique_ptr<OverloadDetector> fallback_;
};
}  // namespace

std::unique_ptr<OverloadDetector> make_lr_detector(double safety, double interval_s,
                                                   std::unique_ptr<OverloadDetector> fallback) {
  return std::make_unique<LrDetector>(safety, interval_s, std::move(fallback));
}

}  // namespace migsim::policies
