#pragma once
#include <span>
#include <vector>

// Statistics used by the adaptive policies, with the arithmetic of the
// libraries CloudSim 3.0.3 uses (Apache Commons Math 3 Percentile "legacy"
// estimation, SimpleRegression, OLS via Householder QR) so decisions match.
namespace migsim::policies::stats {

double median(std::span<const double> data);
double mad(std::span<const double> data);  // median absolute deviation
double iqr(std::span<const double> data);  // CloudSim MathUtil.iqr (rounded quartile ranks)

struct Line {
  double intercept = 0, slope = 0;
  bool ok = false;
};
// Least-squares line through (x_i, y_i), updating formulas of SimpleRegression.
Line simple_regression(std::span<const double> x, std::span<const double> y);

// R^2 of the ordinary least-squares fit (with intercept) of y on the columns
// of x (x[c][r]: column c, observation r). ok=false when the problem has too
// few observations or is singular (Commons Math would throw).
struct RSquared {
  double value = 0;
  bool ok = false;
};
RSquared ols_r_squared(const std::vector<std::vector<double>>& columns, std::span<const double> y);

}  // namespace migsim::policies::stats
