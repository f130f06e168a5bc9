// The policy loader of replay and control (policies/policy_loader.hpp): the
// decision interval and the seed reach named policies and rules files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "policies/policy_factory.hpp"
#include "policies/policy_loader.hpp"
#include "policies/rule_policy.hpp"
#include "policy_fixtures.hpp"

using namespace migsim;
using namespace migsim::policies;
using migsim::policies::fixtures::vm;

namespace {

// Host 0 (2000 MIPS) holds `vms`, each requesting `util` x its MIPS and with
// `history` (oldest first); host 1 (8000 MIPS) is empty.
sim::Placement two_hosts(const std::vector<sim::VmSpec>& vms, double util,
                         const std::vector<double>& history) {
  sim::HostSpec big = fixtures::host2000(16384);
  big.pes = 8;
  sim::Placement p({fixtures::host2000(), big}, vms, sim::Placement::Rules{false});
  double on0 = 0;
  for (int v = 0; v < static_cast<int>(vms.size()); ++v) {
    p.set_requested_mips(v, util * vms[static_cast<std::size_t>(v)].mips);
    p.set_utilization_now(v, util);
    for (double u : history) p.push_history(v, u);
    p.create(0, v);
    on0 += p.cpu(0).allocated(v);
  }
  p.set_utilization_mips(0, on0);
  p.set_utilization_mips(1, 0);
  return p;
}

PolicyContext context(double interval_s, std::uint64_t seed, int vms) {
  PolicyContext c;
  c.hosts = 2;
  c.vms = vms;
  c.interval_s = interval_s;
  c.seed = seed;
  return c;
}

}  // namespace

TEST(PolicyLoader, LrExtrapolatesOverTheGivenInterval) {
  // One 2000-MIPS VM of 512 MiB rising 0.05 per sample to 0.5. Its migration
  // takes 512 MiB / 62.5 MiB/s = 8.2 s: over a 1 s interval LR looks
  // ceil(8.2 / 1) = 9 samples ahead (0.95 x 1.2 >= 1: overloaded, the VM moves);
  // over 300 s one sample (0.55 x 1.2 < 1: it stays).
  std::vector<double> rising;
  for (int i = 1; i <= 10; ++i) rising.push_back(0.05 * i);
  auto p = two_hosts({vm(2000, 512)}, 0.5, rising);

  auto per_second = load_policy("lr-mmt", context(1.0, 42, 1));
  const auto orders = per_second->optimize(p, 10);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].vm, 0);
  EXPECT_EQ(orders[0].target_host, 1);

  auto per_300s = load_policy("lr-mmt", context(300.0, 42, 1));
  EXPECT_TRUE(per_300s->optimize(p, 10).empty());
}

TEST(PolicyLoader, TheSeedReachesRandomSelectionInNamedPoliciesAndRulesFiles) {
  // Four VMs of 500 MIPS at 0.9 on host 0 (0.9 > THR 0.8 and > the rule's 0.8):
  // one of them, drawn by RS, moves to host 1.
  const std::vector<sim::VmSpec> vms(4, vm(500, 512));
  const std::vector<double> flat(12, 0.9);
  const auto rules_path = std::filesystem::path(testing::TempDir()) / "loader-rs-rules.json";
  const nlohmann::json rules = {{"type", "rules"},
                                {"rules", {{{"when", "cpu > 0.8"}}}},
                                {"selection", "rs"}};
  std::ofstream(rules_path) << rules.dump();

  auto picked = [&](sim::ConsolidationPolicy& policy) {
    auto p = two_hosts(vms, 0.9, flat);
    const auto orders = policy.optimize(p, 10);
    EXPECT_EQ(orders.size(), 1u);
    return orders.empty() ? -1 : orders[0].vm;
  };
  auto named42 = make_policy("thr-rs", PolicyOptions{std::nullopt, 42, 1.0});
  auto rules42 = make_rule_policy(rules, "rules", 2, 4, 42, nullptr);
  const int pick42 = picked(*named42), rules_pick42 = picked(*rules42);
  int differs = 0, rules_differ = 0;
  // Spread seeds: java.util.Random's first draw barely differs between 1, 2, 3, ...
  for (std::uint64_t k = 1; k <= 20; ++k) {
    const std::uint64_t seed = k * 2654435761ULL;
    auto named = make_policy("thr-rs", PolicyOptions{std::nullopt, seed, 1.0});
    auto loaded = load_policy("thr-rs", context(1.0, seed, 4));
    const int expected = picked(*named);
    EXPECT_EQ(picked(*loaded), expected) << "thr-rs, seed " << seed;

    auto direct_rules = make_rule_policy(rules, "rules", 2, 4, seed, nullptr);
    auto loaded_rules = load_policy(rules_path.string(), context(1.0, seed, 4));
    const int rules_expected = picked(*direct_rules);
    EXPECT_EQ(picked(*loaded_rules), rules_expected) << "rules file, seed " << seed;
    differs += expected != pick42 ? 1 : 0;
    rules_differ += rules_expected != rules_pick42 ? 1 : 0;
  }
  // Otherwise the comparison above could not tell a fixed seed from the given one.
  EXPECT_GT(differs, 0);
  EXPECT_GT(rules_differ, 0);
  std::filesystem::remove(rules_path);
}
