// Local regression overload prediction: LR (least squares) and LRR (robust, bisquare
// reweighted) differ only in the fit, so one detector serves both.
#include "policies/local_regression.hpp"
#include "policies/overload_detector.hpp"

namespace migsim::policies {

namespace {
class LocalRegressionDetector final : public OverloadDetector {
 public:
  LocalRegressionDetector(bool robust, double s, double interval,
                          std::unique_ptr<OverloadDetector> fb)
      : robust_(robust), safety_(s), interval_(interval), fallback_(std::move(fb)) {}
  std::string name() const override { return robust_ ? "lrr" : "lr"; }
  bool overloaded_with(const sim::Placement& p, int host, int extra) const override {
    const LocalPrediction pr = predict_host_utilization(p, host, extra, interval_, robust_);
    if (!pr.ok) return fallback_->overloaded_with(p, host, extra);
    return pr.utilization * safety_ >= 1;
  }

 private:
  bool robust_;
  double safety_, interval_;
  std::unique_ptr<OverloadDetector> fallback_;
};
}  // namespace

std::unique_ptr<OverloadDetector> make_lr_detector(double safety, double interval_s,
                                                   std::unique_ptr<OverloadDetector> fallback) {
  return std::make_unique<LocalRegressionDetector>(false, safety, interval_s, std::move(fallback));
}

std::unique_ptr<OverloadDetector> make_lrr_detector(double safety, double interval_s,
                                                    std::unique_ptr<OverloadDetector> fallback) {
  return std::make_unique<LocalRegressionDetector>(true, safety, interval_s, std::move(fallback));
}

}  // namespace migsim::policies
