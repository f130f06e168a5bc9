// Hand-computed cases for the QEMU pre-copy model.
#include <gtest/gtest.h>

#include "models/qemu_precopy_model.hpp"

using namespace migsim::models;

namespace {
MigrationScenario base() {
  MigrationScenario sc;
  sc.memory = {1024.0, 256.0};
  sc.qemu.max_bandwidth_mibps = 100.0;
  sc.qemu.downtime_limit_ms = 300.0;
  sc.host.link_mibps = 10000.0;
  sc.host.setup_ms = 5.0;
  sc.host.zero_page_ns = 100.0;
  sc.host.normal_page_ns = 0.0;
  sc.host.sync_ms_per_gib = 0.0;
  sc.host.downtime_overhead_ms = 2.0;
  return sc;
}
const QemuPrecopyModel model;
}  // namespace

TEST(PrecopyModel, NoDirtyingTimeIsNonZeroBytesOverBandwidthPlusSetup) {
  const MigrationScenario sc = base();
  const Prediction p = model.predict(sc);
  ASSERT_TRUE(p.converged);
  const double nonzero_pages = 256.0 * 256;
  const double zero_pages = (1024.0 - 256.0) * 256;
  // Every page crosses once: 4104 bytes per normal page, 9 per zero page.
  const double page_bytes = nonzero_pages * 4104 + zero_pages * 9;
  EXPECT_NEAR(p.transferred_bytes, page_bytes, page_bytes * 0.001);
  EXPECT_NEAR(p.normal_pages, nonzero_pages, 1.0);
  EXPECT_NEAR(p.zero_pages, zero_pages, 1.0);
  // Rate-limited at 100 MiB/s: 256 MiB of pages (+ headers) take ~2.57 s; the zero pages
  // cost 196608 x 100 ns = 19.7 ms of CPU inside the windows. The last < threshold
  // (30 MiB of pages, a quarter of them non-zero) go at link speed during the downtime.
  const double rate_limited_ms = page_bytes / (100.0 * 1048576) * 1000.0;
  EXPECT_GT(p.total_time_ms, 5.0 + rate_limited_ms - 300.0 * 0.25 - 100.0);
  EXPECT_LT(p.total_time_ms, 5.0 + rate_limited_ms + 19.7 + 100.0);
  // Syncs: setup, the one that finds pending < threshold, the final one.
  EXPECT_EQ(p.dirty_syncs, 3);
  EXPECT_NEAR(p.setup_time_ms, 5.0, 1e-9);
  // Downtime: < threshold's worth of pages at 10000 MiB/s plus the fixed overhead.
  EXPECT_GE(p.downtime_ms, 2.0);
  EXPECT_LT(p.downtime_ms, 2.0 + 30.0 * 1048576 / (10000.0 * 1048.576) + 1.0);
}

// The first rate-limit window holds the setup: with a costly bitmap sync and a copy
// ceiling above max-bandwidth, it closes late and under-full. It must not be replayed as
// the pattern of the following windows (it once was: 2 GiB at 400 MiB/s took 3.9 s).
TEST(PrecopyModel, FirstWindowDoesNotSetThePaceOfTheFirstPass) {
  MigrationScenario sc = base();
  sc.memory = {2048.0, 1128.0};
  sc.qemu.max_bandwidth_mibps = 400.0;
  sc.host.first_pass_mibps = 664.0;
  sc.host.sync_ms_per_gib = 30.0;
  sc.host.zero_page_ns = 350.0;
  const Prediction p = model.predict(sc);
  ASSERT_TRUE(p.converged);
  // 1128 MiB at the 400 MiB/s limit, plus 235520 zero pages x 350 ns, plus two syncs.
  const double floor_ms = 1128.0 / 400.0 * 1000.0;
  EXPECT_GT(p.total_time_ms, floor_ms - 300.0);
  EXPECT_LT(p.total_time_ms, floor_ms + 82.0 + 2 * 60.0 + 100.0);
  // ram_init_bitmaps' sync (only starting the dirty log) is part of setup, and free.
  EXPECT_NEAR(p.setup_time_ms, 5.0, 1e-9);
}

