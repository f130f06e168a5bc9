#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "traces/planetlab_reader.hpp"
#include "traces/synthetic_trace.hpp"

using namespace migsim;

TEST(SyntheticTrace, SameSeedSameTracesDifferentSeedDifferent) {
  traces::SyntheticTraceOptions o;
  o.vms = 50;
  const auto a = traces::generate_synthetic_traces(o);
  const auto b = traces::generate_synthetic_traces(o);
  o.seed = 2;
  const auto c = traces::generate_synthetic_traces(o);
  ASSERT_EQ(a.size(), 50u);
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].samples(), b[i].samples());
    differs = differs || a[i].samples() != c[i].samples();
  }
  EXPECT_TRUE(differs);
}

TEST(SyntheticTrace, ShapedLikePlanetLab) {
  traces::SyntheticTraceOptions o;
  o.vms = 1000;
  std::vector<double> all;
  for (const auto& t : traces::generate_synthetic_traces(o)) {
    ASSERT_EQ(t.size(), 288u);
    for (double v : t.samples()) {
      ASSERT_GE(v, 0.0);
      ASSERT_LE(v, 1.0);
      ASSERT_DOUBLE_EQ(v * 100, std::round(v * 100));  // integer percentages
      all.push_back(v);
    }
  }
  std::sort(all.begin(), all.end());
  double mean = 0;
  for (double v : all) mean += v;
  mean /= static_cast<double>(all.size());
  const double median = all[all.size() / 2];
  // PlanetLab days: mean 9-12.4 %, median 4-6 % (README). Loosely the same shape.
  EXPECT_GT(mean, 0.06);
  EXPECT_LT(mean, 0.18);
  EXPECT_GE(median, 0.02);
  EXPECT_LE(median, 0.10);
  EXPECT_GT(all[all.size() * 99 / 100], 0.5);  // a long tail
}

TEST(SyntheticTrace, RoundTripsThroughAPlanetLabDirectory) {
  traces::SyntheticTraceOptions o;
  o.vms = 5;
  const auto t = traces::generate_synthetic_traces(o);
  const auto dir = std::filesystem::temp_directory_path() / "migsim-synthetic-roundtrip";
  std::filesystem::remove_all(dir);
  traces::write_planetlab_dir(dir.string(), t);
  const auto back = traces::read_planetlab_day(dir.string());
  ASSERT_EQ(back.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(back[i].name(), t[i].name());
    EXPECT_EQ(back[i].samples(), t[i].samples());
  }
  std::filesystem::remove_all(dir);
}
