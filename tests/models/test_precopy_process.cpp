// The pre-copy model as a resumable process: cut anywhere at a constant rate it
// gives predict's answer; rate and write-rate changes mid-flight, hand-computed.
#include <gtest/gtest.h>

#include <cmath>

#include "models/precopy_process.hpp"
#include "models/qemu_precopy_model.hpp"

using namespace migsim::models;

namespace {
// All RAM non-zero, no dirtying, no CPU or sync costs, no rate limit: the first
// pass is bytes / link, the stop-and-copy sends nothing.
MigrationScenario plain(double ram_mib, double link_mibps) {
  MigrationScenario sc;
  sc.memory = {ram_mib, ram_mib};
  sc.qemu.max_bandwidth_mibps = 0.0;
  sc.host.link_mibps = link_mibps;
  sc.host.setup_ms = 0.0;
  sc.host.zero_page_ns = 0.0;
  sc.host.normal_page_ns = 0.0;
  sc.host.sync_ms_per_gib = 0.0;
  sc.host.downtime_overhead_ms = 0.0;
  return sc;
}
double wire_ms(double ram_mib, double link_mibps) {
  return ram_mib * 256 * 4104 / (link_mibps * 1048576 / 1000.0);
}
MigrationScenario dirtying(double pages_per_sec) {
  MigrationScenario sc;
  sc.memory = {1024.0, 400.0};
  sc.workload.wss_mib = 128.0;
  sc.workload.pages_per_sec = pages_per_sec;
  sc.qemu.max_bandwidth_mibps = 100.0;
  sc.host.link_mibps = 1000.0;
  return sc;
}
}  // namespace

TEST(PrecopyProcess, ConstantRateIsPredict) {
  const MigrationScenario sc = dirtying(5000);
  const Prediction a = QemuPrecopyModel().predict(sc);
  PrecopyProcess p(sc);
  const Prediction& b = p.run();
  EXPECT_EQ(a.total_time_ms, b.total_time_ms);
  EXPECT_EQ(a.transferred_bytes, b.transferred_bytes);
  EXPECT_EQ(a.dirty_syncs, b.dirty_syncs);
  EXPECT_TRUE(p.finished());
}

// Advancing in many small steps (cutting chunks, sleeps and fast-forwards) at an
// unchanged rate reaches the same end as one run.
TEST(PrecopyProcess, CutIntoStepsAtConstantRateGivesTheSameMigration) {
  for (const double rate : {0.0, 5000.0, 20000.0}) {
    MigrationScenario sc = dirtying(rate);
    sc.qemu.auto_converge = rate > 10000;
    const Prediction whole = QemuPrecopyModel().predict(sc);
    PrecopyProcess p(sc);
    int steps = 0;
    for (double t = 0; !p.finished(); t += 37.3) {
      p.advance(t);
      ASSERT_LE(p.now_ms(), std::max(t, p.now_ms()));
      ASSERT_LT(++steps, 100000);
    }
    const Prediction& cut = p.result();
    EXPECT_EQ(cut.converged, whole.converged) << rate;
    EXPECT_EQ(cut.dirty_syncs, whole.dirty_syncs) << rate;
    EXPECT_NEAR(cut.total_time_ms, whole.total_time_ms, 1e-6 * whole.total_time_ms) << rate;
    EXPECT_NEAR(cut.transferred_bytes, whole.transferred_bytes, 1e-6 * whole.transferred_bytes) << rate;
    EXPECT_NEAR(cut.downtime_ms, whole.downtime_ms, 1e-6) << rate;
  }
}

// 256 MiB at 100 MiB/s takes 2565 ms; halved to 50 MiB/s after 1000 ms, the
// 1565 ms of transfer left take twice as long: 1000 + 2 x 1565 = 4130 ms.
TEST(PrecopyProcess, RouteHalvedMidwayFinishesLaterByTheRightAmount) {
  const double alone = wire_ms(256, 100);
  ASSERT_NEAR(alone, 2565.0, 1e-9);
  EXPECT_NEAR(QemuPrecopyModel().predict(plain(256, 100)).total_time_ms, alone, 1e-6);
  PrecopyProcess p(plain(256, 100));
  p.advance(1000.0);
  EXPECT_DOUBLE_EQ(p.now_ms(), 1000.0);
  EXPECT_FALSE(p.finished());
  p.set_link_mibps(50.0);
  const Prediction& r = p.run();
  ASSERT_TRUE(r.converged);
  EXPECT_NEAR(r.total_time_ms, 1000.0 + 2 * (alone - 1000.0), 1e-6);
}

