#include "policies/local_regression.hpp"

#include <array>
#include <climits>
#include <cmath>
#include <vector>

#include "policies/overload_detector.hpp"

namespace migsim::policies {

namespace {
constexpr int kLength = kRegressionMinHistory;

// CloudSim MathUtil.getTricubeWeigts.
std::vector<double> tricube(int n) {
  std::vector<double> w(static_cast<std::size_t>(n), 0.0);
  const double top = n - 1;
  const double spread = top;
  for (int i = 2; i < n; ++i) {
    const double k = std::pow(1 - std::pow((top - i) / spread, 3), 3);
    w[i] = k > 0 ? 1 / k : std::numeric_limits<double>::max();
  }
  w[0] = w[1] = w[2];
  return w;
}

// CloudSim createWeigthedLinearRegression: weights only apply when >= 40 % of
// them are zero, which never happens, so this is plain least squares.
stats::Line weighted_fit(std::span<const double> x, std::span<const double> y,
                         const std::vector<double>& w) {
  int zero = 0;
  for (double v : w) zero += v <= 0 ? 1 : 0;
  if (zero < 0.4 * static_cast<double>(w.size())) return stats::simple_regression(x, y);
  std::array<double, kLength> xw{}, yw{};
  for (std::size_t i = 0; i < x.size(); ++i) {
    xw[i] = std::sqrt(w[i]) * x[i];
    yw[i] = std::sqrt(w[i]) * y[i];
  }
  return stats::simple_regression(std::span<const double>(xw.data(), x.size()),
                                  std::span<const double>(yw.data(), y.size()));
}

const std::vector<double>& tricube10() {
  static const std::vector<double> w = tricube(kLength);
  return w;
}
}  // namespace

LocalPrediction predict_host_utilization(const sim::Placement& p, int host, int extra_vm,
                                         double interval_s, bool robust) {
  LocalPrediction out;
  std::array<double, 64> h;
  const int n = p.host_utilization_history(host, extra_vm, h);
  if (n < kLength) return out;
  std::array<double, kLength> x{}, y{};
  for (int i = 0; i < kLength; ++i) {
    x[i] = i + 1;
    y[i] = h[static_cast<std::size_t>(kLength - i - 1)];
  }
  stats::Line line = weighted_fit(x, y, tricube10());
  if (robust && line.ok) {
    std::vector<double> residuals(kLength), absr(kLength);
    for (int i = 0; i < kLength; ++i) {
      residuals[i] = y[i] - (line.intercept + line.slope * x[i]);
      absr[i] = std::fabs(residuals[i]);
    }
    const std::vector<double>& w = tricube10();
    std::vector<double> w2(kLength, 0.0);
    const double s6 = stats::median(absr) * 6;
    for (int i = 2; i < kLength; ++i) {
      const double k = std::pow(1 - std::pow(residuals[i] / s6, 2), 2);
      w2[i] = k > 0 ? (1 / k) * w[i] : std::numeric_limits<double>::max();
    }
    w2[0] = w2[1] = w2[2];
    const stats::Line robust_line = weighted_fit(x, y, w2);
    if (robust_line.ok) line = robust_line;
  }
  if (!line.ok) return out;
  // Longest migration time of the host's VMs: RAM / (BW / 2).
  double max_ram = static_cast<double>(INT_MIN);
  for (int v : p.vms_on(host)) max_ram = std::max(max_ram, p.vm(v).ram_mib);
  if (extra_vm >= 0) max_ram = std::max(max_ram, p.vm(extra_vm).ram_mib);
  const double bw = p.host(host).bw_mbps * 1000.0;
  const double migration_s = max_ram / (bw / (2 * 8000));
  const double intervals = std::ceil(migration_s / interval_s);
  out.utilization = line.intercept + line.slope * (kLength + intervals);
  out.ok = true;
  return out;
}

}  // namespace migsim::policies
