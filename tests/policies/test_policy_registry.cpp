// The policy registry is the one list of names: everything that lists or builds
// policies must agree with it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "policies/policy_factory.hpp"
#include "policies/policy_registry.hpp"
#include "policies/rule_policy.hpp"
#include "policy_fixtures.hpp"
#include "sim/input_error.hpp"
#include "tests/support/input_error_of.hpp"

using namespace migsim;
using namespace migsim::policies;

namespace {
const auto error_of = migsim::testing::input_error_of;

nlohmann::json rules_with(const std::string& key, const nlohmann::json& value) {
  nlohmann::json j{{"type", kRulePolicyName}, {"rules", {{{"when", "cpu > 0.8"}}}}};
  j[key] = value;
  return j;
}
}  // namespace

TEST(PolicyRegistry, EveryEntryBuildsWhatItIsNamed) {
  for (const auto& d : detector_registry()) {
    EXPECT_TRUE(d.parameter_ok(d.default_parameter)) << d.name;
    EXPECT_EQ(d.make(d.default_parameter, 300)->name(), d.name);
    EXPECT_EQ(find_detector(d.name), &d);
  }
  for (const auto& s : selector_registry()) {
    EXPECT_EQ(s.make(42)->name(), s.name);
    EXPECT_EQ(find_selector(s.name), &s);
  }
  for (const auto& p : standalone_policy_registry()) {
    EXPECT_EQ(p.make()->name(), p.name);
    EXPECT_EQ(make_policy(p.name, PolicyOptions{})->name(), p.name);
  }
  EXPECT_EQ(find_detector("nope"), nullptr);
  EXPECT_EQ(find_selector("nope"), nullptr);
  EXPECT_EQ(find_rule_metric("nope"), nullptr);
}

TEST(PolicyRegistry, PolicyNamesAreTheStandalonesThenEveryPair) {
  std::vector<std::string> expected;
  for (const auto& p : standalone_policy_registry()) expected.emplace_back(p.name);
  for (const auto& d : detector_registry()) {
    for (const auto& s : selector_registry()) expected.push_back(std::string(d.name) + "-" + s.name);
  }
  EXPECT_EQ(policy_names(), expected);
  for (const auto& n : policy_names()) EXPECT_EQ(make_policy(n, PolicyOptions{})->name(), n);
}

TEST(PolicyRegistry, UnknownPolicyErrorListsTheRegistry) {
  const std::string e = error_of([] { make_policy("thr-xyz", PolicyOptions{}, "--policy"); });
  EXPECT_NE(e.find("--policy: unknown policy 'thr-xyz'"), std::string::npos) << e;
  EXPECT_NE(e.find("(expected one of " + join_names(policy_names()) + ")"), std::string::npos) << e;
  EXPECT_NE(error_of([] { make_policy("thr", PolicyOptions{}); }).find("unknown policy 'thr'"), std::string::npos);
}

TEST(PolicyRegistry, ParameterRulesAndDefaultsComeFromTheEntry) {
  for (const auto& d : detector_registry()) {
    EXPECT_EQ(default_parameter(d.name), d.default_parameter);
    for (double bad : {-1.0, 1.5}) {
      if (d.parameter_ok(bad)) continue;
      PolicyOptions o;
      o.parameter = bad;
      const std::string e = error_of([&] { make_policy(std::string(d.name) + "-mmt", o); });
      EXPECT_NE(e.find(std::string("--param: ") + d.parameter_rule), std::string::npos) << e;
    }
  }
  EXPECT_THROW(default_parameter("xyz"), InputError);
}

TEST(PolicyRegistry, HelpSummariesNameEveryEntry) {
  const std::string names = policy_names_summary();
  const std::string params = parameter_summary();
  for (const auto& p : standalone_policy_registry()) EXPECT_NE(names.find(p.name), std::string::npos);
  for (const auto& s : selector_registry()) EXPECT_NE(names.find(s.name), std::string::npos);
  for (const auto& d : detector_registry()) {
    std::string label = d.name;
    std::transform(label.begin(), label.end(), label.begin(), ::toupper);
    char v[32];
    std::snprintf(v, sizeof v, "%g", d.default_parameter);
    EXPECT_NE(names.find(d.name), std::string::npos);
    EXPECT_NE(params.find(label), std::string::npos) << params;
    EXPECT_NE(params.find(v), std::string::npos) << params;
    EXPECT_NE(params.find(d.parameter), std::string::npos) << params;
  }
}

TEST(PolicyRegistry, TheRulePolicyAcceptsEverySelectorMetricAndAction) {
  for (const auto& s : selector_registry()) {
    EXPECT_NO_THROW(make_rule_policy(rules_with("selection", s.name), "p", 2, 2, 1, nullptr)) << s.name;
  }
  const std::string e = error_of([] { make_rule_policy(rules_with("selection", "xyz"), "p", 2, 2, 1, nullptr); });
  EXPECT_NE(e.find("expected one of: " + join_names(selector_names())), std::string::npos) << e;
  for (const auto& m : rule_metric_registry()) {
    nlohmann::json j = rules_with("selection", "mmt");
    j["rules"][0]["when"] = std::string(m.name) + " > 0.5";
    EXPECT_NO_THROW(make_rule_policy(j, "p", 2, 2, 1, nullptr)) << m.name;
  }
  for (const auto& a : rule_action_registry()) {
    nlohmann::json j = rules_with("selection", "mmt");
    j["rules"][0]["action"] = a;
    EXPECT_NO_THROW(make_rule_policy(j, "p", 2, 2, 1, nullptr)) << a;
  }
  nlohmann::json bad = rules_with("selection", "mmt");
  bad["rules"][0]["action"] = "pause";
  const std::string a = error_of([&] { make_rule_policy(bad, "s.json: policy", 2, 2, 1, nullptr); });
  EXPECT_NE(a.find("s.json: policy.rules[0].action: unknown value \"pause\" (expected one of: " +
                   join_names(rule_action_names()) + ")"),
            std::string::npos)
      << a;
  const std::string m = error_of([] { HostCondition::parse("disk > 0.5", "w"); });
  EXPECT_NE(m.find("unknown metric 'disk' (" + join_names(rule_metric_names(), " or ") + ")"), std::string::npos)
      << m;
}

TEST(PolicyRegistry, RuleMetricsMeasureTheHost) {
  // Host 0: VMs of 1000 and 3000 MIB RAM on 8192 MiB, requesting 500 + 300 of 2000 MIPS.
  auto p = fixtures::make(2, {fixtures::vm(1000, 1000), fixtures::vm(1000, 3000)}, {0, 0}, {0.5, 0.3});
  EXPECT_DOUBLE_EQ(find_rule_metric("cpu")->value(p, 0, -1), 0.4);
  EXPECT_DOUBLE_EQ(find_rule_metric("mem")->value(p, 0, -1), 4000.0 / 8192);
  EXPECT_DOUBLE_EQ(find_rule_metric("mem")->value(p, 1, 0), 1000.0 / 8192);
  EXPECT_TRUE(HostCondition::parse("mem > 0.45 and cpu < 0.5", "w").holds(p, 0));
  EXPECT_FALSE(HostCondition::parse("mem > 0.5 or cpu > 0.45", "w").holds(p, 0));
}
