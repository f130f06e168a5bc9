#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "models/migration_timer.hpp"
#include "models/power_model.hpp"
#include "policies/policy_factory.hpp"
#include "sim/cluster_engine.hpp"
#include "sim/sla_accounting.hpp"

using namespace migsim;

namespace {
sim::HostSpec g4() {
  sim::HostSpec h;
  h.type = "g4";
  h.pes = 2;
  h.pe_mips = 1860;
  h.ram_mib = 4096;
  h.bw_mbps = 1000;
  h.power = models::builtin_power_model("hp-ml110-g4");
  return h;
}
sim::VmSpec vm(double mips, double ram) {
  sim::VmSpec v;
  v.mips = mips;
  v.ram_mib = ram;
  v.bw_mbps = 100;
  return v;
}
sim::UtilizationSeries flat(double u, int n = 288) {
  return sim::UtilizationSeries("flat", 300, std::vector<double>(static_cast<std::size_t>(n), u));
}
}  // namespace

TEST(PowerModel, SpecPowerTablesAndInterpolation) {
  auto g4p = models::builtin_power_model("hp-ml110-g4");
  auto g5p = models::builtin_power_model("hp-ml110-g5");
  EXPECT_DOUBLE_EQ(g4p->watts(0), 86);
  EXPECT_DOUBLE_EQ(g4p->watts(1), 117);
  EXPECT_DOUBLE_EQ(g5p->watts(0.5), 116);
  EXPECT_NEAR(g4p->watts(0.25), 94.3, 1e-12);   // halfway 92.6 .. 96
  EXPECT_NEAR(g5p->watts(0.95), 134, 1e-12);    // halfway 133 .. 135
  EXPECT_THROW(g4p->watts(1.2), std::domain_error);
  models::PowerTable three("t", {10, 20, 40});
  EXPECT_DOUBLE_EQ(three.watts(0.75), 30);
}

TEST(ClusterEngine, EnergyOfOneHostAtKnownUtilisationCloudSim) {
  // One G4 host (3720 MIPS), one 1860-MIPS VM at 50 %: host at 25 % => 94.3 W.
  // CloudSim semantics: the host is counted from the first processing instant
  // (300.1 s) to the last (86100.1 s): 85800 s.
  sim::ClusterSpec spec;
  spec.hosts = {g4()};
  spec.vms = {vm(1860, 1024)};
  spec.demand = {flat(0.5)};
  auto policy = policies::make_policy("dvfs", {});
  models::CloudSimMigrationTimer timer;
  const sim::ClusterResult r = sim::ClusterEngine(spec, *policy, timer).run();
  EXPECT_NEAR(r.energy_kwh, 94.3 * 85800 / 3.6e6, 1e-9);
  EXPECT_EQ(r.migrations, 0);
  EXPECT_EQ(r.host_shutdowns, 0);
  EXPECT_DOUBLE_EQ(r.slatah, 0);
  // NPA: the maximum power over 86100.1 s.
  auto npa = policies::make_policy("npa", {});
  EXPECT_NEAR(sim::ClusterEngine(spec, *npa, timer).run().energy_kwh, 117 * 86100.1 / 3.6e6, 1e-9);
}

TEST(ClusterEngine, EnergyOfOneHostMigsimModeIncludesTheRampFromIdle) {
  sim::ClusterSpec spec;
  spec.hosts = {g4()};
  spec.vms = {vm(1860, 1024)};
  spec.demand = {flat(0.5)};
  spec.options.cloudsim_compat = false;
  spec.options.first_offset_s = 0;
  auto policy = policies::make_policy("dvfs", {});
  models::PrecopyMigrationTimer timer;
  const sim::ClusterResult r = sim::ClusterEngine(spec, *policy, timer).run();
  // [0, 300]: trapezoid 86 W -> 94.3 W; [300, 86100]: 94.3 W.
  EXPECT_NEAR(r.energy_kwh, ((86 + 94.3) / 2 * 300 + 94.3 * 85800) / 3.6e6, 1e-9);
}

TEST(ClusterEngine, AVmThatFitsOnNoHostIsCountedUnplacedNotRetired) {
  sim::ClusterSpec spec;
  spec.hosts = {g4()};
  spec.vms = {vm(1860, 1024), vm(1860, 1u << 30)};  // the second needs 1 PiB of RAM
  spec.demand = {flat(0.5), flat(0.5)};
  auto policy = policies::make_policy("dvfs", {});
  models::CloudSimMigrationTimer timer;
  const auto r = sim::ClusterEngine(spec, *policy, timer).run();
  EXPECT_EQ(r.vms_unplaced, 1);
  EXPECT_EQ(r.vms_retired, 0);
}

