#include "policies/policy_factory.hpp"

#include "policies/dynamic_consolidation.hpp"
#include "policies/policy_registry.hpp"
#include "sim/input_error.hpp"

namespace migsim::policies {

std::vector<std::string> policy_names() {
  std::vector<std::string> out;
  for (const auto& p : standalone_policy_registry()) out.emplace_back(p.name);
  for (const auto& d : detector_registry()) {
    for (const auto& s : selector_registry()) out.push_back(std::string(d.name) + "-" + s.name);
  }
  return out;
}

double default_parameter(const std::string& detector) {
  const DetectorEntry* d = find_detector(detector);
  if (!d) {
    throw InputError("detector: unknown detector '" + detector + "' (expected one of " +
                     join_names(detector_names()) + ")");
  }
  return d->default_parameter;
}

std::unique_ptr<sim::ConsolidationPolicy> make_policy(const std::string& name, const PolicyOptions& o,
                                                      const std::string& flag) {
  if (const StandalonePolicyEntry* p = find_standalone_policy(name)) {
    if (o.parameter) throw InputError("--param: policy '" + name + "' takes no parameter");
    return p->make();
  }
  const auto dash = name.find('-');
  const DetectorEntry* d = find_detector(name.substr(0, dash));
  const SelectorEntry* s = dash == std::string::npos ? nullptr : find_selector(name.substr(dash + 1));
  if (!d || !s) {
    throw InputError(flag + ": unknown policy '" + name + "' (expected one of " + join_names(policy_names()) +
                     ")");
  }
  const double param = o.parameter.value_or(d->default_parameter);
  if (!d->parameter_ok(param)) {
    throw InputError("--param: " + std::string(d->parameter_rule) + ", got " + std::to_string(param));
  }
  return std::make_unique<DynamicConsolidation>(name, d->make(param, o.interval_s), s->make(o.rs_seed));
}

}  // namespace migsim::policies
