#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policies/overload_detector.hpp"
#include "policies/vm_selector.hpp"
#include "sim/consolidation_policy.hpp"
#include "sim/name_list.hpp"
#include "sim/placement.hpp"

namespace migsim::policies {

// Every policy building block migsim knows by name, in one table each
// (policy_registry.cpp). make_policy, policy_names, the rule policy's parser,
// `migsim run --help` and the "expected one of" errors all list from here, in
// table order. Adding one: its own source file, one line in the table, its tests.

// An overload detector of the CloudSim "<detector>-<selector>" policies.
struct DetectorEntry {
  const char* name;               // "thr"
  const char* summary;            // one line, for help texts
  const char* parameter;          // what --param sets: "threshold" or "safety"
  double default_parameter;
  int min_history;                // samples it needs (0: none); fewer: THR kFallbackThreshold decides
  const char* parameter_rule;     // the error when parameter_ok fails: "THR threshold must be in (0, 1]"
  bool (*parameter_ok)(double);
  std::unique_ptr<OverloadDetector> (*make)(double parameter, double interval_s);
};

// A VM selector: of "<detector>-<selector>" and of the rule policy's "selection".
struct SelectorEntry {
  const char* name;     // "mmt"
  const char* summary;
  std::unique_ptr<VmSelector> (*make)(std::uint64_t seed);  // seed: RS's java.util.Random
};

// A policy that is a name alone (no detector, no selector): "npa", "dvfs".
struct StandalonePolicyEntry {
  const char* name;
  const char* summary;
  std::unique_ptr<sim::ConsolidationPolicy> (*make)();
};

// A metric of the rule policy's conditions ("cpu > 0.8"): its value on a host
// as if VM `extra_vm` (>= 0; -1: none) were added to it.
struct RuleMetricEntry {
  const char* name;  // "cpu"
  const char* summary;
  double (*value)(const sim::Placement& p, int host, int extra_vm);
};

// The threshold the adaptive detectors fall back to with too short a history.
inline constexpr double kFallbackThreshold = 0.7;
// The --policy name of the rule policy (the scenario's "policy" object, whose "type" it is).
inline constexpr const char* kRulePolicyName = "rules";

std::span<const DetectorEntry> detector_registry();
std::span<const SelectorEntry> selector_registry();
std::span<const StandalonePolicyEntry> standalone_policy_registry();
std::span<const RuleMetricEntry> rule_metric_registry();
// What a rule may do when its condition holds ("action"); the first is the default.
std::span<const char* const> rule_action_registry();

// nullptr when no entry has that name.
const DetectorEntry* find_detector(std::string_view name);
const SelectorEntry* find_selector(std::string_view name);
const StandalonePolicyEntry* find_standalone_policy(std::string_view name);
const RuleMetricEntry* find_rule_metric(std::string_view name);

std::vector<std::string> detector_names();
std::vector<std::string> selector_names();
std::vector<std::string> rule_metric_names();
std::vector<std::string> rule_action_names();

// The policy names in short, for help texts: "npa, dvfs, {thr,iqr,mad,lr,lrr}-{mmt,mc,rs,mu}".
std::string policy_names_summary();
// What --param means per detector, for help texts:
// "THR threshold (0.8), IQR/MAD/LR/LRR safety (1.5/2.5/1.2/1.2)".
std::string parameter_summary();

}  // namespace migsim::policies
