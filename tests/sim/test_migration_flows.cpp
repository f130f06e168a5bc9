// MigrationFlows driven directly, with QEMU pre-copy processes (PrecopyMigration)
// sharing a small network: convergence that depends on what else crosses the
// link, re-rating when a migration starts or ends, QEMU's max-bandwidth cap, the
// NIC split without a network, determinism. Expectations are computed by hand
// from the bytes on the wire (4104 per normal page) and the rates.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/precopy_migration.hpp"
#include "models/qemu_precopy_model.hpp"
#include "sim/migration_flows.hpp"
#include "sim/network_topology.hpp"

using namespace migsim;
using sim::MigrationFlows;
using sim::Sharing;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kUplinkMbps = 400.0;
constexpr double kNicMbps = 1000.0;
// Every pre-copy chunk (50 ms) ends with an 8-byte marker the hand computations
// below leave out: < 0.3 ms over the longest transfer here.
constexpr double kTolS = 1e-3;

// Hosts 0..3. Hosts 0 and 1 hang off switch a (vertex 4); host 2 off switch b
// (5), host 3 off switch c (6); two alternative 400 Mbit/s uplinks a-b and a-c;
// 1000 Mbit/s NICs. 0->2 and 1->2 share uplink a-b; 1->3 goes over a-c.
std::shared_ptr<const sim::NetworkTopology> two_uplinks() {
  return std::make_shared<const sim::NetworkTopology>(
      4, std::vector<std::string>{"a", "b", "c"},
      std::vector<sim::NetworkLink>{{0, 4, kNicMbps},
                                    {1, 4, kNicMbps},
                                    {2, 5, kNicMbps},
                                    {3, 6, kNicMbps},
                                    {4, 5, kUplinkMbps},
                                    {4, 6, kUplinkMbps}});
}

MigrationFlows network_flows(bool rerate = true) {
  return MigrationFlows(Sharing::Network, std::vector<double>(4, kNicMbps), two_uplinks(), rerate);
}

// A host that costs nothing beyond the wire: no setup, no sync cost, no CPU per
// page, no downtime overhead. Times are then bytes / rate.
models::MigrationScenario bare(double ram_mib) {
  models::MigrationScenario sc;
  sc.memory.ram_mib = ram_mib;
  sc.memory.nonzero_mib = ram_mib;
  sc.host.setup_ms = 0.0;
  sc.host.zero_page_ns = 0.0;
  sc.host.sync_ms_per_gib = 0.0;
  sc.host.downtime_overhead_ms = 0.0;
  sc.qemu.max_bandwidth_mibps = 0.0;  // unlimited: takes whatever the route gives
  sc.options.horizon_s = 60.0;
  sc.options.record_iterations = false;
  return sc;
}

// The heavy VM: 256 MiB, all non-zero, writing 7000 pages/s sequentially over a
// 32 MiB (8192-page) working set; downtime-limit 300 ms.
//   Alone over 400 Mbit/s = 50e6 B/s it sends 50e6 / 4104 = 12183 pages/s and
//   the threshold is 50e6 B/s x 0.3 s = 15 MB = 3662 pages. Each round lasts
//   as long as sending the previous round's dirty set takes, and the guest
//   writes 7000 / 12183 = 0.57 of it again meanwhile: the dirty set shrinks
//   geometrically (8192 -> ~4700 -> ~2700 pages) and falls under the threshold
//   after a few rounds: ~6.5 s (the first pass alone is 256 MiB x 4104/4096 /
//   50e6 B/s = 5.38 s).
//   With half the link (200 Mbit/s: 6092 pages/s, threshold 1831 pages) the
//   guest writes 7000 / 6092 = 1.15 pages per page sent: each round leaves
//   more dirty pages than it started with, until the whole WSS (8192 pages,
//   4.5x the threshold) is dirty at every sync. It never converges.
models::MigrationScenario heavy_vm() {
  models::MigrationScenario sc = bare(256.0);
  sc.workload.pattern = models::DirtyPattern::Sequential;
  sc.workload.wss_mib = 32.0;
  sc.workload.pages_per_sec = 7000.0;
  sc.qemu.downtime_limit_ms = 300.0;
  return sc;
}

// An idle guest (nothing written): it sends its RAM once.
models::MigrationScenario idle_vm(double ram_mib) { return bare(ram_mib); }

