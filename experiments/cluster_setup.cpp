#include "experiments/cluster_setup.hpp"

#include "models/model_registry.hpp"
#include "models/power_model.hpp"
#include "policies/policy_factory.hpp"
#include "policies/policy_registry.hpp"
#include "policies/rule_policy.hpp"
#include "sim/cluster_engine.hpp"
#include "sim/input_error.hpp"
#include "traces/planetlab_reader.hpp"
#include "traces/synthetic_trace.hpp"

namespace migsim::experiments {

ClusterRun prepare_cluster_run(const ClusterRunRequest& req) {
  ClusterRun run;
  run.scenario = req.scenario_doc ? sim::parse_cluster_scenario(*req.scenario_doc, req.scenario_path)
                                  : sim::read_cluster_scenario(req.scenario_path);
  const sim::ClusterScenario& sc = run.scenario;
  run.seed = req.seed.value_or(sc.seed);

  std::vector<sim::UtilizationSeries> demand;
  if (!req.traces_dir.empty()) {
    traces::PlanetLabOptions o;
    o.samples = sc.workload.samples;
    o.interval_s = sc.workload.interval_s;
    demand = traces::read_planetlab_day(req.traces_dir, o);
    run.workload = req.traces_dir + " (" + std::to_string(demand.size()) + " VM traces)";
  } else if (sc.workload.source == "synthetic") {
    traces::SyntheticTraceOptions o;
    o.vms = sc.workload.synthetic_vms;
    o.samples = sc.workload.samples;
    o.interval_s = sc.workload.interval_s;
    o.seed = sc.workload.seed;
    demand = traces::generate_synthetic_traces(o);
    run.workload = "synthetic, " + std::to_string(o.vms) + " VMs, seed " + std::to_string(o.seed);
  } else {
    throw InputError("--traces: required for " + req.scenario_path +
                     " (workload.source is \"planetlab\"): give a directory of PlanetLab "
                     "traces, e.g. ../shared/traces/planetlab/20110303");
  }

  run.timer = models::make_migration_timer(sc.migration.model, sc.migration, sc.path + ": migration.model");

  run.spec = sim::build_cluster_spec(sc, std::move(demand),
                                     [](const nlohmann::json& j, const std::string& where) {
                                       return std::shared_ptr<const sim::PowerCurve>(
                                           models::power_model_from_json(j, where));
                                     });

  run.app = make_app_accounting(sc, static_cast<int>(run.spec.vms.size()));

  const std::string policy = req.policy.empty() ? (sc.policy.is_null() ? "" : policies::kRulePolicyName) : req.policy;
  if (policy.empty()) {
    throw InputError("--policy: required (" + req.scenario_path +
                     " has no \"policy\"); e.g. --policy thr-mmt");
  }
  if (policy == policies::kRulePolicyName) {
    if (sc.policy.is_null()) {
      throw InputError("--policy rules: " + req.scenario_path + " has no \"policy\" object");
    }
    if (req.parameter) throw InputError("--param: applies to the CloudSim policies, not to rules");
    run.policy = policies::make_rule_policy(sc.policy, req.scenario_path + ": policy",
                                            static_cast<int>(run.spec.hosts.size()),
                                            static_cast<int>(run.spec.vms.size()), run.seed,
                                            run.timer.get());
  } else {
    policies::PolicyOptions o;
    o.parameter = req.parameter;
    o.rs_seed = run.seed;
    o.interval_s = sc.scheduling_interval_s;
    run.policy = policies::make_policy(policy, o);
  }
  return run;
}

sim::ClusterResult run_cluster(ClusterRun& run, const std::vector<sim::EngineObserver*>& observers) {
  sim::ClusterEngine engine(std::move(run.spec), *run.policy, *run.timer);
  if (run.app) engine.add_observer(run.app.get());
  for (sim::EngineObserver* o : observers) engine.add_observer(o);
  return engine.run();
}

nlohmann::json run_summary(const ClusterRun& run, const sim::ClusterResult& r) {
  nlohmann::json j = sim::to_json(r);
  j["scenario"] = run.scenario.name;
  j["workload"] = run.workload;
  j["migration_model"] = run.timer->name();
  j["seed"] = run.seed;
  if (run.app) run.app->add_to_summary(j, r.simulated_s);
  return j;
}

}  // namespace migsim::experiments
