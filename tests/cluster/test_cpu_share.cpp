#include <gtest/gtest.h>

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
