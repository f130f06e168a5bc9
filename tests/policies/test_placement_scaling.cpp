// The placement search's cost and exactness: PABFD visits the busy hosts plus
// one idle host per kind, whatever the number of idle hosts, and picks exactly
// the host CloudSim's scan of every host in index order picks; the underload
// planner's memory of failures changes nothing while load only grows; the
// flat free-RAM test agrees with CloudSim's where a VM holds its own memory.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <cstdio>
#include <random>

#include "policies/overload_detector.hpp"
#include "policies/power_aware_placement.hpp"
#include "policies/underload_consolidation.hpp"
#include "policy_fixtures.hpp"

using namespace migsim;
using namespace migsim::policies;
using migsim::policies::fixtures::vm;

namespace {

std::shared_ptr<const sim::PowerCurve> curve(int which) {
  // Piecewise linear with flat pieces (ties that only rounding decides).
  static const auto g4 = std::make_shared<const models::PowerTable>(
      "g4", std::vector<double>{86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117});
  static const auto g5 = std::make_shared<const models::PowerTable>(
      "g5", std::vector<double>{93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135});
  return which == 0 ? g4 : g5;
}

// The search as CloudSim 3.0.3 writes it: every host in index order, the
// filters first, a later host winning only with a strictly lower increase,
// idle hosts of a kind after the first one skipped.
int reference_find_host(const sim::Placement& p, int vm, const std::vector<char>& excluded,
                        const OverloadDetector& detector) {
  double min_power = std::numeric_limits<double>::max();
  int best = -1;
  std::vector<int> seen;
  for (int h = 0; h < p.host_count(); ++h) {
    if (excluded[h]) continue;
    const bool empty = p.vms_on(h).empty() && p.utilization_mips(h) == 0 &&
                       p.cpu(h).available() == p.host(h).total_mips() && p.migrating_in(h).empty();
    if (empty) {
      bool dup = false;
      for (int s : seen) dup = dup || sim::same_kind(p.host(s), p.host(h));
      if (dup) continue;
      seen.push_back(h);
    }
    if (!p.suitable(h, vm)) continue;
    const double allocated = p.allocated_mips_for_policy(h);
    if (allocated != 0 && detector.overloaded_with(p, h, vm)) continue;
    const double after = (allocated + p.requested_mips(vm)) / p.host(h).total_mips();
    if (after < 0 || after > 1) continue;
    const double diff = p.host(h).power->watts(after) - p.power_now(h);
    if (diff < min_power) {
      min_power = diff;
      best = h;
    }
  }
  return best;
}

// `busy` hosts carrying random VMs, then `idle` empty hosts; kinds alternate.
sim::Placement random_cluster(int busy, int idle, std::mt19937& rng, int extra_vms) {
  std::vector<sim::HostSpec> hs;
  for (int h = 0; h < busy + idle; ++h) {
    sim::HostSpec s = fixtures::host2000(4096);
    s.pe_mips = h % 2 ? 1330 : 930;
    s.power = curve(h % 2);
    hs.push_back(s);
  }
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double sizes[] = {500, 1000, 2000, 2500};
  const double rams[] = {613, 870, 1740};
  std::vector<sim::VmSpec> vms;
  std::vector<int> where;
  for (int h = 0; h < busy; ++h) {
    for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k) {
      vms.push_back(vm(sizes[rng() % 4], rams[rng() % 3]));
      where.push_back(h);
    }
  }
  for (int i = 0; i < extra_vms; ++i) {
    vms.push_back(vm(sizes[rng() % 4], rams[rng() % 3]));
    where.push_back(-1);
  }
  sim::Placement p(hs, vms, sim::Placement::Rules{false});
  for (std::size_t i = 0; i < vms.size(); ++i) {
    const int v = static_cast<int>(i);
    // Utilisations on a 1 % grid, as PlanetLab's: many hosts end up in the same
    // linear piece of their power curve.
    const double util = std::floor(u(rng) * 60) / 100.0;
    p.set_requested_mips(v, util * vms[i].mips);
    p.set_utilization_now(v, util);
    if (where[i] >= 0) p.create(where[i], v);
  }
  for (int h = 0; h < p.host_count(); ++h) {
    double m = 0;
    for (int v : p.vms_on(h)) m += p.cpu(h).allocated(v);
    p.set_utilization_mips(h, m);
  }
  return p;
}

}  // namespace

TEST(PabfdSearch, PicksWhatTheScanOfEveryHostPicks) {
  std::mt19937 rng(7);
  auto thr = make_thr_detector(0.8);
  const PowerAwareBestFit pabfd(*thr);
  int found = 0;
  for (int trial = 0; trial < 40; ++trial) {
    sim::Placement p = random_cluster(60, 20, rng, 10);
    std::vector<char> excluded(static_cast<std::size_t>(p.host_count()), 0);
    for (int h = 0; h < p.host_count(); ++h) excluded[h] = rng() % 5 == 0 ? 1 : 0;
    for (int v = p.vm_count() - 10; v < p.vm_count(); ++v) {
      const int expect = reference_find_host(p, v, excluded, *thr);
      ASSERT_EQ(pabfd.find_host(p, v, excluded), expect) << "trial " << trial << " vm " << v;
      if (expect >= 0) {
        ++found;
        p.create(expect, v);  // later searches see the host fuller
      }
    }
  }
  EXPECT_GT(found, 100);  // the comparison was not vacuous
}