TEST(PrecopyModel, AllZeroGuestIsBoundByZeroPageScanning) {
  MigrationScenario sc = base();
  sc.memory.nonzero_mib = 0.0;
  sc.host.zero_page_ns = 1000.0;  // 1 us per zero page: 262144 pages -> ~262 ms of CPU
  const Prediction p = model.predict(sc);
  ASSERT_TRUE(p.converged);
  EXPECT_NEAR(p.transferred_bytes, 1024.0 * 256 * 9, 1024.0 * 256 * 9 * 0.01);
  // The scan cannot beat its CPU cost, and the rate limit (9-byte pages) never bites.
  EXPECT_GT(p.total_time_ms, 200.0);
  EXPECT_LT(p.total_time_ms, 262.0 + 5.0 + 50.0);
}

TEST(PrecopyModel, DirtyRateAboveBandwidthNeverConverges) {
  MigrationScenario sc = base();
  sc.workload.wss_mib = 512.0;
  sc.workload.pages_per_sec = 50000.0;  // 195 MiB/s of writes into 512 MiB, link limited at 100
  sc.options.horizon_s = 60.0;
  const Prediction p = model.predict(sc);
  EXPECT_FALSE(p.converged);
  EXPECT_NEAR(p.total_time_ms, 60000.0, 150.0);
  EXPECT_EQ(p.downtime_ms, 0.0);
  EXPECT_GT(p.dirty_syncs, 10);
}

TEST(PrecopyModel, RaisingDowntimeLimitConvergesSooner) {
  MigrationScenario sc = base();
  sc.memory = {2048.0, 1024.0};
  sc.workload.wss_mib = 256.0;
  sc.workload.pages_per_sec = 15000.0;  // ~59 MiB/s of writes against 100 MiB/s
  sc.qemu.downtime_limit_ms = 300.0;
  const Prediction tight = model.predict(sc);
  sc.qemu.downtime_limit_ms = 1000.0;
  const Prediction loose = model.predict(sc);
  ASSERT_TRUE(loose.converged);
  EXPECT_LT(loose.total_time_ms, tight.total_time_ms);
  EXPECT_LE(loose.dirty_syncs, tight.dirty_syncs);
  EXPECT_LT(loose.transferred_bytes, tight.transferred_bytes);
}

TEST(PrecopyModel, WorkingSetSmallerThanThresholdConvergesAfterFirstPass) {
  // A 16 MiB WSS always fits under a 30 MiB threshold, whatever the rate.
  MigrationScenario sc = base();
  sc.workload.wss_mib = 16.0;
  sc.workload.pages_per_sec = 200000.0;
  const Prediction p = model.predict(sc);
  ASSERT_TRUE(p.converged);
  EXPECT_EQ(p.dirty_syncs, 3);
}

TEST(PrecopyModel, SaturatingWorkingSetAboveThresholdDoesNotConverge) {
  // The non-converging case: 64 MiB WSS at 40000 pages/s (156 MiB/s) vs 100 MiB/s.
  MigrationScenario sc = base();
  sc.memory = {512.0, 139.0};
  sc.workload.wss_mib = 64.0;
  sc.workload.pages_per_sec = 40000.0;
  sc.options.horizon_s = 84.0;
  const Prediction p = model.predict(sc);
  EXPECT_FALSE(p.converged);
  // Real QEMU: 208 syncs in 84 s. A sync every 0.3..0.7 s is the right regime.
  EXPECT_GT(p.dirty_syncs, 84 / 0.7);
  EXPECT_LT(p.dirty_syncs, 84 / 0.3);
}

TEST(PrecopyModel, StopAndCopyIgnoresRateLimitSoDowntimeIsFarBelowLimit) {
  MigrationScenario sc = base();
  sc.memory = {512.0, 139.0};
  sc.workload.wss_mib = 64.0;
  sc.workload.pages_per_sec = 5000.0;
  sc.host.link_mibps = 2000.0;
  const Prediction p = model.predict(sc);
  ASSERT_TRUE(p.converged);
  EXPECT_LT(p.downtime_ms, 60.0);  // the limit is 300 ms
  sc.host.link_mibps = 100.0;      // a link no faster than the rate limit
  const Prediction slow = model.predict(sc);
  EXPECT_GT(slow.downtime_ms, 3.0 * p.downtime_ms);
}

