#pragma once
// Loads the consolidation policy for `migsim replay` and `migsim control`: the
// same policy code the simulator runs (policies/), either a rules file
// ({"type": "rules", ...}, policies/rule_policy.hpp) or a named policy
// ("thr-mmt", "lr-mc", ..., policies/policy_factory.hpp).
#include <filesystem>
#include <memory>
#include <string>

#include "policies/policy_factory.hpp"
#include "policies/rule_policy.hpp"
#include "sim/input_error.hpp"
#include "sim/json_input.hpp"

namespace migsim::cli {

inline std::unique_ptr<sim::ConsolidationPolicy> load_live_policy(const std::string& spec, int hosts,
                                                                   int vms,
                                                                   const sim::MigrationTimer* timer) {
  const bool is_file = spec.size() > 5 && spec.compare(spec.size() - 5, 5, ".json") == 0;
  if (is_file || std::filesystem::exists(spec)) {
    const nlohmann::json j = read_json_file(spec);
    return policies::make_rule_policy(j, spec, hosts, vms, 42, timer);
  }
  return policies::make_policy(spec, policies::PolicyOptions{}, "--policy");
}

}  // namespace migsim::cli
