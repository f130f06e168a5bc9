#include "policies/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace migsim::policies::stats {

double median(std::span<const double> data) {
  const std::size_t n = data.size();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> s(data.begin(), data.end());
  std::sort(s.begin(), s.end());
  if (n == 1) return s[0];
  const double pos = 0.5 * static_cast<double>(n + 1);
  const double fpos = std::floor(pos);
  const auto ipos = static_cast<std::size_t>(fpos);
  const double dif = pos - fpos;
  if (pos < 1) return s[0];
  if (pos >= static_cast<double>(n)) return s[n - 1];
  const double lower = s[ipos - 1];
  const double upper = s[ipos];
  return lower + dif * (upper - lower);
}

double mad(std::span<const double> data) {
  if (data.empty()) return 0;
  const double m = median(data);
  std::vector<double> dev(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) dev[i] = std::fabs(m - data[i]);
  return median(dev);
}

double iqr(std::span<const double> data) {
  std::vector<double> s(data.begin(), data.end());
  std::sort(s.begin(), s.end());
  const double n1 = static_cast<double>(s.size() + 1);
  const auto q1 = static_cast<long long>(std::floor(0.25 * n1 + 0.5)) - 1;
  const auto q3 = static_cast<long long>(std::floor(0.75 * n1 + 0.5)) - 1;
  return s[static_cast<std::size_t>(q3)] - s[static_cast<std::size_t>(q1)];
}

Line simple_regression(std::span<const double> x, std::span<const double> y) {
  double sum_x = 0, sum_y = 0, sum_xx = 0, sum_xy = 0, xbar = 0, ybar = 0;
  long long n = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (n == 0) {
      xbar = x[i];
      ybar = y[i];
    } else {
      const double fact1 = 1.0 + static_cast<double>(n);
      const double fact2 = static_cast<double>(n) / (1.0 + static_cast<double>(n));
      const double dx = x[i] - xbar;
      const double dy = y[i] - ybar;
      sum_xx += dx * dx * fact2;
      sum_xy += dx * dy * fact2;
      xbar += dx / fact1;
      ybar += dy / fact1;
    }
    sum_x += x[i];
    sum_y += y[i];
    ++n;
  }
  Line l;
  if (n < 3 || !(std::fabs(sum_xx) > std::numeric_limits<double>::min())) return l;
  l.slope = sum_xy / sum_xx;
  l.intercept = (sum_y - l.slope * sum_x) / static_cast<double>(n);
  l.ok = !std::isnan(l.slope) && !std::isnan(l.intercept);
  return l;
}

RSquared ols_r_squared(const std::vector<std::vector<double>>& columns, std::span<const double> y) {
  RSquared out;
  const std::size_t m = y.size();          // observations
  const std::size_t k = columns.size();    // regressors
  if (m == 0 || k == 0 || k + 1 > m) return out;
  // qrt[c][r]: transposed design matrix, intercept column first (Commons Math layout).
  std::vector<std::vector<double>> qrt(k + 1, std::vector<double>(m, 1.0));
  for (std::size_t c = 0; c < k; ++c) {
    if (columns[c].size() != m) return out;
    qrt[c + 1] = columns[c];
  }
  const std::vector<std::vector<double>> x = qrt;  // keep X for the residuals
  const std::size_t cols = k + 1;
  std::vector<double> rdiag(cols);
  for (std::size_t minor = 0; minor < std::min(m, cols); ++minor) {
    std::vector<double>& qm = qrt[minor];
    double norm_sqr = 0;
    for (std::size_t r = minor; r < m; ++r) norm_sqr += qm[r] * qm[r];
    const double a = qm[minor] > 0 ? -std::sqrt(norm_sqr) : std::sqrt(norm_sqr);
    rdiag[minor] = a;
    if (a != 0.0) {
      qm[minor] -= a;
      for (std::size_t c = minor + 1; c < cols; ++c) {
        std::vector<double>& qc = qrt[c];
        double alpha = 0;
        for (std::size_t r = minor; r < m; ++r) alpha -= qc[r] * qm[r];
        alpha /= a * qm[minor];
        for (std::size_t r = minor; r < m; ++r) qc[r] -= alpha * qm[r];
      }
    }
  }
  for (double d : rdiag) {
    if (std::fabs(d) <= 0.0) return out;  // singular
  }
  // Solve R b = Q^T y.
  std::vector<double> yy(y.begin(), y.end());
  for (std::size_t minor = 0; minor < std::min(m, cols); ++minor) {
    const std::vector<double>& qm = qrt[minor];
    double dot = 0;
    for (std::size_t r = minor; r < m; ++r) dot += yy[r] * qm[r];
    dot /= rdiag[minor] * qm[minor];
    for (std::size_t r = minor; r < m; ++r) yy[r] += dot * qm[r];
  }
  std::vector<double> b(cols);
  for (std::size_t row = cols; row-- > 0;) {
    yy[row] /= rdiag[row];
    const double yrow = yy[row];
    b[row] = yrow;
    for (std::size_t i = 0; i < row; ++i) yy[i] -= yrow * qrt[row][i];
  }
  double ssr = 0;
  for (std::size_t r = 0; r < m; ++r) {
    double fit = 0;
    for (std::size_t c = 0; c < cols; ++c) fit += x[c][r] * b[c];
    const double u = y[r] - fit;
    ssr += u * u;
  }
  // Commons Math SecondMoment.
  double m1 = 0, m2 = 0;
  long long n = 0;
  for (double v : y) {
    ++n;
    const double dev = v - m1;
    const double ndev = dev / static_cast<double>(n);
    m1 += ndev;
    m2 += (static_cast<double>(n) - 1) * dev * ndev;
  }
  out.value = 1 - ssr / m2;
  out.ok = true;
  return out;
}

}  // namespace migsim::policies::stats
