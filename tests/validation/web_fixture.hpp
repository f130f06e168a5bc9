#pragma once
// Synthetic web runs (validation/web_record.hpp) generated from the application-impact model
// itself with known parameters: the migration's QEMU numbers are the pre-copy model's
// prediction of the run's case on the generic host profile, the request log the "queue"
// model's, through request_windows / summarize_requests like a real recording. A report on
// them must recover the parameters and predict with no error.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace migsim::testing {

struct SyntheticWebTruth {
  double precopy_slowdown = 0.3;
  double switchover_ms = 100.0;
  double syn_retry_s = 1.0;
};

struct SyntheticWebRun {
  std::string run, split, scenario = "migrate";
  double arrival_rps = 100, service_ms = 4, slo_ms = 50;
  double duration_s = 12, migration_at_s = 3;
  double max_bandwidth_mibps = 100, downtime_limit_ms = 300, wss_mib = 64, dirty_pages_per_sec = 5000;
  double ram_mib = 512;
};

nlohmann::json synthetic_web_record(const SyntheticWebRun& r, const SyntheticWebTruth& truth);
// A small dataset (train and report runs, one without a migration), one JSON object per line.
std::vector<SyntheticWebRun> synthetic_web_runs();
std::string synthetic_web_dataset(const SyntheticWebTruth& truth = {});

}  // namespace migsim::testing
