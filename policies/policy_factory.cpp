#include "policies/policy_factory.hpp"

#include "policies/dynamic_consolidation.hpp"
#include "policies/no_migration_policy.hpp"
#include "sim/input_error.hpp"

namespace migsim::policies {

namespace {
const char* const kDetectors[] = {"thr", "iqr", "mad", "lr", "lrr"};
const char* const kSelectors[] = {"mmt", "mc", "rs", "mu"};
}  // namespace

std::vector<std::string> policy_names() {
  std::vector<std::string> out{"npa", "dvfs"};
  for (const char* d : kDetectors) {
    for (const char* s : kSelectors) out.push_back(std::string(d) + "-" + s);
  }
  return out;
}

double default_parameter(const std::string& d) {
  if (d == "thr") return 0.8;
  if (d == "iqr") return 1.5;
  if (d == "mad") return 2.5;
  return 1.2;  // lr, lrr
}

std::unique_ptr<sim::ConsolidationPolicy> make_policy(const std::string& name, const PolicyOptions& o,
                                                      const std::string& flag) {
  if (name == "npa" || name == "dvfs") {
    if (o.parameter) throw InputError("--param: policy '" + name + "' takes no parameter");
    return name == "npa" ? make_npa_policy() : make_dvfs_policy();
  }
  const auto dash = name.find('-');
  const std::string d = dash == std::string::npos ? name : name.substr(0, dash);
  const std::string s = dash == std::string::npos ? "" : name.substr(dash + 1);
  bool known_d = false, known_s = false;
  for (const char* x : kDetectors) known_d = known_d || d == x;
  for (const char* x : kSelectors) known_s = known_s || s == x;
  if (!known_d || !known_s) {
    std::string all;
    for (const auto& n : policy_names()) all += (all.empty() ? "" : ", ") + n;
    throw InputError(flag + ": unknown policy '" + name + "' (expected one of " + all + ")");
  }
  const double param = o.parameter.value_or(default_parameter(d));
  if (d == "thr" && !(param > 0 && param <= 1)) {
    throw InputError("--param: THR threshold must be in (0, 1], got " + std::to_string(param));
  }
  if (d != "thr" && !(param >= 0)) {
    throw InputError("--param: safety parameter must be >= 0, got " + std::to_string(param));
  }
  std::unique_ptr<OverloadDetector> det;
  if (d == "thr") {
    det = make_thr_detector(param);
  } else if (d == "iqr") {
    det = make_iqr_detector(param, make_thr_detector(0.7));
  } else if (d == "mad") {
    det = make_mad_detector(param, make_thr_detector(0.7));
  } else if (d == "lr") {
    det = make_lr_detector(param, o.interval_s, make_thr_detector(0.7));
  } else {
    det = make_lrr_detector(param, o.interval_s, make_thr_detector(0.7));
  }
  std::unique_ptr<VmSelector> sel;
  if (s == "mmt") {
    sel = make_mmt_selector();
  } else if (s == "mu") {
    sel = make_mu_selector();
  } else if (s == "mc") {
    sel = make_mc_selector(make_mmt_selector());
  } else {
    sel = make_rs_selector(o.rs_seed);
  }
  return std::make_unique<DynamicConsolidation>(name, std::move(det), std::move(sel));
}

}  // namespace migsim::policies
