#pragma once
// The outputs of a run in a folder (`migsim run|replay|batch --out-dir DIR`):
// what happened over time, streamed as it happens (only a write buffer is kept),
// each file written atomically (it appears whole on commit(), or not at all):
//   migrations.csv  one record per migration, in the order they ended:
//                   start_s, end_s, vm (its name, else vm:N), from_host, to_host, duration_s,
//                   downtime_ms, transferred_bytes, converged, cause (the rule or detector
//                   that ordered it; "batch" for `migsim batch`), and when the scenario has an
//                   "app", app_requests, app_requests_over_slo, app_p99_ms, app_max_stall_ms
//   cluster.csv     one record per processing instant: time_s, active_hosts, power_W (drawn
//                   now), energy_kWh (so far), cpu_utilization_frac (of the active hosts'
//                   capacity), migrations_in_flight, migrations_started (so far),
//                   slatah_frac, pdm_frac, slav (the SLA metrics so far)
//   hosts.csv       one record per active host per processing instant: time_s, host, vms,
//                   cpu_utilization_frac, power_W (a host without a record was off: 0 W)
//   summary.json    the command's --json document
// With RecordFormat::Jsonl the tables are .jsonl files (one object per record, same keys).
// `migsim batch` has no processing instants: migrations and summary only.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/app_sla.hpp"
#include "experiments/migration_batch.hpp"
#include "sim/consolidation_policy.hpp"
#include "sim/engine_observer.hpp"
#include "traces/record_writer.hpp"

namespace migsim::experiments {

// The folder the files go to. Creates `dir` (and its parents) if missing; every
// file it cannot open there is an InputError "<flag> DIR: cannot write there: <reason>".
class OutputFolder {
 public:
  OutputFolder(std::string dir, traces::RecordFormat format, std::string flag);
  // <name>.csv or <name>.jsonl.
  std::unique_ptr<traces::RecordWriter> table(const std::string& name, std::vector<std::string> columns) const;
  std::unique_ptr<traces::AtomicFileSink> file(const std::string& name) const;
  // The migrations table, and one record of it.
  std::unique_ptr<traces::RecordWriter> migrations(const std::vector<std::string>& extra_columns = {}) const;
  struct Migration {
    double start_s, end_s;
    const std::string& vm;
    int from, to;
    double duration_s, downtime_ms, transferred_bytes;
    bool converged;
    const std::string& cause;
  };
  static void write(traces::RecordWriter& w, const Migration& m);
  // The same without ending the record (columns of its own follow).
  static void write_fields(traces::RecordWriter& w, const Migration& m);

 private:
  std::string dir_, where_;
  traces::RecordFormat format_;
};

class RunOutputs final : public sim::EngineObserver {
 public:
  // With `app`, migrations.csv gains its columns (AppSlaAccounting::columns), read from it after
  // each migration: it must be an observer called before this one (ClusterRun::app is).
  RunOutputs(const std::string& dir, traces::RecordFormat format, const std::string& flag = "--out-dir",
             const AppSlaAccounting* app = nullptr);
  ~RunOutputs() override;
  void run_begins(const sim::ConsolidationPolicy& policy, const sim::Placement& p) override;
  void migration_finished(const sim::MigrationFinished& m) override;
  void step(const sim::StepView& s) override;
  // Writes summary.json (`summary` dumped with 2-space indent) and moves every file into place.
  void commit(const nlohmann::json& summary);
  // The files a run writes in `format`, in the order above.
  static std::vector<std::string> file_names(traces::RecordFormat format);

 private:
  const sim::ConsolidationPolicy* policy_ = nullptr;  // of the run in progress
  const sim::Placement* placement_ = nullptr;
  const AppSlaAccounting* app_ = nullptr;
  std::unique_ptr<traces::RecordWriter> migrations_, cluster_, hosts_;
  std::unique_ptr<traces::AtomicFileSink> summary_;
};

// `migsim batch --out-dir`: migrations (in the batch's order) and summary.json.
void write_batch_outputs(const OutputFolder& folder, const BatchResult& r, const nlohmann::json& summary);

}  // namespace migsim::experiments
