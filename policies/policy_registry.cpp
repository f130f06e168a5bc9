#include "policies/policy_registry.hpp"

#include <cctype>
#include <cstdio>

#include "policies/no_migration_policy.hpp"
#include "policies/rule_policy.hpp"

namespace migsim::policies {

namespace {
bool threshold_ok(double t) { return t > 0 && t <= 1; }
bool safety_ok(double s) { return s >= 0; }
std::unique_ptr<OverloadDetector> fallback() { return make_thr_detector(kFallbackThreshold); }

// CloudSim's planetlab examples, in their order.
const DetectorEntry kDetectors[] = {
    {"thr", "static threshold on the requested CPU", "threshold", 0.8, 0, "THR threshold must be in (0, 1]",
     threshold_ok, [](double t, double) { return make_thr_detector(t); }},
    {"iqr", "adaptive threshold 1 - safety x IQR of the host's utilisation history", "safety", 1.5,
     kQuartileMinHistory, "safety parameter must be >= 0", safety_ok,
     [](double s, double) { return make_iqr_detector(s, fallback()); }},
    {"mad", "adaptive threshold 1 - safety x MAD of the host's utilisation history", "safety", 2.5,
     kQuartileMinHistory, "safety parameter must be >= 0", safety_ok,
     [](double s, double) { return make_mad_detector(s, fallback()); }},
    {"lr", "local regression of the history, extrapolated by the migration time", "safety", 1.2,
     kRegressionMinHistory, "safety parameter must be >= 0", safety_ok,
     [](double s, double interval) { return make_lr_detector(s, interval, fallback()); }},
    {"lrr", "robust local regression (equals LR in CloudSim 3.0.3)", "safety", 1.2, kRegressionMinHistory,
     "safety parameter must be >= 0", safety_ok,
     [](double s, double interval) { return make_lrr_detector(s, interval, fallback()); }},
};

const SelectorEntry kSelectors[] = {
    {"mmt", "minimum migration time (least RAM)", [](std::uint64_t) { return make_mmt_selector(); }},
    {"mc", "maximum correlation with the host's other VMs (MMT when impossible)",
     [](std::uint64_t) { return make_mc_selector(make_mmt_selector()); }},
    {"rs", "random selection (java.util.Random seeded per run)",
     [](std::uint64_t seed) { return make_rs_selector(seed); }},
    {"mu", "minimum CPU utilisation", [](std::uint64_t) { return make_mu_selector(); }},
};

const StandalonePolicyEntry kStandalone[] = {
    {"npa", "no power awareness: first fit, no migrations, hosts always at maximum power", make_npa_policy},
    {"dvfs", "first fit, no migrations, power follows load", make_dvfs_policy},
};

const RuleMetricEntry kRuleMetrics[] = {
    {"cpu", "requested CPU / host CPU", [](const sim::Placement& p, int h, int x) {
       return requested_utilization(p, h, x);
     }},
    {"mem", "RAM of its VMs / host RAM", requested_ram_fraction},
};

const char* const kRuleActions[] = {"migrate"};

template <typename Entry>
const Entry* find_in(std::span<const Entry> table, std::string_view name) {
  for (const Entry& e : table) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

template <typename Entry>
std::vector<std::string> names_of(std::span<const Entry> table) {
  std::vector<std::string> out;
  for (const Entry& e : table) out.emplace_back(e.name);
  return out;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

std::span<const DetectorEntry> detector_registry() { return kDetectors; }
std::span<const SelectorEntry> selector_registry() { return kSelectors; }
std::span<const StandalonePolicyEntry> standalone_policy_registry() { return kStandalone; }
std::span<const RuleMetricEntry> rule_metric_registry() { return kRuleMetrics; }
std::span<const char* const> rule_action_registry() { return kRuleActions; }

const DetectorEntry* find_detector(std::string_view name) { return find_in(detector_registry(), name); }
const SelectorEntry* find_selector(std::string_view name) { return find_in(selector_registry(), name); }
const StandalonePolicyEntry* find_standalone_policy(std::string_view name) {
  return find_in(standalone_policy_registry(), name);
}
const RuleMetricEntry* find_rule_metric(std::string_view name) { return find_in(rule_metric_registry(), name); }

std::vector<std::string> detector_names() { return names_of(detector_registry()); }
std::vector<std::string> selector_names() { return names_of(selector_registry()); }
std::vector<std::string> rule_metric_names() { return names_of(rule_metric_registry()); }
std::vector<std::string> rule_action_names() {
  return std::vector<std::string>(rule_action_registry().begin(), rule_action_registry().end());
}

std::string policy_names_summary() {
  auto braced = [](const std::vector<std::string>& v) {
    std::string b = "{";
    for (std::size_t i = 0; i < v.size(); ++i) b.append(i ? "," : "").append(v[i]);
    return b.append("}");
  };
  std::string out;
  for (const auto& p : standalone_policy_registry()) out.append(p.name).append(", ");
  return out.append(braced(detector_names())).append("-").append(braced(selector_names()));
}

std::string parameter_summary() {
  // Consecutive detectors with the same parameter share one group: "IQR/MAD safety (1.5/2.5)".
  std::string out;
  const auto ds = detector_registry();
  for (std::size_t i = 0; i < ds.size();) {
    std::string labels, defaults;
    std::size_t j = i;
    for (; j < ds.size() && std::string_view(ds[j].parameter) == ds[i].parameter; ++j) {
      char v[32];
      std::snprintf(v, sizeof v, "%g", ds[j].default_parameter);
      labels.append(j == i ? "" : "/").append(upper(ds[j].name));
      defaults.append(j == i ? "" : "/").append(v);
    }
    out.append(out.empty() ? "" : ", ").append(labels).append(" ").append(ds[i].parameter);
    out.append(" (").append(defaults).append(")");
    i = j;
  }
  return out;
}

}  // namespace migsim::policies
