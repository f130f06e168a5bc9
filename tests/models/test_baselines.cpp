#include <gtest/gtest.h>

#include "models/baseline_models.hpp"

using namespace migsim::models;

TEST(CloudSimBaseline, RamOverHalfBandwidth) {
  MigrationScenario sc;
  sc.memory = {1024.0, 100.0};
  sc.qemu.max_bandwidth_mibps = 128.0;
  sc.workload = {DirtyPattern::Sequential, 64, 50000, {}, 0.1, 0.9, Pacing::CpuTime};
  const Prediction p = CloudSimModel().predict(sc);
  EXPECT_TRUE(p.converged);
  EXPECT_NEAR(p.total_time_ms, 1024.0 / 64.0 * 1000.0, 1e-6);  // 16 s, dirtying ignored
  EXPECT_EQ(p.downtime_ms, 0.0);
}

TEST(GeometricBaseline, SumsTheGeometricSeries) {
  MigrationScenario sc;
  sc.memory = {1000.0, 1000.0};
  sc.qemu.max_bandwidth_mibps = 100.0;
  sc.qemu.downtime_limit_ms = 300.0;
  sc.host.link_mibps = 1000.0;
  sc.workload.pages_per_sec = 0.5 * 100.0 * 256;  // dirty at half the bandwidth
  const Prediction p = GeometricModel().predict(sc);
  ASSERT_TRUE(p.converged);
  // V: 1000, 500, 250, 125, 62.5, 31.25, 15.6 (< 30 MiB threshold) -> 6 rounds + stop.
  EXPECT_EQ(p.iterations, 7);
  EXPECT_NEAR(p.downtime_ms, 156.25, 0.01);
  EXPECT_NEAR(p.total_time_ms, (1000 + 500 + 250 + 125 + 62.5 + 31.25 + 15.625) * 10.0, 0.01);
}

TEST(GeometricBaseline, DirtyRateAtBandwidthNeverConverges) {
  MigrationScenario sc;
  sc.memory = {1000.0, 1000.0};
  sc.qemu.max_bandwidth_mibps = 100.0;
  sc.host.link_mibps = 1000.0;
  sc.workload.pages_per_sec = 100.0 * 256;
  EXPECT_FALSE(GeometricModel().predict(sc).converged);
}
