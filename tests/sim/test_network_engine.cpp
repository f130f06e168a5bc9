// The cluster engine with a network: concurrent migrations get max-min fair
// rates over their routes; without a network, the equal NIC split of before.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "models/migration_timer.hpp"
#include "sim/cluster_engine.hpp"
#include "tests/support/six_host_cluster.hpp"

using namespace migsim;

namespace {
// Records the bandwidth each migration was timed with; every migration takes
// `duration_s` and converges.
class RecordingTimer final : public sim::MigrationTimer {
 public:
  explicit RecordingTimer(double duration_s) : duration_s_(duration_s) {}
  std::string name() const override { return "recording"; }
  sim::MigrationTiming time(const sim::MigrationRequest& r) const override {
    link_mbps[r.vm] = r.link_mbps;
    sim::MigrationTiming t;
    t.duration_s = duration_s_;
    return t;
  }
  mutable std::map<int, double> link_mbps;  // by VM

 private:
  double duration_s_;
};

// VM i starts on host `start[i]`; decision k (0-based) orders `steps[k]`.
class ScriptedPolicy final : public sim::ConsolidationPolicy {
 public:
  ScriptedPolicy(std::vector<int> start, std::vector<std::vector<sim::MigrationOrder>> steps)
      : start_(std::move(start)), steps_(std::move(steps)) {}
  std::string name() const override { return "scripted"; }
  int place_new(sim::Placement&, int vm) override { return start_[static_cast<std::size_t>(vm)]; }
  std::vector<sim::MigrationOrder> optimize(sim::Placement&, double) override {
    return step_ < steps_.size() ? steps_[step_++] : std::vector<sim::MigrationOrder>{};
  }

 private:
  std::vector<int> start_;
  std::vector<std::vector<sim::MigrationOrder>> steps_;
  std::size_t step_ = 0;
};

using Net = migsim::testing::SixHostNet;

// `vms` VMs of 1000 MiB on the six-host cluster.
sim::ClusterSpec cluster(int vms, Net net) {
  return migsim::testing::six_host_cluster(std::vector<double>(static_cast<std::size_t>(vms), 1000.0), net);
}

std::map<int, double> rates_of(const sim::ClusterSpec& spec, ScriptedPolicy policy, double duration_s) {
  RecordingTimer timer(duration_s);
  const auto r = sim::ClusterEngine(spec, policy, timer).run();
  EXPECT_EQ(r.migrations, static_cast<long long>(timer.link_mbps.size()));
  return timer.link_mbps;
}
}  // namespace

TEST(NetworkEngine, MigrationsSharingTheCoreGetHalfADisjointOneItsNic) {
  // At t=300: vm0 host0->host4 and vm1 host1->host5 cross the core; vm2
  // host2->host3 stays in rack a.
  const ScriptedPolicy policy({0, 1, 2}, {{{0, 4}, {1, 5}, {2, 3}}});
  const auto with = rates_of(cluster(3, Net::TwoRacks), policy, 10);
  EXPECT_EQ(with, (std::map<int, double>{{0, 500}, {1, 500}, {2, 1000}}));
  // Without a network the hosts' NICs alone: no host is shared, full speed.
  const auto without = rates_of(cluster(3, Net::None), policy, 10);
  EXPECT_EQ(without, (std::map<int, double>{{0, 1000}, {1, 1000}, {2, 1000}}));
}

TEST(NetworkEngine, AMigrationInFlightCountsWhenTheNextStarts) {
  // vm0 starts alone at t=300 (1000) and runs 1000 s; vm1 starts at t=600 and
  // shares the core with it (500). vm0 is not re-timed (a snapshot at start).
  const ScriptedPolicy policy({0, 1}, {{{0, 4}}, {{1, 5}}});
  EXPECT_EQ(rates_of(cluster(2, Net::TwoRacks), policy, 1000), (std::map<int, double>{{0, 1000}, {1, 500}}));
  // Once vm0 is done (100 s), vm1 has the core to itself.
  EXPECT_EQ(rates_of(cluster(2, Net::TwoRacks), policy, 100), (std::map<int, double>{{0, 1000}, {1, 1000}}));
  EXPECT_EQ(rates_of(cluster(2, Net::None), policy, 1000), (std::map<int, double>{{0, 1000}, {1, 1000}}));
}

TEST(NetworkEngine, AStarReproducesTheEqualNicSplit) {
  // vm0 host0->host1 and vm1 host0->host4 share host 0's NIC (500 each);
  // vm2 host2->host5 shares nothing. On a star, as without a network; on
  // the two racks vm1 and vm2 also share the core: vm2 gets the 500 vm1 leaves.
  const ScriptedPolicy policy({0, 0, 2}, {{{0, 1}, {1, 4}, {2, 5}}});
  const std::map<int, double> nic_split{{0, 500}, {1, 500}, {2, 1000}};
  EXPECT_EQ(rates_of(cluster(3, Net::None), policy, 10), nic_split);
  EXPECT_EQ(rates_of(cluster(3, Net::Star), policy, 10), nic_split);
  EXPECT_EQ(rates_of(cluster(3, Net::TwoRacks), policy, 10),
            (std::map<int, double>{{0, 500}, {1, 500}, {2, 500}}));
}

