#include <gtest/gtest.h>

#include "models/migration_timer.hpp"
#include "policies/admission_control.hpp"
#include "policies/rule_policy.hpp"
#include "policy_fixtures.hpp"
#include "sim/input_error.hpp"

using namespace migsim;
using namespace migsim::policies;
using migsim::policies::fixtures::make;
using migsim::policies::fixtures::vm;

namespace {
nlohmann::json rules(const std::string& when, int n = 1) {
  return nlohmann::json{{"type", "rules"}, {"rules", {{{"when", when}, {"for_samples", n}}}}};
}
}  // namespace

TEST(HostCondition, ParsesAndEvaluatesCpuAndMem) {
  // Host 0: requested 1600 of 2000 MIPS (0.8), RAM 6000 of 8192 MiB (0.73).
  auto p = make(2, {vm(1000, 3000), vm(1000, 3000)}, {0, 0}, {1.0, 0.6});
  EXPECT_FALSE(HostCondition::parse("cpu > 0.8", "t").holds(p, 0));
  EXPECT_TRUE(HostCondition::parse("cpu >= 0.8", "t").holds(p, 0));
  EXPECT_TRUE(HostCondition::parse("cpu > 0.6 and mem > 0.7", "t").holds(p, 0));
  EXPECT_FALSE(HostCondition::parse("cpu > 0.6 and mem > 0.75", "t").holds(p, 0));
  EXPECT_TRUE(HostCondition::parse("cpu > 0.9 or mem > 0.7", "t").holds(p, 0));
  EXPECT_FALSE(HostCondition::parse("cpu > 0.1", "t").holds(p, 1));  // empty host never matches
  for (const char* bad : {"", "cpu", "cpu > x", "disk > 1", "cpu ! 1", "cpu > 1 but mem > 1"}) {
    EXPECT_THROW(HostCondition::parse(bad, "policy.rules[0].when"), InputError) << bad;
  }
  try {
    HostCondition::parse("cpu >> 0.8", "f.json: policy.rules[0].when");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("f.json: policy.rules[0].when"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(">>"), std::string::npos);
  }
}

TEST(RulePolicy, MigratesOnlyAfterTheConditionHeldForNSamples) {
  auto p = make(3, {vm(1000, 512), vm(1000, 512), vm(500, 512)}, {0, 0, 1}, {1.0, 0.9, 0.5});
  auto pol = make_rule_policy(rules("cpu > 0.8", 2), "t", 3, 3, 1, nullptr);
  EXPECT_TRUE(pol->optimize(p, 300).empty());  // first sample
  const auto o = pol->optimize(p, 600);         // second sample in a row
  ASSERT_EQ(o.size(), 1u);
  EXPECT_NE(o[0].target_host, 0);
  // The streak resets when the condition stops holding.
  auto q = make(3, {vm(1000, 512), vm(1000, 512), vm(500, 512)}, {0, 0, 1}, {1.0, 0.9, 0.5});
  auto pol2 = make_rule_policy(rules("cpu > 0.8", 2), "t", 3, 3, 1, nullptr);
  pol2->optimize(q, 300);
  q.set_requested_mips(1, 100);
  EXPECT_TRUE(pol2->optimize(q, 600).empty());
  q.set_requested_mips(1, 900);
  EXPECT_TRUE(pol2->optimize(q, 900).empty());
}

TEST(RulePolicy, TargetsAreHostsWhereTheRuleWouldNotHold) {
  // Host 1 at 0.7 would exceed 0.8 with VM 1 (0.45 of 2000); host 2 is empty.
  auto p = make(3, {vm(1000, 512), vm(1000, 512), vm(1400, 512)}, {0, 0, 1}, {1.0, 0.9, 1.0});
  auto pol = make_rule_policy(rules("cpu > 0.8"), "t", 3, 3, 1, nullptr);
  const auto o = pol->optimize(p, 300);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].target_host, 2);
}

