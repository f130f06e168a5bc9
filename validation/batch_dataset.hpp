#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "validation/validation_dataset.hpp"

namespace migsim::validation {

// One recorded batch (`validate record` of a batch matrix): its link and its
// migrations as the report needs them.
struct MeasuredBatch {
  std::string where;  // "file:line"
  std::string name;
  std::string split = "test";
  int repeat = 1;
  double link_mbit = 0;
  double delay_ms = 0;
  // The sources' TCP send buffer limit (net.ipv4.tcp_wmem max); records made
  // before the harness recorded it ran with Linux's default, 4 MiB.
  double send_buffer_bytes = 4194304;
  double makespan_s = 0;
  double foreign_cpu_cores = -1;
  std::vector<MeasuredMigration> migrations;
  std::vector<double> start_s;  // when each was started, after the batch's start
  bool training() const { return split == "train"; }
};

MeasuredBatch measured_batch_from_record(const nlohmann::json& rec, const std::string& where);
// A JSON-lines batch dataset; InputError naming file:line and the field.
std::vector<MeasuredBatch> read_batch_datasets(const std::vector<std::string>& paths);
// Whether the file's first record is a batch record (a dataset holds one kind).
bool is_batch_dataset(const std::string& path);

}  // namespace migsim::validation