double wire_bytes(double ram_mib) { return ram_mib * 256.0 * 4104.0; }
double bytes_per_s(double mbps) { return mbps * 1e6 / 8.0; }

struct Start {
  double t_s;
  MigrationFlows::Endpoints ends;
  models::MigrationScenario sc;
};

struct Outcome {
  std::vector<MigrationFlows::Finished> finished;  // in the order step() returned them
  std::map<long long, MigrationFlows::Finished> by_id;
};

// Starts each migration at its time (in order; those at the same instant in one
// start() call, as the engine starts a decision's migrations) and runs the flows to the end;
// `at_step` is called after every step.
Outcome drive(MigrationFlows& flows, const std::vector<Start>& starts,
              const std::function<void(double, const std::vector<MigrationFlows::Finished>&)>& at_step = {}) {
  Outcome out;
  std::size_t next = 0;
  for (;;) {
    const double ev = flows.next_event_s();
    const double st = next < starts.size() ? starts[next].t_s : kInf;
    if (!std::isfinite(ev) && !std::isfinite(st)) break;
    if (ev <= st) {
      const auto done = flows.step(ev);
      for (const auto& f : done) {
        out.finished.push_back(f);
        out.by_id[f.id] = f;
      }
      if (at_step) at_step(ev, done);
      continue;
    }
    // Those due at the same instant start together, in order.
    std::vector<const Start*> batch;
    std::vector<MigrationFlows::Endpoints> ends;
    while (next < starts.size() && starts[next].t_s == st) {
      batch.push_back(&starts[next]);
      ends.push_back(starts[next++].ends);
    }
    flows.start(st, ends, [&](std::size_t i, double rate_mbps) {
      models::MigrationScenario sc = batch[i]->sc;
      sc.host.link_mibps = models::mibps_of_mbps(rate_mbps);
      return std::make_unique<models::PrecopyMigration>(sc, st);
    });
  }
  return out;
}

models::Prediction alone(models::MigrationScenario sc, double mbps) {
  sc.host.link_mibps = models::mibps_of_mbps(mbps);
  return models::QemuPrecopyModel().predict(sc);
}

void expect_rel(double actual, double expected, double rel) {
  EXPECT_NEAR(actual, expected, rel * std::abs(expected)) << "expected " << expected;
}

const MigrationFlows::Endpoints k0to2{0, 2};
const MigrationFlows::Endpoints k1to2{1, 2};
const MigrationFlows::Endpoints k1to3{1, 3};

}  // namespace

TEST(MigrationFlows, HeavyVmAloneOverTheUplinkConverges) {
  const models::Prediction p = alone(heavy_vm(), kUplinkMbps);
  ASSERT_TRUE(p.converged);
  EXPECT_GT(p.total_time_ms, wire_bytes(256) / bytes_per_s(kUplinkMbps) * 1000.0);  // 5.38 s
  EXPECT_LT(p.total_time_ms, 6600.0);
  // Through the flows, alone on its route: the same migration, step by step.
  MigrationFlows flows = network_flows();
  const Outcome o = drive(flows, {{0.0, k0to2, heavy_vm()}});
  ASSERT_EQ(o.finished.size(), 1u);
  EXPECT_TRUE(o.finished[0].timing.converged);
  expect_rel(o.finished[0].timing.duration_s, p.total_time_ms / 1000.0, 1e-9);
  expect_rel(o.finished[0].end_s, p.total_time_ms / 1000.0, 1e-9);
  EXPECT_EQ(flows.milestones(), 1);  // the end (QEMU unlimited: the pause changes nothing)
  EXPECT_EQ(flows.rate_changes(), 0);
}

TEST(MigrationFlows, HeavyVmAtHalfTheUplinkNeverConverges) {
  const models::Prediction p = alone(heavy_vm(), kUplinkMbps / 2.0);
  EXPECT_FALSE(p.converged);
  EXPECT_GE(p.total_time_ms, 60000.0);
}

