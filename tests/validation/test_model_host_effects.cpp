// Model changes made to match real QEMU 7.2 (TCG, loopback): the first-pass copy
// ceiling and TCG's TLB-hidden dirtying. Each test fails if the effect is removed.
#include <gtest/gtest.h>

#include <cmath>

#include "models/dirty_page_model.hpp"
#include "models/qemu_precopy_model.hpp"

namespace migsim::models {
namespace {

DirtyPageModel model(DirtyPattern p, double wss_pages, double tlb) {
  return DirtyPageModel(p, wss_pages, 1000.0, {}, 0.1, 0.9, Pacing::WallClock, 1e6, tlb);
}

TEST(TcgDirtyLogging, SequentialWorkingSetInsideTheTlbIsInvisible) {
  EXPECT_DOUBLE_EQ(model(DirtyPattern::Sequential, 4096, 8192).distinct(3000), 0.0);
  EXPECT_DOUBLE_EQ(model(DirtyPattern::Sequential, 16384, 8192).distinct(3000), 3000.0);
  EXPECT_DOUBLE_EQ(model(DirtyPattern::Sequential, 4096, 0).distinct(3000), 3000.0);
}

TEST(TcgDirtyLogging, UniformLogsOnlyTlbMisses) {
  const double w = 5000, wss = 16384;
  const double all = model(DirtyPattern::Uniform, wss, 0).distinct(w);
  const double half = model(DirtyPattern::Uniform, wss, wss / 2).distinct(w);
  EXPECT_NEAR(all, wss * -std::expm1(-w / wss), 1e-6);
  EXPECT_NEAR(half, wss * -std::expm1(-w / 2 / wss), 1e-6);
}

TEST(TcgDirtyLogging, HotSetInsideTheTlbIsMostlyHidden) {
  const double w = 20000, wss = 65536;
  const double all = model(DirtyPattern::HotCold, wss, 0).distinct(w);
  const double tcg = model(DirtyPattern::HotCold, wss, 8192).distinct(w);
  EXPECT_LT(tcg, 0.8 * all);
  EXPECT_GT(tcg, 0.0);
}

MigrationScenario idle_vm() {
  MigrationScenario sc;
  sc.memory.ram_mib = 512;
  sc.memory.nonzero_mib = 200;
  sc.qemu.max_bandwidth_mibps = 400;
  sc.qemu.downtime_limit_ms = 30;  // small threshold: nearly all pages go in the first pass
  sc.host.link_mibps = 2000;
  sc.host.zero_page_ns = 0;
  sc.host.setup_ms = 0;
  sc.options.record_iterations = false;
  return sc;
}

TEST(FirstPassCeiling, SlowsOnlyTheFirstPass) {
  MigrationScenario sc = idle_vm();
  const Prediction fast = QemuPrecopyModel().predict(sc);
  sc.host.first_pass_mibps = 100;
  const Prediction slow = QemuPrecopyModel().predict(sc);
  // 200 MiB at 400 MiB/s vs at 100 MiB/s (the last < threshold MiB at the link's speed).
  EXPECT_NEAR(fast.total_time_ms, 490, 40);
  EXPECT_NEAR(slow.total_time_ms, 1975, 60);
  // The stop-and-copy still runs at the link's speed.
  EXPECT_LT(slow.downtime_ms, 60);
}

TEST(FirstPassCeiling, ZeroMeansNoCeiling) {
  MigrationScenario sc = idle_vm();
  const Prediction a = QemuPrecopyModel().predict(sc);
  sc.host.first_pass_mibps = 0;
  const Prediction b = QemuPrecopyModel().predict(sc);
  EXPECT_EQ(a.total_time_ms, b.total_time_ms);
}

}  // namespace
}  // namespace migsim::models
