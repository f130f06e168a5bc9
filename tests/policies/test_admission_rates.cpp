// Admission control predicting with the rate the engine will really give a
// migration (ConsolidationPolicy::use_start_rates): migrations admitted at the
// same instant share the NICs (or a network's links), and a newcomer that
// would push an earlier one over the budget is refused.
#include <gtest/gtest.h>

#include <memory>

#include "policies/admission_control.hpp"
#include "sim/cluster_engine.hpp"
#include "tests/support/six_host_cluster.hpp"

using namespace migsim;
using migsim::policies::AdmissionControl;
using migsim::policies::AdmissionLimits;

namespace {
// A hand-computable model: duration = 1000 x RAM / link s, downtime =
// 0.2 x RAM / link s, converges iff link >= min_link_mbps.
class LinearTimer final : public sim::MigrationTimer {
 public:
  explicit LinearTimer(double min_link_mbps) : min_link_mbps_(min_link_mbps) {}
  std::string name() const override { return "linear"; }
  sim::MigrationTiming time(const sim::MigrationRequest& r) const override {
    sim::MigrationTiming t;
    t.duration_s = 1000.0 * r.ram_mib / r.link_mbps;
    t.downtime_s = 0.2 * r.ram_mib / r.link_mbps;
    t.converged = r.link_mbps >= min_link_mbps_;
    return t;
  }

 private:
  double min_link_mbps_;
};

// VM i starts on host start[i]; decision k proposes steps[k], which admission
// control filters. `ask_engine`: whether it gets the engine's StartRates.
class ScriptedAdmission final : public sim::ConsolidationPolicy {
 public:
  ScriptedAdmission(std::vector<int> start, std::vector<std::vector<sim::MigrationOrder>> steps,
                    const sim::MigrationTimer& timer, bool ask_engine)
      : start_(std::move(start)), steps_(std::move(steps)), ac_(budget(), 8, &timer), ask_engine_(ask_engine) {}
  std::string name() const override { return "scripted"; }
  int place_new(sim::Placement&, int vm) override { return start_[static_cast<std::size_t>(vm)]; }
  std::vector<sim::MigrationOrder> optimize(sim::Placement& p, double now) override {
    const auto proposed = step_ < steps_.size() ? steps_[step_++] : std::vector<sim::MigrationOrder>{};
    return ac_.admit(p, proposed, now);
  }
  void on_migration_end(int vm, double now) override { ac_.migration_ended(vm, now); }
  void use_start_rates(const sim::StartRates* rates) override {
    if (ask_engine_) ac_.use_start_rates(rates);
  }
  const policies::AdmissionStats& stats() const { return ac_.stats(); }

 private:
  static AdmissionLimits budget() {
    AdmissionLimits l;
    l.max_downtime_ms = 300;
    return l;
  }
  std::vector<int> start_;
  std::vector<std::vector<sim::MigrationOrder>> steps_;
  std::size_t step_ = 0;
  AdmissionControl ac_;
  bool ask_engine_;
};

// The six-host cluster with VMs of the given RAM; two_racks: hosts 0-3 on tor-a,
// 4-5 on tor-b, a 1000 Mbit/s uplink between the switches; else no network.
sim::ClusterSpec cluster(const std::vector<double>& ram_mib, bool two_racks) {
  return migsim::testing::six_host_cluster(
      ram_mib, two_racks ? migsim::testing::SixHostNet::TwoRacks : migsim::testing::SixHostNet::None);
}
}  // namespace

TEST(AdmissionRates, ASameStepNewcomerThatSlowsAnAdmittedOneOverTheBudgetIsRefused) {
  // t=300: vm0 (1000 MiB) host0->host1, then vm1 (500 MiB) host0->host2; both
  // leave host 0, whose NIC they would split (500 Mbit/s each).
  // Alone vm0 gets 1000: downtime 0.2 x 1000/1000 = 200 ms <= 300. vm1 at 500:
  // 0.2 x 500/500 = 200 ms, fits; but vm0 at 500 would take 400 ms > 300, so
  // vm1 is refused and vm0 runs alone: 1000 s, 200 ms down.
  const LinearTimer timer(0);
  const std::vector<std::vector<sim::MigrationOrder>> steps{{{0, 1}, {1, 2}}};
  ScriptedAdmission policy({0, 0}, steps, timer, true);
  const auto r = sim::ClusterEngine(cluster({1000, 500}, false), policy, timer).run();
  EXPECT_EQ(r.migrations, 1);
  EXPECT_EQ(r.migrations_failed, 0);
  EXPECT_DOUBLE_EQ(r.mean_migration_s, 1000.0);
  EXPECT_DOUBLE_EQ(r.total_downtime_s, 0.2);
  EXPECT_EQ(policy.stats().admitted, 1);
  EXPECT_EQ(policy.stats().refused_slows_admitted, 1);
  EXPECT_EQ(policy.stats().refused_downtime, 0);

  // Predicting each with its own NIC share only (the former rule) admits both;
  // the engine then splits host 0's NIC: vm0 2000 s and 400 ms down (over the
  // budget), vm1 1000 s and 200 ms: mean 1500 s, 0.6 s down.
  ScriptedAdmission blind({0, 0}, steps, timer, false);
  const auto b = sim::ClusterEngine(cluster({1000, 500}, false), blind, timer).run();
  EXPECT_EQ(b.migrations, 2);
  EXPECT_DOUBLE_EQ(b.mean_migration_s, 1500.0);
  EXPECT_DOUBLE_EQ(b.total_downtime_s, 0.6);
  EXPECT_EQ(blind.stats().refused_slows_admitted, 0);
}

