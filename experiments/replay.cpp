#include "experiments/replay.hpp"

#include <algorithm>
#include <map>

#include "models/migration_timer.hpp"
#include "models/power_model.hpp"
#include "models/prediction_json.hpp"
#include "models/qemu_precopy_model.hpp"
#include "policies/policy_loader.hpp"
#include "sim/cluster_engine.hpp"
#include "sim/engine_observer.hpp"
#include "traces/libvirt_sample_readers.hpp"

namespace migsim::experiments {

namespace {

// The migrations the engine starts, with the timing it predicted at their start.
class StartedMigrations final : public sim::EngineObserver {
 public:
  void migration_started(const sim::MigrationStarted& m) override { started.push_back(m); }
  std::vector<sim::MigrationStarted> started;
};

double stat(const traces::StatValues& s, const char* k) {
  const auto it = s.numbers.find(k);
  return it == s.numbers.end() ? 0.0 : it->second;
}

// The cluster as the trace saw it; each VM starts on the host of its first sample.
sim::ClusterSpec cluster_of(const traces::LibvirtTrace& tr, const traces::TraceSeries& ts,
                            const ReplaySettings& s, double& mean_nonzero_fraction) {
  sim::ClusterSpec spec;
  auto power = models::builtin_power_model("hp-ml110-g5");
  for (const auto& h : tr.header.hosts) {
    sim::HostSpec hs;
    hs.type = h.name;
    hs.pes = std::max(1, static_cast<int>(s.host_cpus > 0 ? s.host_cpus : h.cpus));
    hs.pe_mips = traces::kMipsPerCpu;
    hs.ram_mib = h.memory_kib > 0 ? h.memory_kib / 1024.0 : 1e6;
    hs.bw_mbps = s.profile.link_mibps * models::kMiB * 8.0 / 1e6;  // the timer's link speed
    hs.power = power;
    spec.hosts.push_back(hs);
  }
  double nonzero_sum = 0;
  for (const auto& v : ts.vms) {
    sim::VmSpec vs;
    vs.name = v.name;
    vs.pes = std::max(1, static_cast<int>(v.vcpus));
    vs.mips = traces::kMipsPerCpu;
    vs.ram_mib = v.ram_mib;
    vs.bw_mbps = 0.0;
    const double nonzero = std::clamp(v.max_rss_mib - s.rss_overhead_mib, 0.0, v.ram_mib);
    nonzero_sum += v.ram_mib > 0 ? nonzero / v.ram_mib : 0.0;
    vs.wss_mib = nonzero;
    vs.dirty_pages_per_sec_at_full_cpu = v.mean_dirty_pages_per_sec / std::max(0.05, v.mean_util);
    spec.vms.push_back(vs);
    spec.demand.emplace_back(v.name, ts.interval_s, v.util);
    spec.initial_host.push_back(v.first_host);
  }
  spec.options.cloudsim_compat = false;
  spec.options.scheduling_interval_s = ts.interval_s;
  spec.options.first_offset_s = 0.0;
  spec.options.duration_s = ts.duration_s + ts.interval_s;
  mean_nonzero_fraction =
      ts.vms.empty() ? 0.6 : nonzero_sum / static_cast<double>(ts.vms.size());
  return spec;
}

// The model on one recorded migration. Non-zero memory: what an earlier migration
// of the same domain found (pages not sent as zero pages), else the QEMU
// process's RSS minus its own overhead. Dirty rate: QEMU's own measurement from
// an earlier migration of this domain when there was one (page sampling
// under-reports badly under TCG), else the last page-sampling measurement before
// the job.
RecordedComparison compare(const traces::RecordedMigration& m, const ReplaySettings& s,
                           std::map<std::string, double>& nonzero_seen) {
  RecordedComparison c;
  c.recorded = m;
  models::MigrationScenario& sc = c.scenario;
  sc.host = s.profile;
  sc.memory.ram_mib = m.ram_mib;
  const bool have_rss = m.rss_mib > 0;
  const auto earlier = nonzero_seen.find(m.domain);
  c.nonzero_from = have_rss ? "balloon.rss - --rss-overhead-mib" : "60% of RAM";
  if (earlier != nonzero_seen.end()) {
    sc.memory.nonzero_mib = std::min(earlier->second, m.ram_mib);
    c.nonzero_from = "earlier migration: memory_total - memory_constant pages";
  } else {
    sc.memory.nonzero_mib =
        have_rss ? std::clamp(m.rss_mib - s.rss_overhead_mib, 0.0, m.ram_mib) : m.ram_mib * 0.6;
  }
  if (m.completed.has("memory_total") && m.completed.has("memory_constant")) {
    nonzero_seen[m.domain] = std::max(
        0.0, (stat(m.completed, "memory_total") - stat(m.completed, "memory_constant") * 4096.0) /
                 models::kMiB);
  }
  sc.workload.pattern = models::DirtyPattern::Sequential;
  sc.workload.pacing = models::Pacing::WallClock;
  sc.workload.wss_mib = sc.memory.nonzero_mib;
  c.dirty_rate_from = "none (0)";
  sc.workload.pages_per_sec = 0.0;
  if (m.earlier_job_dirty_pages_per_sec > 0) {
    sc.workload.pages_per_sec = m.earlier_job_dirty_pages_per_sec;
    c.dirty_rate_from = "memory_dirty_rate of an earlier migration";
  } else if (m.dirty_pages_per_sec >= 0) {
    sc.workload.pages_per_sec = m.dirty_pages_per_sec;
    c.dirty_rate_from = "page sampling before the job";
  }
  sc.qemu.max_bandwidth_mibps = m.max_speed_mibps >= 0 ? m.max_speed_mibps : s.bandwidth_mibps;
  sc.qemu.downtime_limit_ms = m.max_downtime_ms > 0 ? m.max_downtime_ms : s.max_downtime_ms;
  sc.qemu.auto_converge = stat(m.completed, "auto_converge_throttle") > 0;
  sc.options.record_iterations = false;
  c.predicted = models::QemuPrecopyModel().predict(sc);
  c.real_total_ms = stat(m.completed, "time_elapsed");
  c.real_downtime_ms = stat(m.completed, "downtime");
  c.real_memory_bytes = m.completed.has("memory_processed") ? stat(m.completed, "memory_processed")
                                                            : stat(m.completed, "data_processed");
  c.real_iterations = stat(m.completed, "memory_iteration");
  return c;
}

}  // namespace

ReplayResult replay_trace(const traces::LibvirtTrace& tr, const std::string& origin,
                          const ReplaySettings& s, const std::vector<sim::EngineObserver*>& observers) {
  ReplayResult r;
  r.trace = origin;
  for (const auto& h : tr.header.hosts) r.host_names.push_back(h.name);
  r.series = traces::utilization_series(tr, origin);
  const auto recorded = traces::recorded_migrations(tr, origin);

  // ---- the cluster engine on the trace ----
  double nonzero_fraction = 0.6;
  const sim::ClusterSpec spec = cluster_of(tr, r.series, s, nonzero_fraction);
  models::PrecopyMigrationTimer::Settings settings;
  settings.qemu.max_bandwidth_mibps = s.bandwidth_mibps;
  settings.qemu.downtime_limit_ms = s.max_downtime_ms;
  settings.nonzero_fraction = nonzero_fraction;
  const models::PrecopyMigrationTimer timer(settings);
  policies::PolicyContext pc;
  pc.hosts = static_cast<int>(spec.hosts.size());
  pc.vms = static_cast<int>(spec.vms.size());
  pc.interval_s = r.series.interval_s;
  pc.seed = s.seed;
  pc.timer = &timer;
  const auto policy = policies::load_policy(s.policy, pc);
  r.policy = policy->name();
  StartedMigrations started;
  sim::ClusterEngine engine(spec, *policy, timer);
  engine.add_observer(&started);
  for (sim::EngineObserver* o : observers) engine.add_observer(o);
  r.cluster = engine.run();
  for (const auto& m : started.started) {
    r.policy_migrations.push_back(
        {m.t_s, r.series.vms[static_cast<std::size_t>(m.request.vm)].name,
         r.host_names[static_cast<std::size_t>(m.request.source_host)],
         r.host_names[static_cast<std::size_t>(m.request.target_host)], m.predicted});
  }

  // ---- the migrations the trace recorded: model vs libvirt's job stats ----
  std::map<std::string, double> nonzero_seen;
  for (const auto& m : recorded) r.recorded.push_back(compare(m, s, nonzero_seen));
  return r;
}

nlohmann::json to_json(const ReplayResult& r) {
  nlohmann::json planned = nlohmann::json::array();
  for (const auto& m : r.policy_migrations) {
    planned.push_back({{"t_s", m.t_s},
                       {"domain", m.domain},
                       {"from", m.from},
                       {"to", m.to},
                       {"predicted_total_ms", m.predicted.duration_s * 1000},
                       {"predicted_downtime_ms", m.predicted.downtime_s * 1000},
                       {"converged", m.predicted.converged}});
  }
  nlohmann::json rec = nlohmann::json::array();
  for (const auto& c : r.recorded) {
    const auto& m = c.recorded;
    const auto& sc = c.scenario;
    const auto& p = c.predicted;
    nlohmann::json completed = nlohmann::json::object();
    for (const auto& [k, v] : m.completed.numbers) completed[k] = v;
    rec.push_back({{"domain", m.domain},
                   {"from", m.from_host},
                   {"to", m.to_host},
                   {"t_start_s", m.t_start},
                   {"t_end_s", m.t_end},
                   {"trace_line", m.line},
                   {"stats_side", m.completed_on_source ? "source" : "destination"},
                   {"inputs",
                    {{"ram_mib", m.ram_mib},
                     {"nonzero_mib_estimate", sc.memory.nonzero_mib},
                     {"nonzero_from", c.nonzero_from},
                     {"dirty_pages_per_sec", sc.workload.pages_per_sec},
                     {"dirty_rate_from", c.dirty_rate_from},
                     {"page_sampling_pages_per_sec", m.dirty_pages_per_sec},
                     {"max_bandwidth_mibps", sc.qemu.max_bandwidth_mibps},
                     {"downtime_limit_ms", sc.qemu.downtime_limit_ms},
                     {"auto_converge", sc.qemu.auto_converge},
                     {"link_mibps", sc.host.link_mibps}}},
                   {"predicted", models::to_json(p)},
                   {"recorded",
                    {{"total_ms", c.real_total_ms},
                     {"libvirt_prepare_ms", m.prepare_ms},
                     {"downtime_ms", c.real_downtime_ms},
                     {"memory_processed_bytes", c.real_memory_bytes},
                     {"iterations", c.real_iterations},
                     {"job_stats", completed}}},
                   {"error",
                    {{"total_ms", p.total_time_ms - c.real_total_ms},
                     {"downtime_ms", p.downtime_ms - c.real_downtime_ms},
                     {"total_rel", c.real_total_ms > 0
                                       ? (p.total_time_ms - c.real_total_ms) / c.real_total_ms
                                       : 0.0}}}});
  }
  return {{"trace", r.trace},
          {"policy", r.policy},
          {"interval_s", r.series.interval_s},
          {"duration_s", r.series.duration_s},
          {"cluster", sim::to_json(r.cluster)},
          {"policy_migrations", planned},
          {"recorded_migrations", rec}};
}

}  // namespace migsim::experiments
