#include <gtest/gtest.h>

#include <vector>

#include "policies/statistics.hpp"

using namespace migsim::policies::stats;

TEST(Statistics, MedianUsesLegacyPercentileEstimation) {
  EXPECT_DOUBLE_EQ(median(std::vector<double>{3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{7}), 7.0);
}

TEST(Statistics, MadIsMedianOfAbsoluteDeviations) {
  // median 3; deviations 2,1,0,1,6 -> median 1
  EXPECT_DOUBLE_EQ(mad(std::vector<double>{1, 2, 3, 4, 9}), 1.0);
}

TEST(Statistics, IqrUsesRoundedQuartileRanks) {
  // n = 12: q1 index round(3.25)-1 = 2, q3 index round(9.75)-1 = 9 (sorted 1..12) -> 10 - 3
  std::vector<double> d;
  for (int i = 12; i >= 1; --i) d.push_back(i);
  EXPECT_DOUBLE_EQ(iqr(d), 7.0);
}

TEST(Statistics, SimpleRegressionFitsALine) {
  const std::vector<double> x{1, 2, 3, 4, 5}, y{3, 5, 7, 9, 11};
  const Line l = simple_regression(x, y);
  ASSERT_TRUE(l.ok);
  EXPECT_NEAR(l.slope, 2.0, 1e-12);
  EXPECT_NEAR(l.intercept, 1.0, 1e-12);
  EXPECT_FALSE(simple_regression(std::vector<double>{1, 2}, std::vector<double>{1, 2}).ok);
}

TEST(Statistics, OlsRSquared) {
  // y = 2 a + 1 exactly -> R^2 = 1; y independent of a constant-free column -> < 1.
  const std::vector<std::vector<double>> cols{{1, 2, 3, 4, 5}};
  const RSquared r = ols_r_squared(cols, std::vector<double>{3, 5, 7, 9, 11});
  ASSERT_TRUE(r.ok);
  EXPECT_NEAR(r.value, 1.0, 1e-12);
  const RSquared r2 = ols_r_squared(cols, std::vector<double>{1, 3, 2, 5, 4});
  ASSERT_TRUE(r2.ok);
  EXPECT_NEAR(r2.value, 0.64, 1e-12);  // corr = 0.8
  // Too few observations for the regressors: refused (CloudSim falls back).
  EXPECT_FALSE(ols_r_squared({{1, 2}, {3, 1}}, std::vector<double>{1, 2}).ok);
}
