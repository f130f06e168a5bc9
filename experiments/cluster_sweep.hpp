#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/cluster_setup.hpp"
#include "sim/cluster_result.hpp"
#include "sim/sweep_expansion.hpp"

namespace migsim::experiments {

// A sweep of cluster scenarios (OpenDC-style experiments): an axes file maps JSON
// pointers into the scenario to the values to try, e.g.
//   {"/migration/max_bandwidth_mibps": [64, 128, 256],
//    "/policy/rules/0/when": ["cpu > 0.7", "cpu > 0.8"]}
// Points are the cartesian product, axes in key order (sorted), the last varying
// fastest. Every pointer must name a field the scenario has, or a new key of an
// object it has (an optional setting the file leaves out); the scenario's own
// checks then reject a misspelt key.
// InputError naming `axes_where` and the pointer for: a non-object file, a pointer
// that is malformed or not in the scenario, an empty or non-list axis. The points
// are then sim's expand_axes (more than 10000 points is an error there).
std::vector<SweepAxis> read_cluster_sweep_axes(const nlohmann::json& axes, const nlohmann::json& scenario,
                                               const std::string& axes_where,
                                               const std::string& scenario_where);

// Runs the points `selected` (indexes into `points`, in order; request's scenario_doc
// replaced by the point's spec) on `jobs` threads (experiments/point_runner.hpp); results in
// the order of `selected` whatever `jobs` is. `on_done(k, result)` is called (from any
// thread) after each point k. Every point runs; then the lowest failing point's error
// (InputError for a bad value) is thrown, naming the point: "sweep point 3 {coordinates}: ...".
std::vector<sim::ClusterResult> run_cluster_points(
    const std::vector<SweepPoint>& points, const std::vector<std::size_t>& selected,
    const ClusterRunRequest& request, unsigned jobs,
    const std::function<void(std::size_t, const sim::ClusterResult&)>& on_done);

}  // namespace migsim::experiments
