#include "models/prediction_json.hpp"

#include <cmath>

namespace migsim::models {

namespace {
// Fixed precision keeps the output byte-identical across runs and readable.
double r3(double v) { return std::round(v * 1000.0) / 1000.0; }
}  // namespace

nlohmann::json to_json(const Prediction& p) {
  nlohmann::json j;
  j["model"] = p.model;
  j["converged"] = p.converged;
  j["total_time_ms"] = r3(p.total_time_ms);
  j["setup_time_ms"] = r3(p.setup_time_ms);
  j["downtime_ms"] = r3(p.downtime_ms);
  j["transferred_bytes"] = std::llround(p.transferred_bytes);
  j["normal_pages"] = std::llround(p.normal_pages);
  j["zero_pages"] = std::llround(p.zero_pages);
  j["downtime_bytes"] = std::llround(p.downtime_bytes);
  j["dirty_syncs"] = p.dirty_syncs;
  j["iterations"] = p.iterations;
  j["final_throttle_pct"] = r3(p.final_throttle_pct);
  j["bandwidth_mibps"] = r3(p.mean_bandwidth_mibps);
  nlohmann::json its = nlohmann::json::array();
  for (const auto& it : p.iteration_log) {
    its.push_back({{"index", it.index},
                   {"start_ms", r3(it.start_ms)},
                   {"duration_ms", r3(it.duration_ms)},
                   {"dirty_pages_at_sync", std::llround(it.dirty_pages_at_sync)},
                   {"pages_sent", std::llround(it.pages_sent)},
                   {"zero_pages_sent", std::llround(it.zero_pages_sent)},
                   {"bytes_sent", std::llround(it.bytes_sent)},
                   {"threshold_bytes", std::llround(it.threshold_bytes)},
                   {"throttle_pct", r3(it.throttle_pct)},
                   {"stop_and_copy", it.stop_and_copy}});
  }
  j["iteration_detail"] = its;
  return j;
}

nlohmann::json to_json(const MigrationScenario& sc) {
  const auto& w = sc.workload;
  nlohmann::json series = nlohmann::json::array();
  for (const auto& pt : w.series) series.push_back({pt.t_s, pt.pages_per_sec});
  nlohmann::json j = {
      {"ram_mib", sc.memory.ram_mib},
      {"nonzero_mib", sc.memory.nonzero_mib},
      {"workload",
       {{"pattern", to_string(w.pattern)},
        {"wss_mib", w.wss_mib},
        {"pages_per_sec", w.pages_per_sec},
        {"series", series},
        {"hot_fraction", w.hot_fraction},
        {"hot_write_share", w.hot_write_share},
        {"pacing", to_string(w.pacing)}}},
      {"qemu",
       {{"max_bandwidth_mibps", sc.qemu.max_bandwidth_mibps},
        {"downtime_limit_ms", sc.qemu.downtime_limit_ms},
        {"auto_converge", sc.qemu.auto_converge},
        {"throttle_trigger_threshold_pct", sc.qemu.throttle_trigger_threshold_pct},
        {"cpu_throttle_initial_pct", sc.qemu.cpu_throttle_initial_pct},
        {"cpu_throttle_increment_pct", sc.qemu.cpu_throttle_increment_pct},
        {"max_cpu_throttle_pct", sc.qemu.max_cpu_throttle_pct},
        {"cpu_throttle_tailslow", sc.qemu.cpu_throttle_tailslow}}},
      {"host",
       {{"link_mibps", sc.host.link_mibps},
        {"setup_ms", sc.host.setup_ms},
        {"setup_ms_per_gib", sc.host.setup_ms_per_gib},
        {"zero_page_ns", sc.host.zero_page_ns},
        {"normal_page_ns", sc.host.normal_page_ns},
        {"sync_ms_per_gib", sc.host.sync_ms_per_gib},
        {"downtime_overhead_ms", sc.host.downtime_overhead_ms},
        {"background_dirty_pages_per_sec", sc.host.background_dirty_pages_per_sec},
        {"background_wss_mib", sc.host.background_wss_mib},
        {"guest_max_write_pages_per_sec", sc.host.guest_max_write_pages_per_sec}}},
      {"horizon_s", sc.options.horizon_s}};
  // Printed only when set: outputs of profiles without it stay as they were.
  if (sc.host.send_buffer_mib > 0) j["host"]["send_buffer_mib"] = sc.host.send_buffer_mib;
  return j;
}

}  // namespace migsim::models