TEST(PrecopyModel, AutoConvergeThrottlesAndRescuesACpuPacedWriter) {
  MigrationScenario sc = base();
  sc.memory = {1024.0, 512.0};
  sc.workload.wss_mib = 256.0;
  sc.workload.pages_per_sec = 40000.0;  // 156 MiB/s > 100 MiB/s
  sc.options.horizon_s = 120.0;
  const Prediction off = model.predict(sc);
  EXPECT_FALSE(off.converged);
  sc.qemu.auto_converge = true;
  const Prediction on = model.predict(sc);
  ASSERT_TRUE(on.converged);
  EXPECT_GE(on.final_throttle_pct, 20.0);
  // Throttle steps: 20, then +10 each time.
  for (const auto& it : on.iteration_log) {
    const double t = it.throttle_pct;
    EXPECT_TRUE(t == 0.0 || (t >= 20.0 && static_cast<int>(t) % 10 == 0)) << t;
  }
  // A wall-clock paced writer catches up: the same throttle barely slows it.
  sc.workload.pacing = Pacing::WallClock;
  const Prediction wall = model.predict(sc);
  EXPECT_GT(wall.final_throttle_pct, on.final_throttle_pct);
}

TEST(PrecopyModel, UnlimitedBandwidthRunsAtLinkSpeed) {
  MigrationScenario sc = base();
  sc.qemu.max_bandwidth_mibps = 0.0;  // unlimited
  sc.host.link_mibps = 1000.0;
  sc.host.zero_page_ns = 0.0;
  const Prediction p = model.predict(sc);
  ASSERT_TRUE(p.converged);
  EXPECT_NEAR(p.total_time_ms, 5.0 + 256.0 * 4104 / 4096 / 1000.0 * 1000.0 + 2.0, 15.0);
  EXPECT_NEAR(p.mean_bandwidth_mibps, 1000.0, 5.0);
}

TEST(PrecopyModel, IterationDetailAddsUp) {
  MigrationScenario sc = base();
  sc.workload.wss_mib = 128.0;
  sc.workload.pages_per_sec = 10000.0;
  const Prediction p = model.predict(sc);
  ASSERT_TRUE(p.converged);
  double pages = 0, bytes = 0;
  for (const auto& it : p.iteration_log) {
    pages += it.pages_sent;
    bytes += it.bytes_sent;
  }
  EXPECT_NEAR(pages, p.normal_pages + p.zero_pages, 1.0);
  EXPECT_NEAR(bytes, p.transferred_bytes, 8.0 * 200);  // EOS markers are not per round
  EXPECT_EQ(static_cast<int>(p.iteration_log.size()), p.iterations);
  EXPECT_TRUE(p.iteration_log.back().stop_and_copy);
  EXPECT_EQ(p.iterations, p.dirty_syncs - 1);
  EXPECT_NEAR(p.iteration_log.back().duration_ms, p.downtime_ms, 1e-6);
}

TEST(PrecopyModel, SeriesOfRatesMatchesConstantRateWhenFlat) {
  MigrationScenario sc = base();
  sc.workload.wss_mib = 128.0;
  sc.workload.pages_per_sec = 10000.0;
  const Prediction constant = model.predict(sc);
  sc.workload.series = {{0.0, 10000.0}, {1.0, 10000.0}, {2.5, 10000.0}};
  const Prediction series = model.predict(sc);
  EXPECT_DOUBLE_EQ(constant.total_time_ms, series.total_time_ms);
  // A burst after 1 s adds work.
  sc.workload.series = {{0.0, 10000.0}, {1.0, 30000.0}};
  EXPECT_GT(model.predict(sc).transferred_bytes, constant.transferred_bytes);
}

namespace {
// An idle 1 GiB guest: 64 MiB non-zero, 16 MiB of it at the top of RAM (after
// the zero pages in the walk); no CPU, sync or completion costs, so the downtime
// is the stop-and-copy's wire time alone.
MigrationScenario idle_with_tail() {
  MigrationScenario sc = base();
  sc.memory = {1024.0, 64.0, 16.0};
  sc.host.zero_page_ns = 0.0;
  sc.host.downtime_overhead_ms = 0.0;
  sc.host.link_mibps = 2000.0;
  sc.host.first_pass_mibps = 250.0;
  return sc;
}
double wire_bytes_per_ms(double mibps) { return mibps * 1048576.0 / 1000.0; }
}  // namespace

