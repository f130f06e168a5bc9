#pragma once
// One batch of migrations as `migsim batch BATCH.json [--schedule S] [--profile P]
// [--out FILE] [--out-dir DIR]` does it, as one library call (the command and the
// Python module's batch() call it): read, scheduled, run, its JSON document
// (= `batch --json`), written to `out` and `out_dir` if given.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/migration_batch.hpp"
#include "traces/record_writer.hpp"

namespace migsim::experiments {

struct BatchJobRequest {
  std::string path;                   // the batch file; with `doc`, only how messages name it
  std::optional<nlohmann::json> doc;  // the batch itself instead of path's contents
  std::string schedule;               // empty: the batch's own; else as --schedule
  std::string schedule_flag = "--schedule";
  std::string profile_path;           // a host profile file, the base of every case (empty: none)
  std::string out;                    // also write the document here, atomically (empty: no)
  std::string out_dir;                // migrations + summary.json here (empty: no)
  traces::RecordFormat format = traces::RecordFormat::Csv;
  std::string out_dir_flag = "--out-dir";
};

struct BatchJob {
  MigrationBatch batch;
  BatchResult result;
  nlohmann::json summary;
};

// InputError naming the file, field and value for bad input, or an out_dir it cannot write
// (checked first, before the batch is read).
BatchJob run_batch_job(const BatchJobRequest& req);

}  // namespace migsim::experiments
