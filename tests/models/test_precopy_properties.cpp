// Properties over seeded random parameters, and determinism.
#include <gtest/gtest.h>

#include <algorithm>

#include "models/prediction_json.hpp"
#include "models/qemu_precopy_model.hpp"
#include "sim/rng.hpp"

using namespace migsim::models;

namespace {
MigrationScenario random_scenario(migsim::sim::Rng& r) {
  MigrationScenario sc;
  sc.memory.ram_mib = std::round(r.uniform(256, 8192));
  sc.memory.nonzero_mib = std::round(sc.memory.ram_mib * r.uniform(0.05, 1.0));
  sc.workload.wss_mib = std::round(sc.memory.nonzero_mib * r.uniform(0.0, 1.0));
  sc.workload.pages_per_sec = std::round(r.uniform(0, 60000));
  sc.workload.pattern = static_cast<DirtyPattern>(r.below(3));
  sc.qemu.max_bandwidth_mibps = std::round(r.uniform(10, 400));
  sc.qemu.downtime_limit_ms = std::round(r.uniform(30, 1000));
  sc.qemu.auto_converge = r.uniform() < 0.3;
  sc.host.link_mibps = std::round(r.uniform(500, 3000));
  sc.options.horizon_s = 120.0;
  return sc;
}
// Slack for the discreteness of QEMU's loop: one 100 ms window, one sync, and 3%.
bool not_more(double a, double b) { return a <= b * 1.03 + 150.0; }
const QemuPrecopyModel model;
}  // namespace

TEST(PrecopyProperties, EveryPageIsSentAtLeastOnce) {
  migsim::sim::Rng r(2024);
  for (int i = 0; i < 300; ++i) {
    const MigrationScenario sc = random_scenario(r);
    const Prediction p = model.predict(sc);
    if (!p.converged) continue;
    const double first_pass = sc.memory.nonzero_mib * 256 * 4104 +
                              (sc.memory.ram_mib - sc.memory.nonzero_mib) * 256 * 9;
    EXPECT_GE(p.transferred_bytes, first_pass * 0.999) << i;
    EXPECT_GE(p.normal_pages + p.zero_pages, sc.memory.ram_mib * 256 - 1) << i;
  }
}

TEST(PrecopyProperties, DowntimeBytesStayUnderTheThreshold) {
  migsim::sim::Rng r(7);
  for (int i = 0; i < 300; ++i) {
    MigrationScenario sc = random_scenario(r);
    const Prediction p = model.predict(sc);
    if (!p.converged) continue;
    // Completion needs pending < bandwidth x downtime-limit (bandwidth as measured,
    // at most the rate limit or the link); the last sync only adds pages dirtied
    // during one sync.
    const double bw = std::min(sc.qemu.max_bandwidth_mibps, sc.host.link_mibps) * 1048576 / 1000;
    const double limit = bw * sc.qemu.downtime_limit_ms * 1.01 * 4104 / 4096 + 64 * 4104;
    EXPECT_LE(p.downtime_bytes, limit) << i;
  }
}

TEST(PrecopyProperties, MoreBandwidthIsNotSlowerWithoutDirtying) {
  migsim::sim::Rng r(11);
  for (int i = 0; i < 200; ++i) {
    MigrationScenario sc = random_scenario(r);
    sc.workload.pages_per_sec = 0;
    sc.options.horizon_s = 3600.0;  // 8 GiB at 10 MiB/s needs ~14 min
    const Prediction slow = model.predict(sc);
    sc.qemu.max_bandwidth_mibps *= 1.5;
    const Prediction fast = model.predict(sc);
    ASSERT_TRUE(slow.converged && fast.converged) << i;
    EXPECT_TRUE(not_more(fast.total_time_ms, slow.total_time_ms))
        << i << ": " << fast.total_time_ms << " vs " << slow.total_time_ms;
  }
}

TEST(PrecopyProperties, MoreDirtyingIsNotCheaper) {
  migsim::sim::Rng r(13);
  for (int i = 0; i < 200; ++i) {
    MigrationScenario sc = random_scenario(r);
    sc.qemu.auto_converge = false;
    const Prediction calm = model.predict(sc);
    sc.workload.pages_per_sec = sc.workload.pages_per_sec * 1.5 + 100;
    const Prediction busy = model.predict(sc);
    if (!busy.converged) continue;
    EXPECT_TRUE(calm.converged) << i << ": converges with more dirtying but not with less";
    EXPECT_TRUE(not_more(calm.total_time_ms, busy.total_time_ms))
        << i << ": " << calm.total_time_ms << " vs " << busy.total_time_ms;
    EXPECT_LE(calm.transferred_bytes, busy.transferred_bytes * 1.03 + 64e6) << i;
  }
}

TEST(PrecopyProperties, SameInputSameBytes) {
  migsim::sim::Rng r(99);
  for (int i = 0; i < 50; ++i) {
    const MigrationScenario sc = random_scenario(r);
    EXPECT_EQ(to_json(model.predict(sc)).dump(), to_json(model.predict(sc)).dump());
  }
}