TEST(PabfdSearch, PicksWhatTheScanPicksForVmsThatHoldMemorySomewhere) {
  // A VM already placed, or migrating in, holds RAM on those hosts; there the
  // RAM test gives its own allocation back first, as CloudSim's does, so the
  // flat free-RAM check must not pass over such a host.
  std::mt19937 rng(13);
  auto thr = make_thr_detector(0.9);
  const PowerAwareBestFit pabfd(*thr);
  int own_host_chosen = 0, compared = 0;
  for (int trial = 0; trial < 40; ++trial) {
    sim::Placement p = random_cluster(40, 4, rng, 0);
    for (int v = 0; v + 7 < p.vm_count(); v += 7) {
      const int source = p.host_of(v);
      if (source < 0) continue;
      const int target = static_cast<int>(rng() % static_cast<unsigned>(p.host_count()));
      if (target != source && rng() % 2 == 0) p.add_migrating_in(target, v);
    }
    std::vector<char> none(static_cast<std::size_t>(p.host_count()), 0);
    for (int v = 0; v < p.vm_count(); ++v) {
      const int expect = reference_find_host(p, v, none, *thr);
      ASSERT_EQ(pabfd.find_host(p, v, none), expect) << "trial " << trial << " vm " << v;
      ++compared;
      if (expect >= 0 && (expect == p.host_of(v) || p.is_migrating_in(expect, v))) ++own_host_chosen;
    }
  }
  EXPECT_GT(compared, 1000);
  EXPECT_GT(own_host_chosen, 20);  // hosts that fit only with the VM's own RAM given back were chosen
}

TEST(PlacementRam, AHostFullOfAVmsOwnMemoryStillTakesThatVm) {
  // Host 0: 4,096 MiB, two VMs of 2,048 MiB: full for anyone but them.
  sim::Placement q(std::vector<sim::HostSpec>(2, fixtures::host2000(4096)),
                   {vm(500, 2048), vm(500, 2048), vm(500, 1000)}, sim::Placement::Rules{false});
  ASSERT_TRUE(q.create(0, 0));
  ASSERT_TRUE(q.create(0, 1));
  EXPECT_TRUE(q.ram_bw_suitable(0, 0));
  EXPECT_TRUE(q.ram_bw_suitable(0, 1));
  EXPECT_FALSE(q.ram_bw_suitable(0, 2));
  EXPECT_TRUE(q.ram_bw_suitable(1, 2));
  // VM 0 migrating in to host 1 holds memory there too; VM 2 then does not fit
  // on host 1 beside it, VM 0 does.
  q.add_migrating_in(1, 0);
  ASSERT_TRUE(q.create(1, 2));
  EXPECT_TRUE(q.ram_bw_suitable(1, 0));
  EXPECT_FALSE(q.ram_bw_suitable(1, 1));
  q.remove_migrating_in(1, 0);
  EXPECT_TRUE(q.ram_bw_suitable(1, 1));
  q.destroy(0, 0);
  EXPECT_TRUE(q.ram_bw_suitable(0, 2));
  q.destroy_all(0);
  q.destroy_all(1);
  EXPECT_TRUE(q.ram_bw_suitable(0, 0) && q.ram_bw_suitable(1, 0));
  // An entry cleared by destroy_all no longer gives memory back.
  ASSERT_TRUE(q.create(0, 1));
  ASSERT_TRUE(q.create(0, 2));
  EXPECT_FALSE(q.ram_bw_suitable(0, 0));
}

namespace {
// Whether VM v's RAM and bandwidth fit on host h, counted from scratch: the
// host's amounts minus what every other VM on it or arriving holds (v's own
// memory is given back first).
bool fits_counted_from_vms(const sim::Placement& p, int h, int v) {
  std::vector<int> holders(p.vms_on(h).begin(), p.vms_on(h).end());
  for (int u : p.migrating_in(h)) {
    if (std::find(holders.begin(), holders.end(), u) == holders.end()) holders.push_back(u);
  }
  double ram_free = p.host(h).ram_mib, bw_free = p.host(h).bw_mbps;
  for (int u : holders) {
    if (u == v) continue;
    ram_free -= p.vm(u).ram_mib;
    bw_free -= p.vm(u).bw_mbps;
  }
  return ram_free >= p.vm(v).ram_mib && bw_free >= p.vm(v).bw_mbps;
}
}  // namespace

