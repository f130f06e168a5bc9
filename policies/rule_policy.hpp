#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policies/admission_control.hpp"
#include "policies/overload_detector.hpp"
#include "policies/power_aware_placement.hpp"
#include "policies/vm_selector.hpp"
#include "sim/consolidation_policy.hpp"

namespace migsim::policies {

// RAM of the host's VMs (plus extra_vm's, >= 0; -1: none) / host RAM: the rule metric "mem".
double requested_ram_fraction(const sim::Placement& p, int host, int extra_vm);

// A condition on a host, e.g. "cpu > 0.8" or "cpu > 0.6 and mem > 0.75":
// comparisons (>, >=, <, <=) of a metric of policy_registry.cpp (`cpu`:
// requested CPU / host CPU, `mem`: RAM of its VMs / host RAM) with a number,
// joined by `and` / `or` (`and` binds tighter).
class HostCondition {
 public:
  static HostCondition parse(const std::string& text, const std::string& where);
  bool holds(const sim::Placement& p, int host, int extra_vm = -1) const;
  // True if every comparison is ">" or ">=": adding load can only make it hold.
  bool grows_with_load() const;
  const std::string& text() const { return text_; }

 private:
  struct Term {
    double (*metric)(const sim::Placement& p, int host, int extra_vm);
    int op;  // 0 >, 1 >=, 2 <, 3 <=
    double value;
  };
  std::string text_;
  std::vector<std::vector<Term>> any_of_;  // OR of ANDs
};

// The rule policy operators ask for first: when one of the host's rules holds for
// `for_samples` consecutive decision instants, VMs are moved off it (chosen by
// `selection`, placed by power-aware best fit on hosts where the condition
// would not hold) until it no longer holds; an optional `underload` rule
// empties lightly loaded hosts. Admission control then filters the moves.
struct RuleSpec {
  HostCondition when;
  int for_samples = 1;
};

// How the rule policy plans (the default is the behaviour every earlier
// release had):
//  - admitted_only: a move admission control refuses is taken back at once,
//    so it does not fill its target for the moves planned after it, and a host
//    whose VMs cannot all leave (per-host limit, cooldown) is not emptied;
//    underloaded hosts' VMs may go to any host that is not overloaded (the
//    default lets them go only to hosts whose underload rule holds too), and a
//    host whose largest VM found no target is not tried again with one at least
//    as large; with a total limit, at most twice as many underloaded hosts are
//    tried as there are free slots. The default plans every move and then
//    filters them, as CloudSim's policies plan without admission control. With
//    it, planning costs what admission lets start, not what the cluster could
//    propose.
struct RulePlanning {
  bool admitted_only = false;
};

class RulePolicy final : public sim::ConsolidationPolicy {
 public:
  RulePolicy(std::vector<RuleSpec> migrate, std::optional<RuleSpec> underload, std::unique_ptr<VmSelector> selector,
             AdmissionControl admission, int host_count, RulePlanning planning = {});
  std::string name() const override;
  // "rule cpu > 0.8" (the overload rule that fired first on the source), "underload cpu < 0.3".
  std::string cause_name(int cause) const override;
  int place_new(sim::Placement& p, int vm) override;
  std::vector<sim::MigrationOrder> optimize(sim::Placement& p, double now) override;
  // Evacuation moves, filtered by the policy's admission control.
  std::vector<sim::MigrationOrder> evacuate(sim::Placement& p, int host, double now) override;
  void on_migration_end(int vm, double now) override { admission_.migration_ended(vm, now); }
  void use_start_rates(const sim::StartRates* rates) override { admission_.use_start_rates(rates); }
  const AdmissionStats& admission_stats() const { return admission_.stats(); }

 private:
  std::vector<RuleSpec> migrate_;
  std::optional<RuleSpec> underload_;
  std::unique_ptr<VmSelector> selector_;
  std::unique_ptr<OverloadDetector> instant_;  // the migrate condition, without the sustain
  AdmissionControl admission_;
  RulePlanning planning_;
  std::vector<std::vector<int>> streak_;
  std::vector<int> under_streak_;
};

// {"type": "rules", "rules": [{"when": "cpu > 0.8", "for_samples": 2, "action": "migrate"}],
//  "underload": {"when": "cpu < 0.2", "for_samples": 3}, "selection": "mmt",
//  "admission": {"max_concurrent_per_host": 1, "max_concurrent_total": 20,
//                "vm_cooldown_s": 1800, "max_downtime_ms": 500},
//  "planning": "all" | "admitted"}
// "type" is kRulePolicyName, "selection" a selector and "action" a rule action of
// policy_registry.cpp. `timer` predicts downtimes for the budget (may be null when no budget is set).
std::unique_ptr<RulePolicy> make_rule_policy(const nlohmann::json& j, const std::string& where,
                                             int host_count, int vm_count, std::uint64_t seed,
                                             const sim::MigrationTimer* timer);

}  // namespace migsim::policies
