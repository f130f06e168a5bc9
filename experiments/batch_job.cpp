#include "experiments/batch_job.hpp"

#include "experiments/run_outputs.hpp"
#include "models/scenario_json.hpp"
#include "sim/json_input.hpp"
#include "traces/atomic_file.hpp"

namespace migsim::experiments {

BatchJob run_batch_job(const BatchJobRequest& req) {
  std::optional<OutputFolder> folder;
  if (!req.out_dir.empty()) folder.emplace(req.out_dir, req.format, req.out_dir_flag);
  const nlohmann::json doc = req.doc ? *req.doc : read_json_file(req.path);
  models::HostProfile profile;
  if (!req.profile_path.empty()) profile = models::read_host_profile_file(req.profile_path);
  BatchJob job{read_migration_batch(doc, req.path, profile), {}, {}};
  if (!req.schedule.empty()) job.batch.schedule = parse_batch_schedule_flag(req.schedule, req.schedule_flag);
  job.result = run_migration_batch(job.batch);
  job.summary = to_json(job.result);
  if (!req.out.empty()) traces::write_file_atomically(req.out, job.summary.dump(2) + "\n");
  if (folder) write_batch_outputs(*folder, job.result, job.summary);
  return job;
}

}  // namespace migsim::experiments