// The pages an idle guest leaves for the stop-and-copy are the top of RAM, which
// the destination has never received: they go at the first-pass ceiling (the
// destination faults in fresh RAM for each), not at the stopped guest's link
// speed. downtime = bytes sent while paused / 250 MiB/s (the 8-byte end marker
// aside), 8 times what the 2000 MiB/s link alone would take.
TEST(PrecopyModel, NeverSentPagesInTheStopAndCopyGoAtTheFirstPassCeiling) {
  const MigrationScenario sc = idle_with_tail();
  const Prediction p = model.predict(sc);
  ASSERT_TRUE(p.converged);
  EXPECT_EQ(p.dirty_syncs, 3);                  // stopped in the first walk
  ASSERT_GT(p.downtime_bytes, 1.0 * 1048576);   // part of the tail was left
  ASSERT_LT(p.downtime_bytes, 16.5 * 1048576);  // ... and nothing else
  const double copy_bytes = p.downtime_bytes - 8.0;
  EXPECT_NEAR(p.downtime_ms, copy_bytes / wire_bytes_per_ms(250.0), 1e-6);
  // No first-pass ceiling (0 = the link): the same bytes at link speed.
  MigrationScenario fast = sc;
  fast.host.first_pass_mibps = 0.0;
  const Prediction f = model.predict(fast);
  ASSERT_TRUE(f.converged);
  EXPECT_NEAR(f.downtime_ms, (f.downtime_bytes - 8.0) / wire_bytes_per_ms(2000.0), 1e-6);
}

// The 4 MiB send buffer, empty at vm_stop because max-bandwidth (100 MiB/s) held
// the stream below the path (250 MiB/s for never-sent pages), takes 4 MiB of the
// stop-and-copy at once: 4 MiB / 250 MiB/s = 16 ms less. At max-bandwidth 400 MiB/s
// the path (250) is the bottleneck, its buffer full at vm_stop: no gain.
TEST(PrecopyModel, SendBufferGainIsJudgedAgainstTheFirstPassCeiling) {
  MigrationScenario sc = idle_with_tail();
  const Prediction base_p = model.predict(sc);
  ASSERT_GT(base_p.downtime_bytes, 4.5 * 1048576);
  sc.host.send_buffer_mib = 4.0;
  const Prediction buffered = model.predict(sc);
  EXPECT_NEAR(buffered.downtime_bytes, base_p.downtime_bytes, 1.0);
  EXPECT_NEAR(base_p.downtime_ms - buffered.downtime_ms, 4.0 * 1048576 / wire_bytes_per_ms(250.0), 1e-6);

  MigrationScenario bound = idle_with_tail();
  bound.qemu.max_bandwidth_mibps = 400.0;  // above 250, below the 2000 link
  const Prediction b0 = model.predict(bound);
  bound.host.send_buffer_mib = 4.0;
  const Prediction b1 = model.predict(bound);
  EXPECT_EQ(b0.downtime_ms, b1.downtime_ms);
}

// ram.c keeps its place in the walk across bitmap syncs: a sync in the middle of
// the first walk does not send the pages dirtied again before the rest of the
// walk (the zero pages and the top of RAM). So a guest that needs several rounds
// sends its 16 MiB tail before it is paused, and its stop-and-copy holds only
// pages sent before, at the link's speed.
TEST(PrecopyModel, TheWalkGoesOnAfterASyncSoTheTailIsNotLeftForTheStop) {
  MigrationScenario sc = idle_with_tail();
  sc.memory = {1024.0, 128.0, 16.0};
  sc.workload.wss_mib = 64.0;
  sc.workload.pages_per_sec = 8000.0;  // 31 MiB/s into a 64 MiB working set
  // downtime-limit 300 ms at 100 MiB/s: a ~30 MiB threshold, above the 16 MiB tail,
  // so a walk that kept the tail for later could sync (and stop) with it pending.
  const Prediction p = model.predict(sc);
  ASSERT_TRUE(p.converged);
  ASSERT_GE(p.dirty_syncs, 4);
  // The whole of RAM (the tail included) went out before the guest was paused.
  ASSERT_GE(p.iteration_log.size(), 3u);
  double before_stop = 0.0;
  for (const auto& it : p.iteration_log) before_stop += it.stop_and_copy ? 0.0 : it.pages_sent;
  EXPECT_GE(before_stop, 1024.0 * 256 - 1e-6);
  // The stop-and-copy: pages dirtied again only, at 2000 MiB/s.
  ASSERT_TRUE(p.iteration_log.back().stop_and_copy);
  EXPECT_NEAR(p.downtime_ms, (p.downtime_bytes - 8.0) / wire_bytes_per_ms(2000.0), 1e-6);
}