TEST(MigrationFlows, TwoHeavyVmsStartedTogetherOnOneUplinkNeitherConverges) {
  MigrationFlows flows = network_flows();
  EXPECT_EQ(flows.rates_if_started({k0to2, k1to2}), (std::vector<double>{200.0, 200.0}));
  const Outcome o = drive(flows, {{0.0, k0to2, heavy_vm()}, {0.0, k1to2, heavy_vm()}});
  ASSERT_EQ(o.by_id.size(), 2u);
  for (const auto& [id, f] : o.by_id) {
    EXPECT_FALSE(f.timing.converged) << "migration " << id;
    EXPECT_GE(f.end_s, 60.0) << "cancelled at the horizon, not before";
    EXPECT_LT(f.end_s, 60.2);
  }
}

TEST(MigrationFlows, SecondHeavyVmMidwayOnTheSameUplinkTipsTheFirst) {
  // The first is 3 s into its first pass (of 5.38 s) when the second starts:
  // from then on both have 200 Mbit/s, at which neither converges. The first is
  // cancelled at its horizon (60 s); the second then has the whole uplink for
  // the 3 s left before its own horizon (63 s): its 8192-page dirty set drains
  // in 8192 / 12183 = 0.67 s a round and shrinks by 0.57 a round, so it
  // converges well before 63 s.
  MigrationFlows flows = network_flows();
  const Outcome o = drive(flows, {{0.0, k0to2, heavy_vm()}, {3.0, k1to2, heavy_vm()}});
  ASSERT_EQ(o.by_id.size(), 2u);
  const auto& first = o.by_id.at(0);
  const auto& second = o.by_id.at(1);
  EXPECT_FALSE(first.timing.converged);
  EXPECT_GE(first.end_s, 60.0);
  EXPECT_LT(first.end_s, 60.2);
  EXPECT_TRUE(second.timing.converged);
  EXPECT_GT(second.end_s, first.end_s);
  EXPECT_LT(second.end_s, 63.0);
}

TEST(MigrationFlows, SecondHeavyVmOverTheOtherUplinkLeavesTheFirstAsAlone) {
  const models::Prediction p = alone(heavy_vm(), kUplinkMbps);
  MigrationFlows flows = network_flows();
  EXPECT_EQ(flows.rates_if_started({k0to2, k1to3}), (std::vector<double>{400.0, 400.0}));
  const Outcome o = drive(flows, {{0.0, k0to2, heavy_vm()}, {3.0, k1to3, heavy_vm()}});
  ASSERT_EQ(o.by_id.size(), 2u);
  const auto& first = o.by_id.at(0);
  const auto& second = o.by_id.at(1);
  EXPECT_TRUE(first.timing.converged);
  expect_rel(first.end_s, p.total_time_ms / 1000.0, 1e-9);
  expect_rel(first.timing.duration_s, p.total_time_ms / 1000.0, 1e-9);
  EXPECT_TRUE(second.timing.converged);
  expect_rel(second.end_s, 3.0 + p.total_time_ms / 1000.0, 1e-9);
  EXPECT_EQ(flows.rate_changes(), 0);
}

TEST(MigrationFlows, FirstGetsTheWholeUplinkBackWhenTheSecondEnds) {
  // Idle guests: a migration is its bytes. The first (256 MiB) runs alone at
  // 400 Mbit/s for 1 s, shares the uplink (200 each) while the second (32 MiB)
  // sends its bytes, then has 400 again. The second ends at
  // 1 + B2 / 25e6 B/s; the uplink is busy all along, so the first ends when
  // both migrations' bytes have crossed it: (B1 + B2) / 50e6 B/s.
  const double b1 = wire_bytes(256), b2 = wire_bytes(32);
  const double second_end = 1.0 + b2 / bytes_per_s(200.0);
  const double first_end = (b1 + b2) / bytes_per_s(400.0);
  MigrationFlows flows = network_flows();
  double forecast_after_second = 0.0;
  const Outcome o = drive(flows, {{0.0, k0to2, idle_vm(256)}, {1.0, k1to2, idle_vm(32)}},
                          [&](double, const std::vector<MigrationFlows::Finished>& done) {
                            if (done.size() == 1 && done[0].id == 1) {
                              forecast_after_second = flows.forecast(0).duration_s;
                            }
                          });
  ASSERT_EQ(o.by_id.size(), 2u);
  EXPECT_NEAR(o.by_id.at(1).end_s, second_end, kTolS);
  EXPECT_NEAR(o.by_id.at(0).end_s, first_end, kTolS);
  EXPECT_NEAR(forecast_after_second, first_end, kTolS);
  EXPECT_TRUE(o.by_id.at(0).timing.converged);
  // 400 -> 200 when the second starts, 200 -> 400 when it ends (the second
  // starts at 200 and its pause changes nothing: it could use anything already).
  EXPECT_EQ(flows.rate_changes(), 2);
}

