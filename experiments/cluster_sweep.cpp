#include "experiments/cluster_sweep.hpp"

#include "experiments/point_runner.hpp"
#include "sim/input_error.hpp"
#include "sim/json_input.hpp"

namespace migsim::experiments {

std::vector<SweepAxis> read_cluster_sweep_axes(const nlohmann::json& axes, const nlohmann::json& scenario,
                                               const std::string& axes_where,
                                               const std::string& scenario_where) {
  if (!axes.is_object() || axes.empty()) {
    throw InputError(axes_where + ": expected an object of JSON pointers to lists of values, e.g. "
                     "{\"/migration/max_bandwidth_mibps\": [64, 128]}, got " + json_snippet(axes));
  }
  std::vector<SweepAxis> out;
  for (auto it = axes.begin(); it != axes.end(); ++it) {
    const std::string& key = it.key();
    nlohmann::json::json_pointer ptr;
    try {
      ptr = nlohmann::json::json_pointer(key);
    } catch (const nlohmann::json::exception&) {
      throw InputError(axes_where + ": \"" + key + "\": not a JSON pointer (e.g. \"/policy/rules/0/when\")");
    }
    // A field the scenario has, or a new key of an object it has (an optional
    // setting left out; a misspelt key is then the scenario's unknown-key error).
    const bool settable = !key.empty() && (scenario.contains(ptr) || (scenario.contains(ptr.parent_pointer()) &&
                                                                       scenario[ptr.parent_pointer()].is_object()));
    if (!settable) {
      throw InputError(axes_where + ": \"" + key + "\": no such field in " + scenario_where);
    }
    if (!it.value().is_array() || it.value().empty()) {
      throw InputError(axes_where + ": \"" + key + "\": expected a non-empty list of values, got " +
                       json_snippet(it.value()));
    }
    out.push_back({key, std::vector<nlohmann::json>(it.value().begin(), it.value().end()), ptr});
  }
  return out;
}

std::vector<sim::ClusterResult> run_cluster_points(
    const std::vector<SweepPoint>& points, const std::vector<std::size_t>& selected,
    const ClusterRunRequest& request, unsigned jobs,
    const std::function<void(std::size_t, const sim::ClusterResult&)>& on_done) {
  std::vector<sim::ClusterResult> results(selected.size());
  const auto failures = run_points(
      selected.size(), jobs,
      [&](std::size_t i) {
        ClusterRunRequest req = request;
        req.scenario_doc = points[selected[i]].spec;
        ClusterRun run = prepare_cluster_run(req);
        results[i] = run_cluster(run);
      },
      [&](std::size_t i) {
        if (on_done) on_done(selected[i], results[i]);
      });
  // A bad value of an axis: say which point carried it.
  rethrow_first_failure(failures, [&](std::size_t i) {
    return "sweep point " + std::to_string(selected[i]) + " " + points[selected[i]].coordinates.dump();
  });
  return results;
}

}  // namespace migsim::experiments
