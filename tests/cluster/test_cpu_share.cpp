#include <gtest/gtest.h>

#include <vector>

#include "sim/cpu_share.hpp"

using migsim::sim::CpuShare;

TEST(CpuShare, CapsAtOnePeAndCountsAvailableMips) {
  CpuShare c(2, 1000);
  c.allocate_vm(1, 1500, 1, false);  // capped at one PE
  EXPECT_DOUBLE_EQ(c.allocated(1), 1000);
  EXPECT_DOUBLE_EQ(c.available(), 1000);
  c.allocate_vm(2, 400, 1, false);
  EXPECT_DOUBLE_EQ(c.available(), 600);
}

TEST(CpuShare, MigrationOverheadTenPercent) {
  CpuShare c(2, 1000);
  c.allocate_vm(1, 500, 1, true);  // in migration, not migrating in: migrating out
  EXPECT_TRUE(c.is_migrating_out(1));
  EXPECT_DOUBLE_EQ(c.allocated(1), 450);  // 90 % at the source
  EXPECT_DOUBLE_EQ(c.available(), 1500);  // the full request is reserved
  c.mark_migrating_in(2);
  c.allocate_vm(2, 800, 1, true);
  EXPECT_DOUBLE_EQ(c.allocated(2), 80);  // 10 % reserved at the target
  EXPECT_DOUBLE_EQ(c.available(), 1420);
  // Back to normal once the migration is over.
  c.deallocate(1);
  c.allocate_vm(1, 500, 1, false);
  EXPECT_FALSE(c.is_migrating_out(1));
  EXPECT_DOUBLE_EQ(c.allocated(1), 500);
}

TEST(CpuShare, OverSubscriptionScalesEveryoneAndFloors) {
  CpuShare c(2, 1000);
  c.allocate_vm(1, 900, 1, false);
  c.allocate_vm(2, 900, 1, false);
  c.allocate_vm(3, 700, 1, false);  // 2500 requested of 2000
  EXPECT_DOUBLE_EQ(c.available(), 0);
  EXPECT_DOUBLE_EQ(c.allocated(1), 720);  // floor(900 * 0.8)
  EXPECT_DOUBLE_EQ(c.allocated(3), 560);
  // Removing one VM re-allocates the others in full.
  c.deallocate(3);
  EXPECT_DOUBLE_EQ(c.allocated(1), 900);
  EXPECT_DOUBLE_EQ(c.available(), 200);
}

// The migration status sets are per-host small sorted sets of VM ids (memory
// in the VMs migrating, not in the largest VM id).
TEST(SmallVmSet, InsertEraseKeepSortedUniqueIds) {
  migsim::sim::SmallVmSet s;
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.contains(0));
  EXPECT_TRUE(s.insert(70000));
  EXPECT_TRUE(s.insert(3));
  EXPECT_TRUE(s.insert(512));
  EXPECT_FALSE(s.insert(3));  // already there
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.ids(), (std::vector<int>{3, 512, 70000}));
  EXPECT_TRUE(s.contains(512));
  EXPECT_FALSE(s.contains(511));
  EXPECT_FALSE(s.erase(4));  // not there
  EXPECT_TRUE(s.erase(512));
  EXPECT_FALSE(s.contains(512));
  EXPECT_EQ(s.ids(), (std::vector<int>{3, 70000}));
  EXPECT_TRUE(s.erase(3));
  EXPECT_TRUE(s.erase(70000));
  EXPECT_TRUE(s.empty());
}

TEST(CpuShare, MigrationSetsHoldOnlyTheMigratingVms) {
  CpuShare c(2, 1000);
  c.mark_migrating_in(100000);  // a large id costs no more than a small one
  c.mark_migrating_in(7);
  c.mark_migrating_in(7);
  EXPECT_EQ(c.migrating_in().ids(), (std::vector<int>{7, 100000}));
  c.allocate_vm(50000, 500, 1, true);  // in migration, not migrating in: out
  c.allocate_vm(9, 500, 1, true);
  EXPECT_EQ(c.migrating_out().ids(), (std::vector<int>{9, 50000}));
  c.allocate_vm(7, 500, 1, true);  // migrating in: not marked out
  EXPECT_FALSE(c.is_migrating_out(7));
  EXPECT_DOUBLE_EQ(c.allocated(7), 50);
  c.unmark_migrating_in(7);
  c.unmark_migrating_in(8);  // unknown: no-op
  EXPECT_EQ(c.migrating_in().ids(), (std::vector<int>{100000}));
  // A VM stays migrating out after it left, until allocated outside a migration.
  c.deallocate(9);
  EXPECT_TRUE(c.is_migrating_out(9));
  c.allocate_vm(9, 500, 1, false);
  EXPECT_FALSE(c.is_migrating_out(9));
  EXPECT_EQ(c.migrating_out().ids(), (std::vector<int>{50000}));
  // clear() keeps the status sets.
  c.clear();
  EXPECT_TRUE(c.is_migrating_out(50000));
  EXPECT_TRUE(c.is_migrating_in(100000));
}
