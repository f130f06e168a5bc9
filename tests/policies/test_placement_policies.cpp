#include <gtest/gtest.h>

#include "policies/dynamic_consolidation.hpp"
#include "policies/no_migration_policy.hpp"
#include "policies/overload_detector.hpp"
#include "policies/policy_factory.hpp"
#include "policies/power_aware_placement.hpp"
#include "policies/underload_consolidation.hpp"
#include "policy_fixtures.hpp"
#include "sim/input_error.hpp"

using namespace migsim;
using namespace migsim::policies;
using migsim::policies::fixtures::make;
using migsim::policies::fixtures::vm;

TEST(Pabfd, ChoosesTheHostWhosePowerGrowsLeast) {
  // Linear power: every host grows by the same watts per MIPS, so the tie goes
  // to the lowest index that would not become overloaded (THR 0.8).
  // Host 0 at 0.75 (would overload), host 1 at 0.25, host 2 empty.
  auto p = make(3, {vm(1000, 512), vm(1000, 512), vm(1000, 512), vm(1000, 512)}, {0, 0, 1, -1},
                {1.0, 0.5, 0.5, 0.3});
  auto thr = make_thr_detector(0.8);
  PowerAwareBestFit pabfd(*thr);
  std::vector<char> none(3, 0);
  EXPECT_EQ(pabfd.find_host(p, 3, none), 1);
  std::vector<char> ex1{0, 1, 0};
  EXPECT_EQ(pabfd.find_host(p, 3, ex1), 2);
  // The trial creation leaves the snapshot as it was.
  EXPECT_EQ(p.vms_on(1).size(), 1u);
  EXPECT_EQ(p.host_of(3), -1);
}

TEST(Pabfd, PrefersTheMoreEfficientHost) {
  // Host 1's power curve is flat at the top, host 0's steep: adding 500 MIPS to
  // host 1 costs less, so it wins although host 0 comes first.
  std::vector<sim::HostSpec> hs{fixtures::host2000(), fixtures::host2000()};
  hs[1].power = std::make_shared<const models::PowerTable>(
      "flat", std::vector<double>{100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110});
  sim::Placement p(hs, {vm(500, 512)}, sim::Placement::Rules{false});
  p.set_requested_mips(0, 500);
  auto thr = make_thr_detector(0.8);
  std::vector<char> none(2, 0);
  EXPECT_EQ(PowerAwareBestFit(*thr).find_host(p, 0, none), 1);
}

TEST(DynamicConsolidation, MovesVmsOffOverloadedHosts) {
  // Host 0 requests 0.9 (THR 0.8 overloaded); host 1 at 0.6; host 2 empty.
  auto p = make(3, {vm(1000, 870), vm(1000, 613), vm(1200, 512)}, {0, 0, 1}, {1.0, 0.8, 1.0});
  auto policy = make_policy("thr-mmt", PolicyOptions{0.8, 42, 300});
  const auto before = p.save();
  const auto orders = policy->optimize(p, 300);
  // MMT takes VM 1 (613 MiB); host 1 would reach 1.0, so it goes to host 2.
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].vm, 1);
  EXPECT_EQ(orders[0].target_host, 2);
  // The snapshot is restored.
  const auto after = p.save();
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i].host, after[i].host);
    EXPECT_EQ(before[i].vm, after[i].vm);
  }
  EXPECT_EQ(p.host_of(1), 0);
}

TEST(DynamicConsolidation, EmptiesTheLeastUtilisedHostAllOrNothing) {
  // Host 0 at 0.2, host 1 at 0.5, host 2 off: VM 0 joins host 1 (0.7 <= 0.8).
  auto p = make(3, {vm(400, 512), vm(1000, 512)}, {0, 1}, {1.0, 1.0});
  auto policy = make_policy("thr-mmt", PolicyOptions{0.8, 42, 300});
  auto orders = policy->optimize(p, 300);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].vm, 0);
  EXPECT_EQ(orders[0].target_host, 1);
  // If host 1 cannot take it (would exceed 0.8) nothing moves: switched-off hosts are not targets.
  auto q = make(3, {vm(400, 512), vm(1000, 512)}, {0, 1}, {1.0, 1.3});
  EXPECT_TRUE(policy->optimize(q, 300).empty());
}

TEST(NoMigration, FirstFitAndNeverMigrates) {
  // Host 0 has 1000 of 2000 MIPS allocated: a 900-MIPS VM fits there, a
  // 1000-MIPS one too, a third only on host 1.
  auto p = make(2, {vm(1000, 512), vm(900, 512), vm(1000, 512)}, {0, -1, -1}, {1.0, 0.0, 0.0});
  auto dvfs = make_dvfs_policy();
  p.set_instantiating(1, true);
  EXPECT_EQ(dvfs->place_new(p, 1), 0);
  ASSERT_TRUE(p.create(0, 1));
  p.set_instantiating(2, true);
  EXPECT_EQ(dvfs->place_new(p, 2), 1);
  EXPECT_FALSE(dvfs->migrates());
  EXPECT_TRUE(dvfs->optimize(p, 300).empty());
  EXPECT_FALSE(make_npa_policy()->power_aware());
}

TEST(PolicyFactory, KnowsEveryCloudSimCombinationAndRejectsOthers) {
  EXPECT_EQ(policy_names().size(), 22u);
  for (const auto& n : policy_names()) EXPECT_NO_THROW(make_policy(n, PolicyOptions{}));
  EXPECT_THROW(make_policy("thr-xyz", PolicyOptions{}), InputError);
  EXPECT_THROW(make_policy("foo", PolicyOptions{}), InputError);
  EXPECT_THROW(make_policy("thr-mmt", PolicyOptions{1.5, 42, 300}), InputError);
  EXPECT_THROW(make_policy("mad-mmt", PolicyOptions{-1.0, 42, 300}), InputError);
  EXPECT_THROW(make_policy("npa", PolicyOptions{0.5, 42, 300}), InputError);
}