TEST(MigrationFlows, WithoutRerateTheFirstKeepsItsStartRate) {
  // rerate=false: the first keeps 400 Mbit/s when the second starts (at its
  // fair share then, 200): the first ends as if alone.
  const models::Prediction p = alone(idle_vm(256), kUplinkMbps);
  EXPECT_NEAR(p.total_time_ms / 1000.0, wire_bytes(256) / bytes_per_s(400.0), kTolS);
  MigrationFlows flows = network_flows(false);
  const Outcome o = drive(flows, {{0.0, k0to2, idle_vm(256)}, {1.0, k1to2, idle_vm(32)}});
  ASSERT_EQ(o.by_id.size(), 2u);
  expect_rel(o.by_id.at(0).end_s, p.total_time_ms / 1000.0, 1e-9);
  EXPECT_NEAR(o.by_id.at(1).end_s, 1.0 + wire_bytes(32) / bytes_per_s(200.0), kTolS);
  EXPECT_EQ(flows.rate_changes(), 0);
}

TEST(MigrationFlows, CappedMigrationLeavesTheRestOfTheUplinkToTheOther) {
  // The first is limited by QEMU's max-bandwidth to 10 MiB/s = 83.886 Mbit/s,
  // below its fair share (200): the second gets the other 316.114 Mbit/s of
  // the uplink. The capped one (256 MiB at 10 MiB/s: ~25.7 s) outlasts the
  // second, which therefore ends at B2 / (316.114 Mbit/s).
  models::MigrationScenario capped = idle_vm(256);
  capped.qemu.max_bandwidth_mibps = 10.0;
  const double cap_mbps = 10.0 * 1048576.0 * 8.0 / 1e6;
  const double second_end = wire_bytes(128) / bytes_per_s(kUplinkMbps - cap_mbps);  // 3.40 s
  MigrationFlows flows = network_flows();
  const Outcome o = drive(flows, {{0.0, k0to2, capped}, {0.0, k1to2, idle_vm(128)}});
  ASSERT_EQ(o.by_id.size(), 2u);
  EXPECT_NEAR(o.by_id.at(1).end_s, second_end, kTolS);
  // The capped one sends at 10 MiB/s whatever it is given.
  EXPECT_NEAR(o.by_id.at(0).end_s, wire_bytes(256) / (10.0 * 1048576.0), 0.2);
  EXPECT_TRUE(o.by_id.at(0).timing.converged);
}

TEST(MigrationFlows, NicSplitSharesTheSourceNicEqually) {
  // No network: two migrations out of host 0 get 500 Mbit/s each. The smaller
  // (128 MiB) ends at B_small / 62.5e6 B/s; then the other has the whole NIC,
  // which was busy all along: it ends at (B_small + B_large) / 125e6 B/s.
  MigrationFlows flows(Sharing::NicSplit, {kNicMbps, kNicMbps, kNicMbps}, nullptr, true);
  EXPECT_EQ(flows.rates_if_started({{0, 1}, {0, 2}}), (std::vector<double>{500.0, 500.0}));
  const Outcome o = drive(flows, {{0.0, {0, 1}, idle_vm(256)}, {0.0, {0, 2}, idle_vm(128)}});
  ASSERT_EQ(o.by_id.size(), 2u);
  EXPECT_NEAR(o.by_id.at(1).end_s, wire_bytes(128) / bytes_per_s(500.0), kTolS);
  EXPECT_NEAR(o.by_id.at(0).end_s, (wire_bytes(256) + wire_bytes(128)) / bytes_per_s(1000.0), kTolS);
}

TEST(MigrationFlows, SameInputsGiveIdenticalResults) {
  auto once = [] {
    MigrationFlows flows = network_flows();
    return drive(flows, {{0.0, k0to2, heavy_vm()}, {2.5, k1to2, heavy_vm()}, {4.0, k1to3, idle_vm(64)}});
  };
  const Outcome a = once(), b = once();
  ASSERT_EQ(a.finished.size(), 3u);
  ASSERT_EQ(a.finished.size(), b.finished.size());
  for (std::size_t i = 0; i < a.finished.size(); ++i) {
    EXPECT_EQ(a.finished[i].id, b.finished[i].id);
    EXPECT_EQ(a.finished[i].end_s, b.finished[i].end_s);
    EXPECT_EQ(a.finished[i].timing.duration_s, b.finished[i].timing.duration_s);
    EXPECT_EQ(a.finished[i].timing.transferred_bytes, b.finished[i].timing.transferred_bytes);
    EXPECT_EQ(a.finished[i].timing.converged, b.finished[i].timing.converged);
  }
}

