// The validation report's arithmetic on hand-made numbers: MAPE, median,
// the convergence confusion matrix, and which cases are scored.
#include <gtest/gtest.h>

#include "validation/accuracy_report.hpp"

namespace migsim::validation {
namespace {

MeasuredMigration measured(bool converged, double t_ms, double bytes, double dt_ms,
                           const char* split = "test") {
  MeasuredMigration m;
  m.config.split = split;
  m.converged = converged;
  m.total_time_ms = t_ms;
  m.transferred_bytes = bytes;
  m.downtime_ms = dt_ms;
  return m;
}

models::Prediction predicted(bool converged, double t_ms, double bytes, double dt_ms) {
  models::Prediction p;
  p.converged = converged;
  p.total_time_ms = t_ms;
  p.transferred_bytes = bytes;
  p.downtime_ms = dt_ms;
  return p;
}

TEST(ReportMath, MapeOfHandComputedValues) {
  EXPECT_DOUBLE_EQ(mape_pct({1000, 2000}, {1100, 1800}), 10.0);
  EXPECT_DOUBLE_EQ(mape_pct({50}, {100}), 100.0);
  EXPECT_DOUBLE_EQ(mape_pct({4, 4, 4, 4}, {4, 4, 4, 8}), 25.0);
  EXPECT_THROW(mape_pct({0}, {1}), std::invalid_argument);
  EXPECT_THROW(mape_pct({}, {}), std::invalid_argument);
  EXPECT_THROW(mape_pct({1, 2}, {1}), std::invalid_argument);
}

TEST(ReportMath, MedianOddEvenUnsorted) {
  EXPECT_DOUBLE_EQ(median({40, 5, 15}), 15.0);
  EXPECT_DOUBLE_EQ(median({1, 9, 3, 5}), 4.0);
  EXPECT_THROW(median({}), std::invalid_argument);
}

TEST(ReportMath, ScoreExcludesTrainingAndNonConvergedFromErrors) {
  const std::vector<MeasuredMigration> ms{
      measured(true, 1000, 100, 10),             // both converged
      measured(true, 2000, 200, 20),             // both converged
      measured(true, 4000, 400, 30),             // both converged
      measured(false, 5000, 500, 0),             // real no, predicted yes
      measured(false, 6000, 600, 0),             // real no, predicted no
      measured(true, 3000, 300, 30),             // real yes, predicted no
      measured(true, 1000, 100, 10, "train"),    // training: never scored here
  };
  const std::vector<models::Prediction> ps{
      predicted(true, 1100, 90, 15),    // time +10%, bytes -10%, |dt| 5
      predicted(true, 1800, 220, 35),   // time -10%, bytes +10%, |dt| 15
      predicted(true, 4400, 360, 70),   // time +10%, bytes -10%, |dt| 40
      predicted(true, 9999, 9999, 1),
      predicted(false, 6000, 600, 0),
      predicted(false, 3000, 300, 0),
      predicted(true, 99999, 99999, 9999),
  };
  std::vector<Comparison> cmp;
  for (std::size_t i = 0; i < ms.size(); ++i) cmp.push_back({&ms[i], ps[i]});

  const AccuracyScore s = score(cmp, false);
  EXPECT_EQ(s.cases, 6);
  EXPECT_EQ(s.convergence_correct, 4);
  EXPECT_EQ(s.both_converged, 3);
  EXPECT_EQ(s.confusion[1][1], 3);
  EXPECT_EQ(s.confusion[0][1], 1);
  EXPECT_EQ(s.confusion[0][0], 1);
  EXPECT_EQ(s.confusion[1][0], 1);
  ASSERT_TRUE(s.total_time_mape_pct.has_value());
  EXPECT_NEAR(*s.total_time_mape_pct, 10.0, 1e-9);
  EXPECT_NEAR(*s.bytes_mape_pct, 10.0, 1e-9);
  EXPECT_NEAR(*s.downtime_median_abs_err_ms, 15.0, 1e-9);
  // |err| / measured: 5/10, 15/20, 40/30 -> 50 %, 75 %, 133 %: median 75 %.
  ASSERT_TRUE(s.downtime_median_rel_err_pct.has_value());
  EXPECT_NEAR(*s.downtime_median_rel_err_pct, 75.0, 1e-9);

  const AccuracyScore t = score(cmp, true);
  EXPECT_EQ(t.cases, 1);
  EXPECT_EQ(t.convergence_correct, 1);  // the training case: converged in both
  EXPECT_EQ(t.both_converged, 1);
}

TEST(ReportMath, NoCaseConvergedBothGivesNull) {
  const std::vector<MeasuredMigration> ms{measured(false, 5000, 1, 0)};
  const std::vector<Comparison> cmp{{&ms[0], predicted(false, 5000, 1, 0)}};
  const AccuracyScore s = score(cmp, false);
  EXPECT_EQ(s.cases, 1);
  EXPECT_EQ(s.convergence_correct, 1);
  EXPECT_FALSE(s.total_time_mape_pct.has_value());
  const auto j = to_json(s);
  EXPECT_TRUE(j["total_time_mape_pct"].is_null());
  EXPECT_TRUE(j["downtime_median_rel_err_pct"].is_null());
  EXPECT_EQ(j.size(), 6u);
}

// A measured downtime of 0 ms (QEMU reports whole milliseconds) has no relative
// error: it counts in the absolute median, not in the relative one.
TEST(ReportMath, RelativeDowntimeErrorSkipsZeroMeasuredDowntimes) {
  const std::vector<MeasuredMigration> ms{measured(true, 1000, 100, 0), measured(true, 1000, 100, 4),
                                          measured(true, 1000, 100, 10)};
  const std::vector<Comparison> cmp{{&ms[0], predicted(true, 1000, 100, 2)},
                                    {&ms[1], predicted(true, 1000, 100, 5)},
                                    {&ms[2], predicted(true, 1000, 100, 13)}};
  const AccuracyScore s = score(cmp, false);
  EXPECT_NEAR(*s.downtime_median_abs_err_ms, 2.0, 1e-9);     // 2, 1, 3
  EXPECT_NEAR(*s.downtime_median_rel_err_pct, 27.5, 1e-9);   // 25 %, 30 %
  EXPECT_NEAR(to_json(s)["downtime_median_rel_err_pct"].get<double>(), 27.5, 1e-9);
  // Only a 0 ms measurement: no relative error at all.
  const AccuracyScore z = score({cmp[0]}, false);
  EXPECT_TRUE(z.downtime_median_abs_err_ms.has_value());
  EXPECT_FALSE(z.downtime_median_rel_err_pct.has_value());
}

TEST(ReportMath, RamOverBwBaseline) {
  models::MigrationScenario sc;
  sc.memory.ram_mib = 1024;
  sc.qemu.max_bandwidth_mibps = 128;
  sc.host.link_mibps = 1000;
  const auto p = predict_with("ram_over_bw", sc);
  EXPECT_TRUE(p.converged);
  EXPECT_DOUBLE_EQ(p.total_time_ms, 8000.0);
  EXPECT_DOUBLE_EQ(p.transferred_bytes, 1024.0 * 1048576.0);
}

}  // namespace
}  // namespace migsim::validation