// The forecast is what happens if nothing changes, and does not move the process.
TEST(PrecopyProcess, ForecastLeavesTheProcessWhereItWas) {
  PrecopyProcess p(dirtying(5000));
  p.advance(500.0);
  const double at = p.now_ms();
  const PrecopyProcess::Forecast f = p.forecast();
  EXPECT_EQ(p.now_ms(), at);
  EXPECT_FALSE(p.finished());
  EXPECT_TRUE(f.converged);
  EXPECT_LT(f.stop_ms, f.end_ms);
  EXPECT_NEAR(f.end_ms - f.stop_ms, f.prediction.downtime_ms, 1e-9);
  EXPECT_EQ(f.end_ms, QemuPrecopyModel().predict(dirtying(5000)).total_time_ms);
}

// A guest that starts writing hard halfway through the first pass makes QEMU sync
// more often and send more; one that calms down needs fewer rounds.
TEST(PrecopyProcess, DirtyRateRisingMidMigrationAddsRounds) {
  const Prediction calm = QemuPrecopyModel().predict(dirtying(2000));
  PrecopyProcess p(dirtying(2000));
  p.advance(2000.0);
  p.set_dirty_pages_per_sec(12000);
  const Prediction& busy = p.run();
  ASSERT_TRUE(calm.converged);
  ASSERT_TRUE(busy.converged);
  EXPECT_GT(busy.dirty_syncs, calm.dirty_syncs);
  EXPECT_GT(busy.transferred_bytes, calm.transferred_bytes);
  EXPECT_GT(busy.total_time_ms, calm.total_time_ms);
}

// The stop-and-copy runs at the rate the route gives while the guest is paused.
TEST(PrecopyProcess, StopAndCopyAtTheRouteRateOfThen) {
  MigrationScenario sc = dirtying(5000);
  sc.host.downtime_overhead_ms = 0.0;
  PrecopyProcess p(sc);
  const PrecopyProcess::Forecast f = p.forecast();
  p.advance(f.stop_ms);
  ASSERT_TRUE(p.guest_stopped());
  EXPECT_TRUE(std::isinf(p.demand_mibps()));
  p.set_link_mibps(sc.host.link_mibps / 4);
  const Prediction& r = p.run();
  // The pages sent while paused take four times as long (the final sync costs the same).
  const double sync = sc.host.sync_ms_per_gib;
  EXPECT_NEAR(r.downtime_ms - sync, 4 * (f.prediction.downtime_ms - sync), 1e-6);
}

TEST(PrecopyProcess, DemandIsMaxBandwidthWhileRateLimited) {
  PrecopyProcess p(dirtying(0));
  EXPECT_EQ(p.demand_mibps(), 100.0);
  PrecopyProcess unlimited(plain(64, 100));
  EXPECT_TRUE(std::isinf(unlimited.demand_mibps()));
}

// HostProfile::send_buffer_mib: a migration held below its link by max-bandwidth has
// an empty send buffer at vm_stop, so that much of the stop-and-copy costs no link
// time; a link-bound one (its buffer full) gains nothing; 0 changes nothing.
TEST(PrecopyProcess, AnEmptySendBufferShortensACappedStopAndCopy) {
  MigrationScenario capped = dirtying(3000);  // 100 MiB/s cap on a 1000 MiB/s link
  capped.host.downtime_overhead_ms = 0.0;
  const Prediction base = QemuPrecopyModel().predict(capped);
  ASSERT_TRUE(base.converged);
  ASSERT_GT(base.downtime_bytes, 4.0 * 1048576);
  capped.host.send_buffer_mib = 4.0;
  const Prediction buffered = QemuPrecopyModel().predict(capped);
  ASSERT_TRUE(buffered.converged);
  EXPECT_EQ(buffered.transferred_bytes, base.transferred_bytes);
  EXPECT_EQ(buffered.downtime_bytes, base.downtime_bytes);
  // 4 MiB at the 1000 MiB/s link (plus nothing else: no CPU costs change) is 4 ms less.
  EXPECT_NEAR(base.downtime_ms - buffered.downtime_ms, 4.0, 0.5);
  EXPECT_NEAR(base.total_time_ms - buffered.total_time_ms, 4.0, 0.5);

  MigrationScenario bound = dirtying(3000);
  bound.qemu.max_bandwidth_mibps = 2000.0;  // above the link: link-bound
  const Prediction b0 = QemuPrecopyModel().predict(bound);
  bound.host.send_buffer_mib = 4.0;
  const Prediction b1 = QemuPrecopyModel().predict(bound);
  EXPECT_EQ(b0.downtime_ms, b1.downtime_ms);
  EXPECT_EQ(b0.total_time_ms, b1.total_time_ms);
}