TEST(MigrationFlows, TiesFinishInStartOrder) {
  // Three identical idle migrations on routes of the same speed (400 Mbit/s
  // over each uplink), started at t = 0 in the order 1->3, 0->2, 1->2: the
  // last two share uplink a-b (200 each); 1->3 has a-c alone (400) and ends
  // first. Then the two on a-b end at the same instant, in start order.
  MigrationFlows flows = network_flows();
  std::vector<std::vector<long long>> batches;
  const Outcome o = drive(flows, {{0.0, k1to3, idle_vm(64)}, {0.0, k0to2, idle_vm(64)}, {0.0, k1to2, idle_vm(64)}},
                          [&](double, const std::vector<MigrationFlows::Finished>& done) {
                            std::vector<long long> ids;
                            for (const auto& f : done) ids.push_back(f.id);
                            if (!ids.empty()) batches.push_back(ids);
                          });
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0], (std::vector<long long>{0}));
  EXPECT_EQ(batches[1], (std::vector<long long>{1, 2}));
  EXPECT_NEAR(o.by_id.at(0).end_s, wire_bytes(64) / bytes_per_s(400.0), kTolS);
  // Uplink a-b busy all along: both end when 2 x B crossed it at 400 Mbit/s.
  EXPECT_NEAR(o.by_id.at(1).end_s, 2.0 * wire_bytes(64) / bytes_per_s(400.0), kTolS);
}

TEST(MigrationFlows, MigrationEndingDuringAReRateIsStillReturned) {
  // Two identical idle guests (64 MiB) share uplink
  // a-b, 200 Mbit/s each; their copies end at the same instant c. The second's
  // completion overhead is 3 ms, the first's 5 ms: the second ends at c + 3 ms,
  // the first is re-rated then (200 -> 400) and advance_to(c + 3 ms) completes
  // it if the overhead carries past t; step() would not return it, and with no
  // milestone left next_event_s() is +inf: it would never be returned.
  models::MigrationScenario a = idle_vm(64), b = idle_vm(64);
  a.host.downtime_overhead_ms = 5.0;
  b.host.downtime_overhead_ms = 3.0;
  MigrationFlows flows = network_flows();
  const Outcome o = drive(flows, {{0.0, k0to2, a}, {0.0, k1to2, b}});
  EXPECT_EQ(flows.in_flight(), 0u);
  ASSERT_EQ(o.by_id.size(), 2u);
  const double copy_end = 2.0 * wire_bytes(64) / bytes_per_s(kUplinkMbps);  // both copies at 200
  EXPECT_NEAR(o.by_id.at(1).end_s, copy_end + 0.003, kTolS);
  EXPECT_NEAR(o.by_id.at(0).end_s - o.by_id.at(1).end_s, 0.002, 1e-9);
  EXPECT_NEAR(o.by_id.at(0).end_s, o.by_id.at(0).timing.duration_s, 1e-9);
}

// Admission's what-if: migrations about to start ask for no more than their cap.
// 0->2 capped at 80 Mbit/s and 1->2 uncapped share uplink a-b (400): the capped
// one gets its 80 (its burst rate: what the uplink leaves it, 80 too), the other
// the 320 left, not the equal split of 200 each.
TEST(MigrationFlows, RatesIfStartedCountTheCapsOfTheStartingOnes) {
  const MigrationFlows flows = network_flows();
  const auto r = flows.rates_if_started({{0, 2, 80.0}, {1, 2}});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NEAR(r[0], 80.0, 1e-9);
  EXPECT_NEAR(r[1], 320.0, 1e-9);
  const auto uncapped = flows.rates_if_started({{0, 2}, {1, 2}});
  EXPECT_NEAR(uncapped[0], 200.0, 1e-9);
  EXPECT_NEAR(uncapped[1], 200.0, 1e-9);
}