TEST(ClusterEngine, ZeroDemandVmIsRetiredInCloudSimModeOnly) {
  sim::ClusterSpec spec;
  spec.hosts = {g4()};
  spec.vms = {vm(1860, 1024)};
  std::vector<double> u(288, 0.5);
  for (int i = 100; i < 288; ++i) u[static_cast<std::size_t>(i)] = 0;
  spec.demand = {sim::UtilizationSeries("v", 300, u)};
  auto policy = policies::make_policy("dvfs", {});
  models::CloudSimMigrationTimer timer;
  const auto r = sim::ClusterEngine(spec, *policy, timer).run();
  EXPECT_EQ(r.vms_retired, 1);
  EXPECT_EQ(r.host_shutdowns, 1);
  spec.options.cloudsim_compat = false;
  spec.options.first_offset_s = 0;
  const auto m = sim::ClusterEngine(spec, *policy, timer).run();
  EXPECT_EQ(m.vms_retired, 0);
}

TEST(ClusterEngine, OverloadTriggersAMigrationWithCloudSimDuration) {
  // Host 1 has too little RAM for either VM at creation (CloudSim checks RAM
  // only then), so both 1860-MIPS VMs start on host 0; at 100 % demand host 0
  // is overloaded (THR 0.8) and MMT moves the smaller-RAM VM to host 1.
  sim::ClusterSpec spec;
  spec.hosts = {g4(), g4()};
  spec.hosts[1].ram_mib = 400;
  spec.vms = {vm(1860, 1000), vm(1860, 500)};
  spec.demand = {flat(1.0), flat(1.0)};
  auto policy = policies::make_policy("thr-mmt", {});
  models::CloudSimMigrationTimer timer;
  sim::ClusterEngine engine(spec, *policy, timer);
  const auto r = engine.run();
  EXPECT_EQ(r.migrations, 1);
  EXPECT_NEAR(r.mean_migration_s, 500 / 62.5, 1e-12);  // RAM / (1 Gbit/s / 2)
  EXPECT_GT(r.pdm, 0);     // 10 % lost during the 8 s migration
  EXPECT_GT(r.slatah, 0);  // the target gets only 10 % while it receives the VM
  EXPECT_EQ(engine.placement().host_of(1), 1);
  EXPECT_EQ(engine.placement().host_of(0), 0);
}

namespace {
// Puts every VM on host 0, then at the first decision moves the first `moves`
// VMs to hosts 1, 2, ... at the same instant.
class ScriptedPolicy final : public sim::ConsolidationPolicy {
 public:
  explicit ScriptedPolicy(int moves) : moves_(moves) {}
  std::string name() const override { return "scripted"; }
  int place_new(sim::Placement&, int) override { return 0; }
  std::vector<sim::MigrationOrder> optimize(sim::Placement&, double) override {
    std::vector<sim::MigrationOrder> o;
    if (done_) return o;
    done_ = true;
    for (int i = 0; i < moves_; ++i) o.push_back({i, i + 1});
    return o;
  }

 private:
  int moves_;
  bool done_ = false;
};
}  // namespace

TEST(ClusterEngine, MigsimModeConcurrentMigrationsShareTheNic) {
  sim::ClusterSpec spec;
  spec.hosts = {g4(), g4(), g4()};
  for (int i = 0; i < 2; ++i) {
    spec.vms.push_back(vm(1240, 1000));
    spec.demand.push_back(flat(0.5));
  }
  spec.options.cloudsim_compat = false;
  spec.options.first_offset_s = 0;
  models::PrecopyMigrationTimer timer;
  ScriptedPolicy one(1), two(2);
  const auto alone = sim::ClusterEngine(spec, one, timer).run();
  const auto both = sim::ClusterEngine(spec, two, timer).run();
  ASSERT_EQ(alone.migrations, 1);
  ASSERT_EQ(both.migrations, 2);
  // Two at once share host 0's 1 Gbit/s NIC: each takes about twice as long.
  EXPECT_GT(both.mean_migration_s, 1.8 * alone.mean_migration_s);
  // The pre-copy model's downtime is counted as degradation due to migration.
  EXPECT_GT(alone.total_downtime_s, 0);
  EXPECT_GT(alone.pdm, 0);
  EXPECT_NEAR(alone.mean_downtime_ms, 1000 * alone.total_downtime_s, 1e-9);
  // CloudSim semantics ignore the sharing (RAM / (BW/2) per migration).
  spec.options.cloudsim_compat = true;
  spec.options.first_offset_s = 0.1;
  models::CloudSimMigrationTimer cs;
  ScriptedPolicy one_c(1), two_c(2);
  EXPECT_DOUBLE_EQ(sim::ClusterEngine(spec, one_c, cs).run().mean_migration_s,
                   sim::ClusterEngine(spec, two_c, cs).run().mean_migration_s);
}

