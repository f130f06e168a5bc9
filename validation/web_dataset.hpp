#pragma once
// Reads web-run datasets (validation/web_record.hpp, "migsim-web-run/1"): one real run of an
// open-loop request stream against a guest's web application, with or without a live
// migration of the guest. Strict like the other readers: a missing or mistyped field, an
// unknown key or a bad value raises InputError naming file:line and the field.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/app_impact_model.hpp"
#include "models/app_params.hpp"
#include "models/request_log.hpp"
#include "validation/validation_dataset.hpp"

namespace migsim::validation {

// A window as recorded; latency fields are NaN where the record has null.
struct WebWindow {
  models::RequestWindow requests;
  std::optional<double> host_cpu_pct;  // whole host, absent when unmeasured
};

struct WebMigration {
  double start_s = 0.0;  // migrate issued (load time)
  double end_s = 0.0;    // status completed (load time)
  MeasuredMigration measured;                  // QEMU's numbers, the case configuration
  std::vector<models::ThrottleStep> throttle;  // from the record's trajectory (load time)
  // QEMU's dirty-pages-rate (pages/s, updated at each bitmap sync) over the migration, from
  // the trajectory: {load time s, pages/s} per poll; empty when the record has no such column.
  std::vector<std::pair<double, double>> dirty_rate;
  // The phases from QEMU's numbers: paused at start + total - downtime, until start + total.
  models::MigrationTimeline timeline() const;
};

struct WebRun {
  std::string where;  // "file:line"
  std::string run, split, scenario;
  models::AppParams app;  // arrival_rps, service_ms, slo_ms, timeout_ms; the model's defaults otherwise
  double duration_s = 0.0;
  std::size_t requests = 0;
  std::optional<WebMigration> migration;
  std::vector<WebWindow> windows;
  models::RequestSummary summary;  // p99_during_ms set when there is a migration
  bool training() const { return split == "train"; }
};

WebRun web_run_from_record(const nlohmann::json& rec, const std::string& where);
std::vector<WebRun> parse_web_dataset(const std::string& text, const std::string& path);
std::vector<WebRun> read_web_dataset(const std::string& path);
// Whether the first record of a JSON-lines file is a web run (its "format").
bool is_web_dataset(const std::string& path);

}  // namespace migsim::validation
