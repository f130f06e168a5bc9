// Inter-quartile range (IQR) adaptive threshold.
#include <array>

#include "policies/overload_detector.hpp"
#include "policies/statistics.hpp"

namespace migsim::policies {

namespace {
class IqrDetector final : public OverloadDetector {
 public:
  IqrDetector(double s, std::unique_ptr<OverloadDetector> fb) : safety_(s), fallback_(std::move(fb)) {}
  std::string name() const override { return "iqr"; }
  bool overloaded_with(const sim::Placement& p, int host, int extra) const override {
    std::array<double, 64> buf;
    const int n = p.host_utilization_history(host, extra, buf);
    if (n < kQuartileMinHistory) return fallback_->overloaded_with(p, host, extra);
    const double upper = 1 - safety_ * stats::iqr(std::span<const double>(buf.data(), static_cast<std::size_t>(n)));
    return requested_utilization(p, host, extra) > upper;
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