TEST(PlacementRam, TheRequestReadOnceAnswersAsTheHostsMemoryCountedFromItsVms) {
  // memory_request(v) is what find_host asks every host with: its answer must
  // be the one counted from scratch, also where v holds memory (placed,
  // arriving). A VM is only sent where it fits (CloudSim's addMigratingInVm
  // keeps an arrival that did not get memory, which holds none).
  std::mt19937 rng(29);
  int held = 0, fits = 0, compared = 0;
  for (int trial = 0; trial < 20; ++trial) {
    sim::Placement p = random_cluster(30, 4, rng, 0);
    for (int v = 0; v + 5 < p.vm_count(); v += 5) {
      const int target = static_cast<int>(rng() % static_cast<unsigned>(p.host_count()));
      if (p.host_of(v) >= 0 && target != p.host_of(v) && fits_counted_from_vms(p, target, v)) {
        p.add_migrating_in(target, v);
      }
    }
    for (int v = 0; v < p.vm_count(); ++v) {
      const sim::Placement::MemoryRequest r = p.memory_request(v);
      if (!r.held_on.empty()) ++held;
      for (int h = 0; h < p.host_count(); ++h) {
        const bool expect = fits_counted_from_vms(p, h, v);
        ASSERT_EQ(p.ram_bw_suitable(h, r), expect) << "trial " << trial << " vm " << v << " host " << h;
        ASSERT_EQ(p.ram_bw_suitable(h, v), expect) << "trial " << trial << " vm " << v << " host " << h;
        fits += expect ? 1 : 0;
        ++compared;
      }
    }
  }
  EXPECT_GT(held, 100);
  EXPECT_GT(fits, 0);
  EXPECT_LT(fits, compared);  // both answers occurred
}

TEST(PabfdSearch, IdleHostsCostOneEvaluationPerKind) {
  // 30 busy hosts and 10 or 1,000 idle ones: the same number of hosts looked at.
  std::vector<long long> evaluations;
  for (int idle : {10, 1000}) {
    std::mt19937 rng(3);
    sim::Placement p = random_cluster(30, idle, rng, 1);
    auto thr = make_thr_detector(0.8);
    const PowerAwareBestFit pabfd(*thr);
    std::vector<char> none(static_cast<std::size_t>(p.host_count()), 0);
    pabfd.find_host(p, p.vm_count() - 1, none);
    evaluations.push_back(pabfd.evaluations());
  }
  EXPECT_EQ(evaluations[0], 30 + 2);
  EXPECT_EQ(evaluations[1], evaluations[0]);
}

TEST(UnderloadPlanner, RememberingFailuresChangesNothingWhileLoadOnlyGrows) {
  std::mt19937 rng(11);
  auto thr = make_thr_detector(0.5);
  int orders_seen = 0;
  long long with_memory = 0, without = 0;
  for (int trial = 0; trial < 30; ++trial) {
    sim::Placement base = random_cluster(80, 0, rng, 0);
    std::vector<std::vector<sim::MigrationOrder>> runs;
    for (bool remember : {false, true}) {
      sim::Placement p = base;
      const PowerAwareBestFit pabfd(*thr);
      UnderloadPlan plan;
      std::vector<sim::MigrationOrder> out;
      plan.emit = [&](const sim::MigrationOrder& o) {
        out.push_back(o);
        return true;
      };
      plan.remember_failures = remember;
      UnderloadPlanner(p, pabfd).run(plan);
      (remember ? with_memory : without) += pabfd.evaluations();
      runs.push_back(out);
    }
    ASSERT_EQ(runs[0].size(), runs[1].size()) << "trial " << trial;
    for (std::size_t i = 0; i < runs[0].size(); ++i) {
      EXPECT_EQ(runs[0][i].vm, runs[1][i].vm);
      EXPECT_EQ(runs[0][i].target_host, runs[1][i].target_host);
    }
    orders_seen += static_cast<int>(runs[0].size());
  }
  EXPECT_GT(orders_seen, 0) << with_memory << " " << without;
  EXPECT_LT(with_memory, without);  // the memory was used
}

TEST(UnderloadPlanner, TriesAtMostMaxAttemptsHosts) {
  std::mt19937 rng(5);
  sim::Placement p = random_cluster(40, 0, rng, 0);
  auto thr = make_thr_detector(0.9);
  const PowerAwareBestFit pabfd(*thr);
  std::vector<int> sources;
  UnderloadPlan plan;
  plan.emit = [&](const sim::MigrationOrder& o) {
    if (sources.empty() || sources.back() != o.source_host) sources.push_back(o.source_host);
    return true;
  };
  plan.max_attempts = 2;
  UnderloadPlanner(p, pabfd).run(plan);
  EXPECT_GE(sources.size(), 1u);
  EXPECT_LE(sources.size(), 2u);
  sources.clear();
  plan.max_attempts = -1;
  UnderloadPlanner(p, pabfd).run(plan);
  EXPECT_GT(sources.size(), 2u);  // the limit, not the cluster, stopped it
}