namespace {
// A migration takes 1e6 / link_mbps seconds: 1000 s alone on a 1000 Mbit/s path.
class LinearTimer final : public sim::MigrationTimer {
 public:
  std::string name() const override { return "linear"; }
  sim::MigrationTiming time(const sim::MigrationRequest& r) const override {
    sim::MigrationTiming t;
    t.duration_s = 1e6 / r.link_mbps;
    t.downtime_s = 0.001 * 1000.0 / r.link_mbps;
    return t;
  }
};

sim::ClusterResult run_linear(sim::ClusterSpec spec, ScriptedPolicy policy, bool rerate) {
  spec.options.rerate_in_flight = rerate;
  LinearTimer timer;
  return sim::ClusterEngine(spec, policy, timer).run();
}
}  // namespace

TEST(RerateInFlight, SharesFollowStartsAndEndsOfOtherMigrations) {
  // vm0 leaves host0 at t=300, alone: 1000 Mbit/s, due at 1300. vm1 leaves host0
  // at t=600: they share host 0's NIC (500 each). Re-timed: vm0 has done 30 %,
  // the 70 % left take 0.7 x 2000 s -> ends at 2000; vm1 then gets the whole NIC
  // back with 70 % done (1400 s at 500): its 30 % left take 300 s -> ends at 2300.
  // Both last 1700 s. As a snapshot: vm0 1000 s, vm1 2000 s.
  const ScriptedPolicy policy({0, 0}, {{{0, 1}}, {{1, 2}}});
  const auto snap = run_linear(cluster(2, Net::None), policy, false);
  EXPECT_DOUBLE_EQ(snap.mean_migration_s, 1500.0);
  const auto re = run_linear(cluster(2, Net::None), policy, true);
  EXPECT_EQ(re.migrations, 2);
  EXPECT_NEAR(re.mean_migration_s, 1700.0, 1e-6);
  // The downtime is the stop-and-copy's at the rate of the end: vm0 ended sharing
  // (500: 2 ms), vm1 alone (1000: 1 ms).
  EXPECT_NEAR(re.total_downtime_s, 0.002 + 0.001, 1e-12);
}

TEST(RerateInFlight, OverTheNetworkTheCoreIsSharedAndFreedTheSameWay) {
  // The same over the two racks' core (hosts 0->4 and 1->5): the same numbers.
  const ScriptedPolicy policy({0, 1}, {{{0, 4}}, {{1, 5}}});
  EXPECT_DOUBLE_EQ(run_linear(cluster(2, Net::TwoRacks), policy, false).mean_migration_s, 1500.0);
  EXPECT_NEAR(run_linear(cluster(2, Net::TwoRacks), policy, true).mean_migration_s, 1700.0, 1e-6);
  // Disjoint paths never change shares: re-timing is a no-op.
  const ScriptedPolicy apart({0, 2}, {{{0, 1}}, {{1, 3}}});
  EXPECT_DOUBLE_EQ(run_linear(cluster(2, Net::TwoRacks), apart, true).mean_migration_s, 1000.0);
}

namespace {
struct Durations final : sim::EngineObserver {
  std::vector<sim::MigrationFinished> done;
  void migration_finished(const sim::MigrationFinished& m) override { done.push_back(m); }
};
// vm0 (1000 MiB, 256 MiB written at up to 30000 pages/s at full CPU) moves
// host0 -> host1 at the first decision (t = 300 s), its CPU sampled every
// second: 10 % until `jump_s`, 100 % from then on.
sim::MigrationFinished migrate_with_cpu_jump(double jump_s) {
  sim::ClusterSpec spec = cluster(1, Net::None);
  spec.vms[0].dirty_pages_per_sec_at_full_cpu = 30000;
  spec.vms[0].wss_mib = 256;
  std::vector<double> u(3600, 0.1);
  for (std::size_t i = static_cast<std::size_t>(jump_s); i < u.size(); ++i) u[i] = 1.0;
  spec.demand[0] = sim::UtilizationSeries("v", 1.0, u);
  spec.options.rerate_in_flight = true;
  ScriptedPolicy policy({0}, {{{0, 1}}});
  const models::PrecopyMigrationTimer timer;
  Durations obs;
  sim::ClusterEngine engine(spec, policy, timer);
  engine.add_observer(&obs);
  engine.run();
  EXPECT_EQ(obs.done.size(), 1u);
  return obs.done.empty() ? sim::MigrationFinished{} : obs.done[0];
}
}  // namespace

// During a migration its VM's write rate follows the trace, sample by sample,
// also between the processing instants: a CPU that jumps mid-migration makes
// it dirty faster (more rounds, longer); a jump after it ends changes nothing.
TEST(NetworkEngine, WriteRateFollowsTheTraceMidMigration) {
  const sim::MigrationFinished flat = migrate_with_cpu_jump(3000);
  const sim::MigrationFinished late = migrate_with_cpu_jump(320);  // after it ended
  const sim::MigrationFinished mid = migrate_with_cpu_jump(302);
  ASSERT_TRUE(flat.timing.converged);
  EXPECT_EQ(flat.start_s, 300.0);
  EXPECT_LT(flat.end_s, 320.0);
  EXPECT_EQ(late.end_s, flat.end_s);
  EXPECT_GT(mid.end_s, flat.end_s);
  EXPECT_GT(mid.timing.dirty_syncs, flat.timing.dirty_syncs);
}
