#include "experiments/cluster_sweep.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

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

std::vector<sim::ClusterResult> run_cluster_points(const std::vector<SweepPoint>& points,
                                                   const ClusterRunRequest& request, unsigned jobs,
                                                   const std::function<void(std::size_t)>& on_done) {
  std::vector<sim::ClusterResult> results(points.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::size_t first_error_point = points.size();
  std::mutex error_mutex;
  // The lowest failing point wins: every lower one was already taken by a worker
  // and runs to its end, so the error is the same whatever the thread timing.
  auto fail = [&](std::size_t i, std::exception_ptr e) {
    const std::lock_guard<std::mutex> lock(error_mutex);
    if (i < first_error_point) {
      first_error_point = i;
      first_error = std::move(e);
    }
    failed.store(true);
  };
  auto worker = [&] {
    for (std::size_t i; !failed.load() && (i = next.fetch_add(1)) < points.size();) {
      try {
        ClusterRunRequest req = request;
        req.scenario_doc = points[i].spec;
        ClusterRun run = prepare_cluster_run(req);
        results[i] = run_cluster(run);
        on_done(i);
      } catch (const InputError& e) {
        // A bad value of an axis: say which point carried it.
        fail(i, std::make_exception_ptr(InputError("sweep point " + std::to_string(i) + " " +
                                                   points[i].coordinates.dump() + ": " + e.what())));
      } catch (...) {
        fail(i, std::current_exception());
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < std::max(1u, jobs); ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
  return results;
}

}  // namespace migsim::experiments