TEST(AdmissionControl, EnforcesConcurrencyCooldownAndDowntimeBudget) {
  auto p = make(4, {vm(500, 512), vm(500, 512), vm(500, 512), vm(500, 8000)}, {0, 0, 1, 1},
                {0.5, 0.5, 0.5, 0.5});
  AdmissionLimits lim;
  lim.max_per_host = 1;
  AdmissionControl ac(lim, 4, nullptr);
  // Two moves off host 0: only the first passes the per-host limit.
  auto ok = ac.admit(p, {{0, 2}, {1, 3}, {2, 3}}, 300);
  ASSERT_EQ(ok.size(), 2u);
  EXPECT_EQ(ok[0].vm, 0);
  EXPECT_EQ(ok[1].vm, 2);
  EXPECT_EQ(ac.stats().refused_host_limit, 1);

  AdmissionLimits total;
  total.max_total = 1;
  AdmissionControl ac2(total, 4, nullptr);
  EXPECT_EQ(ac2.admit(p, {{0, 2}, {2, 3}}, 300).size(), 1u);
  // In-flight migrations count: VM 0 migrating to host 2 blocks everything.
  p.add_migrating_in(2, 0);
  EXPECT_TRUE(ac2.admit(p, {{2, 3}}, 600).empty());

  AdmissionLimits cool;
  cool.vm_cooldown_s = 1000;
  AdmissionControl ac3(cool, 4, nullptr);
  ac3.migration_ended(1, 500);
  EXPECT_TRUE(ac3.admit(p, {{1, 3}}, 1200).empty());
  EXPECT_EQ(ac3.admit(p, {{1, 3}}, 1600).size(), 1u);

  // Downtime budget with the pre-copy model: an idle 512 MiB VM converges with a
  // tiny downtime; an 8000 MiB VM writing 200k pages/s over 4 GiB does not.
  models::PrecopyMigrationTimer timer;
  AdmissionLimits budget;
  budget.max_downtime_ms = 500;
  AdmissionControl ac4(budget, 4, &timer);
  EXPECT_EQ(ac4.admit(p, {{1, 3}}, 300).size(), 1u);
  std::vector<sim::HostSpec> hs(2, fixtures::host2000(16384));
  sim::VmSpec hot = vm(500, 8000);
  hot.dirty_pages_per_sec_at_full_cpu = 400000;
  hot.wss_mib = 4096;
  sim::Placement q(hs, {hot}, sim::Placement::Rules{false});
  q.set_requested_mips(0, 500);
  q.set_utilization_now(0, 1.0);
  q.create(0, 0);
  EXPECT_TRUE(ac4.admit(q, {{0, 1}}, 300).empty());
  EXPECT_EQ(ac4.stats().refused_downtime, 1);
}

TEST(RulePolicy, JsonErrorsNameTheField) {
  auto expect_error = [](const nlohmann::json& j, const std::string& needle) {
    try {
      make_rule_policy(j, "s.json: policy", 2, 2, 1, nullptr);
      FAIL() << j.dump();
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error({{"type", "rules"}, {"rules", nlohmann::json::array()}}, "s.json: policy.rules");
  expect_error({{"type", "rules"}, {"rules", {{{"when", "cpu > 0.8"}, {"for_samples", 0}}}}},
               "for_samples");
  expect_error({{"type", "rules"}, {"rules", {{{"when", "cpu > 0.8"}}}}, {"bogus", 1}}, "bogus");
  expect_error({{"type", "rules"}, {"rules", {{{"when", "cpu > 0.8"}}}}, {"selection", "xyz"}},
               "selection");
  expect_error({{"type", "rules"},
                {"rules", {{{"when", "cpu > 0.8"}}}},
                {"admission", {{"max_downtime_ms", "fast"}}}},
               "max_downtime_ms");
}

TEST(RulePolicy, AdmittedPlanningDoesNotSpendATargetOnARefusedMove) {
  // Hosts 0 and 1 are underloaded (0.1, 0.15), host 2 is not (0.6), host 3 is
  // off. VM 0 on host 0 has just migrated (cooldown).
  auto make_cluster = [] {
    return make(4, {vm(1000, 512), vm(1000, 512), vm(2000, 512)}, {0, 1, 2}, {0.2, 0.3, 0.6});
  };
  auto policy_json = [](const char* planning) {
    nlohmann::json j = rules("cpu > 0.8");
    j["underload"] = {{"when", "cpu < 0.5"}, {"for_samples", 1}};
    j["admission"] = {{"vm_cooldown_s", 1800}};
    j["planning"] = planning;
    return j;
  };
  // Planning everything: host 0 goes first, its VM is planned onto host 1 (the
  // only other underloaded host, so host 1 is no longer emptied), and then
  // refused for its cooldown: nothing moves.
  auto p = make_cluster();
  auto all = make_rule_policy(policy_json("all"), "t", 4, 3, 1, nullptr);
  all->on_migration_end(0, 290);
  EXPECT_TRUE(all->optimize(p, 300).empty());
  // Planning what admission starts: host 0 cannot be emptied, so host 1's VM
  // goes to host 2 (not underloaded, but not overloaded either).
  auto q = make_cluster();
  auto admitted = make_rule_policy(policy_json("admitted"), "t", 4, 3, 1, nullptr);
  admitted->on_migration_end(0, 290);
  const auto o = admitted->optimize(q, 300);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].vm, 1);
  EXPECT_EQ(o[0].target_host, 2);
  EXPECT_EQ(o[0].source_host, -1);  // as the engine takes it: the VM is back on its source
}

TEST(RulePolicy, PlanningMustBeAllOrAdmitted) {
  nlohmann::json j = rules("cpu > 0.8");
  j["planning"] = "some";
  try {
    make_rule_policy(j, "s.json: policy", 2, 2, 1, nullptr);
    FAIL() << "accepted planning 'some'";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("planning"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("some"), std::string::npos) << e.what();
  }
}
