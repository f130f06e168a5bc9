// PrecopyMigration's side of the sim::MigrationProcess contract: advance_to(t)
// runs "up to t_s (not past the next milestone)", so a migration advanced to
// an instant before its end milestone is still in flight. MigrationFlows relies
// on it: it collects finished migrations only at their milestones.
// Both cases below used to finish the migration early.
#include <gtest/gtest.h>

#include <cmath>

#include "models/precopy_migration.hpp"

using namespace migsim;

namespace {
// An idle 64 MiB guest (32 MiB not zero) over 200 Mbit/s, QEMU's limit (1000 MiB/s)
// far above the link but finite, so the pause is a milestone (the limit is lifted):
// paused after its first pass, then the stop-and-copy.
models::MigrationScenario idle(double overhead_ms) {
  models::MigrationScenario sc;
  sc.memory.ram_mib = 64.0;
  sc.memory.nonzero_mib = 32.0;
  sc.qemu.max_bandwidth_mibps = 1000.0;
  sc.host.link_mibps = models::mibps_of_mbps(200.0);
  sc.host.downtime_overhead_ms = overhead_ms;
  sc.options.record_iterations = false;
  return sc;
}
}  // namespace

TEST(PrecopyMigration, AdvancedToJustBeforeItsEndIsStillInFlight) {
  // 1 ulp before the end milestone (absolute seconds, 1.35330186 s here):
  // (t - start) x 1000 rounds onto the end in ms, and the process completes.
  // Other migrations' milestones fall within an ulp of this one's often: the
  // pre-copy decides on a 50 ms chunk grid common to all.
  models::PrecopyMigration m(idle(0.0), 0.0);
  m.reach_milestone();
  ASSERT_TRUE(m.process().guest_stopped());
  const double end = m.next_milestone_s();
  m.advance_to(std::nextafter(end, 0.0));
  EXPECT_FALSE(m.finished());
  EXPECT_EQ(m.next_milestone_s(), end);
}

TEST(PrecopyMigration, AdvancedIntoTheDowntimeOverheadIsStillInFlight) {
  // The copy is done 5 ms before the end; the completion's overhead (5 ms)
  // carries the clock past t: advance_to(end - 2 ms) finishes it.
  models::PrecopyMigration m(idle(5.0), 0.0);
  m.reach_milestone();
  const double end = m.next_milestone_s();
  m.advance_to(end - 0.002);
  EXPECT_FALSE(m.finished());
  EXPECT_EQ(m.next_milestone_s(), end);
}

TEST(PrecopyMigration, PauseIsAMilestoneOnlyWhereItLiftsALimit) {
  // QEMU unlimited: nothing changes at the pause, the next milestone is the end.
  models::MigrationScenario sc = idle(5.0);
  sc.qemu.max_bandwidth_mibps = 0.0;
  models::PrecopyMigration m(sc, 0.0);
  m.reach_milestone();
  EXPECT_TRUE(m.finished());
  models::PrecopyMigration limited(idle(5.0), 0.0);
  limited.reach_milestone();
  EXPECT_FALSE(limited.finished());
  EXPECT_TRUE(limited.process().guest_stopped());
}
