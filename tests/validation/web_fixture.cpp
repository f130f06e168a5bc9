#include "tests/validation/web_fixture.hpp"

#include "models/app_impact_model.hpp"
#include "models/app_params.hpp"
#include "models/request_log.hpp"
#include "sim/json_input.hpp"
#include "validation/accuracy_report.hpp"
#include "validation/host_tuning.hpp"
#include "validation/migration_runner.hpp"
#include "validation/validation_case.hpp"
#include "validation/web_record.hpp"
#include "validation/web_report.hpp"

namespace migsim::testing {

namespace {

nlohmann::json case_config(const SyntheticWebRun& r) {
  return {{"accel", "tcg"},          {"auto_converge", false},
          {"calc_dirty_rate_s", 1},  {"cpuload", ""},
          {"dirty_pages_per_sec", r.dirty_pages_per_sec}, {"dirty_pattern", "sequential"},
          {"downtime_limit_ms", r.downtime_limit_ms},     {"fill_mib", 75},
          {"horizon_s", 30},         {"hot_fraction", 0.1},
          {"hot_write_share", 0.9},  {"max_bandwidth_mibps", r.max_bandwidth_mibps},
          {"name", r.run},           {"pacing", "wall"},
          {"ram_mib", r.ram_mib},    {"repeats", 1},
          {"seed", 1},               {"split", r.split == "train" ? "train" : "test"},
          {"wss_mib", r.wss_mib},    {"xbzrle", false}};
}

}  // namespace

nlohmann::json synthetic_web_record(const SyntheticWebRun& r, const SyntheticWebTruth& truth) {
  models::AppParams app;
  app.arrival_rps = r.arrival_rps;
  app.service_ms = r.service_ms;
  app.slo_ms = r.slo_ms;
  app.precopy_slowdown = truth.precopy_slowdown;
  app.switchover_ms = truth.switchover_ms;
  app.syn_retry_s = truth.syn_retry_s;
  app.syn_lost_shift_ms = validation::kSynLostShiftMs;  // as validate report predicts
  app.syn_loss = models::SynLoss::Window;               // real requests meet the pause where it is
  nlohmann::json migration = nullptr;
  models::MigrationTimeline m;
  m.start_s = m.end_s = r.duration_s;
  if (r.scenario != "none") {
    const nlohmann::json config = case_config(r);
    JsonObject cfg(config, "synthetic config");
    const validation::ValidationCase c = validation::case_from_json(cfg, validation::ValidationCase{}, true);
    const auto params = validation::default_parameters();
    const models::Prediction p = validation::predict_with(validation::kModelName, validation::scenario_for(c, params.host, params.guest));
    const double start = r.migration_at_s + 0.02;
    m = models::timeline_from_measured(start, p.total_time_ms, p.downtime_ms, p.converged, {});
    nlohmann::json qemu = {{"downtime", p.downtime_ms},
                           {"ram",
                            {{"dirty-sync-count", p.dirty_syncs},
                             {"downtime-bytes", p.downtime_bytes},
                             {"duplicate", p.zero_pages},
                             {"normal", p.normal_pages},
                             {"transferred", p.transferred_bytes}}},
                           {"setup-time", p.setup_time_ms},
                           {"status", p.converged ? "completed" : "active"},
                           {"total-time", p.total_time_ms}};
    nlohmann::json rec = {{"case", r.run},
                          {"config", config},
                          {"format", validation::kRecordFormat},
                          {"outcome", p.converged ? "completed" : "not-converged"},
                          {p.converged ? "qemu" : "qemu_last_active", qemu},
                          {"repeat", 1},
                          {"split", config["split"]},
                          // As the harness polls: QEMU's dirty-pages-rate from the first sync on.
                          {"trajectory",
                           {{"columns", {"t_ms", "dirty_pages_rate", "cpu_throttle_pct"}},
                            {"rows", {{0.0, 0.0, 0.0}, {p.total_time_ms / 2, 0.5 * c.dirty_pages_per_sec, 0.0}}}}}};
    migration = {{"start_s", start}, {"end_s", m.end_s}, {"record", rec}};
  }
  const models::AppImpact a = models::app_impact(models::QueueAppModel{}, app, m, r.duration_s);
  nlohmann::json windows = nlohmann::json::array();
  for (const auto& w : a.windows) {
    nlohmann::json j = models::to_json(w);
    const bool migrating = w.t_s >= m.start_s && w.t_s < m.end_s;
    j["host_cpu_pct"] = migrating ? 55.0 : 20.0;
    windows.push_back(j);
  }
  nlohmann::json summary = models::to_json(a.summary);
  if (r.scenario == "none") summary.erase("p99_during_migration_ms");
  return {{"format", validation::kWebRecordFormat},
          {"run", r.run},
          {"split", r.split},
          {"scenario", r.scenario},
          {"app", {{"arrival_rps", r.arrival_rps}, {"service_ms", r.service_ms}, {"slo_ms", r.slo_ms},
                   {"timeout_ms", app.timeout_ms}, {"work", {{"cpu_us", 500}}}}},
          {"load", {{"duration_s", r.duration_s}, {"requests", a.summary.requests},
                    {"migration_at_s", r.scenario == "none" ? nlohmann::json(nullptr) : nlohmann::json(r.migration_at_s)}}},
          {"migration", migration},
          {"windows", windows},
          {"summary", summary},
          {"env", {{"recorded_at", "synthetic"}, {"host_cpus", 2}}}};
}

std::vector<SyntheticWebRun> synthetic_web_runs() {
  std::vector<SyntheticWebRun> runs;
  auto add = [&](const std::string& name, const std::string& split, double bw, double dl, double rps, double svc) {
    SyntheticWebRun r;
    r.run = name;
    r.split = split;
    r.max_bandwidth_mibps = bw;
    r.downtime_limit_ms = dl;
    r.arrival_rps = rps;
    r.service_ms = svc;
    runs.push_back(r);
  };
  add("w-train-bw60", "train", 60, 300, 100, 4);
  add("w-train-bw200", "train", 200, 100, 200, 2);
  add("w-train-slow", "train", 40, 300, 20, 40);
  add("w-train-dl30", "train", 100, 30, 100, 4);
  add("w-report-bw80", "report", 80, 300, 100, 4);
  add("w-report-bw150", "report", 150, 100, 150, 3);
  add("w-report-slow", "report", 50, 200, 20, 45);
  SyntheticWebRun none;
  none.run = "w-report-none";
  none.split = "report";
  none.scenario = "none";
  runs.push_back(none);
  return runs;
}

std::string synthetic_web_dataset(const SyntheticWebTruth& truth) {
  std::string out;
  for (const auto& r : synthetic_web_runs()) out += synthetic_web_record(r, truth).dump() + "\n";
  return out;
}

}  // namespace migsim::testing
