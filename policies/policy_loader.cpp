#include "policies/policy_loader.hpp"

#include <filesystem>

#include "policies/policy_factory.hpp"
#include "policies/rule_policy.hpp"
#include "sim/json_input.hpp"

namespace migsim::policies {

std::unique_ptr<sim::ConsolidationPolicy> load_policy(const std::string& spec, const PolicyContext& c,
                                                      const std::string& flag) {
  const bool is_file = spec.size() > 5 && spec.compare(spec.size() - 5, 5, ".json") == 0;
  if (is_file || std::filesystem::exists(spec)) {
    const nlohmann::json j = read_json_file(spec);
    return make_rule_policy(j, spec, c.hosts, c.vms, c.seed, c.timer);
  }
  PolicyOptions o;
  o.rs_seed = c.seed;
  o.interval_s = c.interval_s;
  return make_policy(spec, o, flag);
}

}  // namespace migsim::policies
