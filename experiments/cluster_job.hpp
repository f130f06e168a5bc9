#pragma once
// One cluster run as `migsim run SCENARIO [--out-dir DIR]` does it, as one library
// call (the command and the Python module's run() call it): the run prepared from
// the request, its files in `out_dir` (experiments/run_outputs.hpp) if one is
// given, the simulation, the summary (= `run --json`), the files committed.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/cluster_setup.hpp"
#include "sim/cluster_result.hpp"
#include "sim/engine_observer.hpp"
#include "traces/record_writer.hpp"

namespace migsim::experiments {

struct ClusterJobOptions {
  std::string out_dir;  // empty: no files
  traces::RecordFormat format = traces::RecordFormat::Csv;
  std::string out_dir_flag = "--out-dir";  // how errors about out_dir name it
  // More observers of the run, made once it is prepared (not owned; may be null).
  std::function<std::vector<sim::EngineObserver*>(const ClusterRun&)> observers;
};

struct ClusterJob {
  ClusterRun run;
  sim::ClusterResult result;
  nlohmann::json summary;
};

// InputError for a bad request (before anything runs) or an out_dir it cannot write.
ClusterJob run_cluster_job(const ClusterRunRequest& req, const ClusterJobOptions& options = {});

}  // namespace migsim::experiments