TEST(ClusterEngine, MigsimModeAMigrationsEndLeavesOtherHostsAlone) {
  // migsim semantics: a migration's end updates its two hosts only, so a host
  // it does not touch draws the same energy as it would alone. Before, every
  // host got a frame at the end; the bystander's demand swings across the
  // power table's pieces between samples, so an extra trapezoid point at the
  // end's instant changed its energy (and each end cost O(hosts + VMs)).
  sim::ClusterSpec spec;
  spec.hosts = {g4(), g4(), g4()};
  spec.vms = {vm(1240, 1000), vm(1860, 1000)};
  spec.demand.push_back(flat(0.5));
  std::vector<double> swing;
  for (int k = 0; k < 288; ++k) swing.push_back(k % 2 ? 0.05 : 0.95);
  spec.demand.emplace_back("swing", 300, swing);
  spec.initial_host = {0, 2};
  spec.options.cloudsim_compat = false;
  spec.options.first_offset_s = 0;
  models::PrecopyMigrationTimer timer;
  ScriptedPolicy move(1);
  const auto with_bystander = sim::ClusterEngine(spec, move, timer).run();
  ASSERT_EQ(with_bystander.migrations, 1);

  sim::ClusterSpec pair = spec;
  pair.hosts.pop_back();
  pair.vms.pop_back();
  pair.demand.pop_back();
  pair.initial_host = {0};
  ScriptedPolicy move_pair(1);
  const auto without = sim::ClusterEngine(pair, move_pair, timer).run();
  ASSERT_EQ(without.migrations, 1);

  sim::ClusterSpec alone = spec;
  alone.hosts = {g4()};
  alone.vms = {spec.vms[1]};
  alone.demand = {spec.demand[1]};
  alone.initial_host = {0};
  ScriptedPolicy stay(0);
  const auto bystander = sim::ClusterEngine(alone, stay, timer).run();
  ASSERT_GT(bystander.energy_kwh, 0.1);
  EXPECT_NEAR(with_bystander.energy_kwh, without.energy_kwh + bystander.energy_kwh, 1e-12);
}

TEST(ClusterEngine, SameInputsSameResults) {
  sim::ClusterSpec spec;
  spec.hosts = {g4(), g4(), g4()};
  for (int i = 0; i < 6; ++i) {
    spec.vms.push_back(vm(930, 512));
    std::vector<double> u;
    for (int k = 0; k < 288; ++k) u.push_back(0.5 + 0.45 * std::sin(0.05 * k * (i + 1)));
    char name[16];
    std::snprintf(name, sizeof name, "v%d", i);
    spec.demand.emplace_back(name, 300, u);
  }
  auto p1 = policies::make_policy("thr-rs", {});
  auto p2 = policies::make_policy("thr-rs", {});
  models::CloudSimMigrationTimer timer;
  const auto a = sim::ClusterEngine(spec, *p1, timer).run();
  const auto b = sim::ClusterEngine(spec, *p2, timer).run();
  EXPECT_EQ(sim::to_json(a).dump(), sim::to_json(b).dump());
  EXPECT_GT(a.migrations, 0);
}

TEST(SlaAccounting, PooledRatiosAndSameTimeReplacement) {
  sim::SlaAccounting s(1, 1);
  s.host_entry(0, 0, 100, 100, true);
  s.host_entry(0, 10, 80, 100, true);   // over-utilised from 10 ...
  s.host_entry(0, 10, 90, 100, true);   // (replaces the entry at the same time)
  s.host_entry(0, 30, 0, 0, false);     // ... to 30: 20 s of 30 s active
  s.host_entry(0, 40, 50, 50, true);
  EXPECT_DOUBLE_EQ(s.slatah(), 20.0 / 30.0);
  EXPECT_EQ(s.shutdowns(), 1);
  s.vm_entry(0, 0, 100, 100, false);
  s.vm_entry(0, 10, 90, 100, true);   // migrating: 10 MIPS short for 10 s
  s.vm_entry(0, 20, 100, 100, false);
  EXPECT_DOUBLE_EQ(s.pdm(), 100.0 / 2000.0);
}
