#include "experiments/cluster_job.hpp"

#include <memory>

#include "experiments/run_outputs.hpp"

namespace migsim::experiments {

ClusterJob run_cluster_job(const ClusterRunRequest& req, const ClusterJobOptions& options) {
  ClusterJob job{prepare_cluster_run(req), {}, {}};
  std::vector<sim::EngineObserver*> observers;
  std::unique_ptr<RunOutputs> outputs;
  if (!options.out_dir.empty()) {
    outputs = std::make_unique<RunOutputs>(options.out_dir, options.format, options.out_dir_flag, job.run.app.get());
    observers.push_back(outputs.get());
  }
  if (options.observers) {
    for (sim::EngineObserver* o : options.observers(job.run)) {
      if (o) observers.push_back(o);
    }
  }
  job.result = run_cluster(job.run, observers);
  job.summary = run_summary(job.run, job.result);
  if (outputs) outputs->commit(job.summary);
  return job;
}

}  // namespace migsim::experiments
