#pragma once
// Builds one line of a web-run dataset (the contract in validation/web_record.hpp) from what a
// run measured. Pure: the statistics are models/request_log's, nothing is measured here.
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/request_log.hpp"
#include "validation/host_cpu_windows.hpp"
#include "validation/load_generator.hpp"
#include "validation/web_case.hpp"

namespace migsim::validation {

inline constexpr double kWebWindowS = 0.1;

struct WebRunMeasurements {
  std::vector<models::RequestRecord> requests;  // load time (s from the first due send)
  std::optional<double> migration_start_s;      // migrate issued (load time)
  std::optional<double> migration_end_s;        // status completed / cancelled seen
  nlohmann::json migration_record;              // a migsim-validation-record/1 object, or null
  std::vector<CpuSample> cpu;                   // load time
  nlohmann::json env = nlohmann::json::object();
};

// InputError when a migration was planned but its start/end/record are missing (or the other
// way round): a record never claims a migration it does not describe.
nlohmann::json build_web_record(const WebCase& c, const WebRunMeasurements& m);

// The per-request log of a run (--requests-dir), one JSON object per line:
// {"send_s", "done_s", "outcome": "ok"|"timeout"|"error", "lag_s", "failure", "http_status"}.
std::string request_log_jsonl(const LoadLog& log);

}  // namespace migsim::validation