TEST(AdmissionRates, AMigrationTheUplinkMakesNonConvergentIsRefused) {
  // Converges only at >= 800 Mbit/s. t=300: vm0 (1000 MiB) host0->host4 crosses
  // the uplink alone (1000, runs 1000 s). t=600: vm1 (500 MiB) host1->host5 has
  // both NICs to itself (1000 each) but shares the uplink with vm0: 500 <
  // 800, non-convergent, refused; vm2 (500 MiB) host2->host3 stays in rack a:
  // 1000, 500 s, 100 ms down. Mean (1000 + 500) / 2 s, 0.2 + 0.1 s down.
  const LinearTimer timer(800);
  const std::vector<std::vector<sim::MigrationOrder>> steps{{{0, 4}}, {{1, 5}, {2, 3}}};
  ScriptedAdmission policy({0, 1, 2}, steps, timer, true);
  const auto r = sim::ClusterEngine(cluster({1000, 500, 500}, true), policy, timer).run();
  EXPECT_EQ(r.migrations, 2);
  EXPECT_EQ(r.migrations_failed, 0);
  EXPECT_DOUBLE_EQ(r.mean_migration_s, 750.0);
  EXPECT_DOUBLE_EQ(r.total_downtime_s, 0.3);
  EXPECT_EQ(policy.stats().admitted, 2);
  EXPECT_EQ(policy.stats().refused_downtime, 1);

  // With the NIC share (1000) vm1 is admitted and then never converges at 500:
  // cancelled after 1000 s. Mean (1000 + 1000 + 500) / 3 s.
  ScriptedAdmission blind({0, 1, 2}, steps, timer, false);
  const auto b = sim::ClusterEngine(cluster({1000, 500, 500}, true), blind, timer).run();
  EXPECT_EQ(b.migrations, 3);
  EXPECT_EQ(b.migrations_failed, 1);
  EXPECT_DOUBLE_EQ(b.mean_migration_s, 2500.0 / 3.0);

  // Without a network the NICs alone decide: vm1 gets 1000 and is admitted.
  ScriptedAdmission no_net({0, 1, 2}, steps, timer, true);
  const auto n = sim::ClusterEngine(cluster({1000, 500, 500}, false), no_net, timer).run();
  EXPECT_EQ(n.migrations, 3);
  EXPECT_EQ(n.migrations_failed, 0);
}

namespace {
// Records whether the engine lent its StartRates while deciding, and what the
// rates of one order were.
class RatesProbe final : public sim::ConsolidationPolicy {
 public:
  std::string name() const override { return "probe"; }
  int place_new(sim::Placement&, int vm) override { return vm; }
  std::vector<sim::MigrationOrder> optimize(sim::Placement&, double) override {
    lent_while_deciding = rates_ != nullptr;
    if (rates_) rates = rates_->rates_if_started({{0, 4}, {1, 4}});
    return {};
  }
  void use_start_rates(const sim::StartRates* r) override { rates_ = r; }
  bool lent_while_deciding = false;
  std::vector<double> rates;
  const sim::StartRates* rates_ = nullptr;
};
}  // namespace

TEST(AdmissionRates, TheEngineLendsItsRatesForAMigsimRunOnly) {
  const LinearTimer timer(0);
  RatesProbe migsim_probe;
  sim::ClusterEngine(cluster({1000, 500}, false), migsim_probe, timer).run();
  EXPECT_TRUE(migsim_probe.lent_while_deciding);
  EXPECT_EQ(migsim_probe.rates_, nullptr);  // taken back at the end of the run
  // Both into host 4: its NIC split in two.
  EXPECT_EQ(migsim_probe.rates, (std::vector<double>{500, 500}));
  RatesProbe net_probe;
  sim::ClusterEngine(cluster({1000, 500}, true), net_probe, timer).run();
  EXPECT_EQ(net_probe.rates, (std::vector<double>{500, 500}));  // host 4's NIC and the uplink

  // CloudSim semantics keep their own admission rule: nothing is lent.
  sim::ClusterSpec cs = cluster({1000, 500}, false);
  cs.options.cloudsim_compat = true;
  cs.options.first_offset_s = 0.1;
  RatesProbe cloudsim_probe;
  sim::ClusterEngine(cs, cloudsim_probe, timer).run();
  EXPECT_FALSE(cloudsim_probe.lent_while_deciding);
}
