#pragma once
#include <functional>
#include <string>
#include <vector>

#include "validation/validation_case.hpp"

namespace migsim::validation {

// One real migration as the report needs it: its configuration and QEMU's
// numbers (from the final query-migrate; for a cancelled run, the last one
// while it was active).
struct MeasuredMigration {
  std::string where;  // "file:line" for messages
  ValidationCase config;
  int repeat = 1;
  bool converged = false;
  // outcome "failed" (e.g. the guest found its memory corrupted): no timings are read;
  // parse_dataset leaves such records out of the list.
  bool failed = false;
  std::string failure_reason;
  double total_time_ms = 0;
  double setup_time_ms = 0;
  double downtime_ms = 0;
  double transferred_bytes = 0;
  double normal_pages = 0;
  double zero_pages = 0;
  double downtime_bytes = 0;
  int dirty_syncs = 0;
  double throttle_pct = 0;
  double guest_rate_pages_per_sec = 0;  // mean heartbeat rate during the migration (0 if none)
  double calc_dirty_rate_mbps = -1;     // QEMU's calc-dirty-rate (MB/s), -1 if not measured
  double host_load_1min = 0;
  double foreign_cpu_cores = -1;  // other processes' CPU use during the migration; -1 if not recorded
  bool training() const { return config.split == "train"; }
};

// Calls f(line, "path:N") for every non-blank line of a JSON-lines file, in order,
// until f returns false.
void for_each_jsonl_line(const std::string& path,
                         const std::function<bool(const std::string&, const std::string&)>& f);
// The same over text already read (`path` names it in the "path:N" labels).
void for_each_jsonl_line_of(const std::string& text, const std::string& path,
                            const std::function<bool(const std::string&, const std::string&)>& f);

// Reads a JSON-lines dataset written by `migsim validate record` (its failed migrations,
// outcome "failed", are checked and left out: they measure no migration). A malformed
// line, a record missing a field, or an unknown format raises InputError
// naming file:line and the field.
std::vector<MeasuredMigration> read_dataset(const std::string& path);
// The same for the text of a dataset file read from `path`.
std::vector<MeasuredMigration> parse_dataset(const std::string& text, const std::string& path);
// Several datasets read as one (e.g. recordings of one matrix), in the order given.
std::vector<MeasuredMigration> read_datasets(const std::vector<std::string>& paths);
// How reports name them: "a.jsonl + b.jsonl".
std::string dataset_label(const std::vector<std::string>& paths);
MeasuredMigration measured_from_record(const nlohmann::json& rec, const std::string& where);

}  // namespace migsim::validation
