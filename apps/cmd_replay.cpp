// `migsim replay`: drives the cluster engine from a captured libvirt trace (CPU
// demand from cpu.time deltas, memory from balloon, dirty rates from the
// page-sampling measurements), reports what the policy would have migrated and
// what each migration would cost (QEMU pre-copy model), and, for the migrations
// the trace recorded, the model's prediction next to libvirt's job stats.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "apps/commands.hpp"
#include "models/migration_timer.hpp"
#include "models/power_model.hpp"
#include "models/prediction_json.hpp"
#include "models/qemu_precopy_model.hpp"
#include "models/scenario_json.hpp"
#include "policies/policy_loader.hpp"
#include "sim/cluster_engine.hpp"
#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"
#include "traces/libvirt_trace.hpp"
#include "traces/libvirt_sample_readers.hpp"
#include "traces/libvirt_trace_analysis.hpp"

namespace migsim::cli {

namespace {

struct ReplayOptions {
  std::string trace, policy = "thr-mmt", host_cpus, bandwidth = "unlimited", downtime = "300",
              link, profile, rss_overhead = "128", seed = "42", out;
  bool json = false;
};

// The engine asks the policy where VMs start: the trace says where they were.
// Records the decision instant so the timer can tag the migrations it times.
class TracePlacedPolicy final : public sim::ConsolidationPolicy {
 public:
  TracePlacedPolicy(std::unique_ptr<sim::ConsolidationPolicy> inner, std::vector<int> start_host)
      : inner_(std::move(inner)), start_(std::move(start_host)) {}
  std::string name() const override { return inner_->name(); }
  int place_new(sim::Placement&, int vm) override { return start_[static_cast<std::size_t>(vm)]; }
  std::vector<sim::MigrationOrder> optimize(sim::Placement& p, double now) override {
    now_ = now;
    deciding_ = true;
    auto orders = inner_->optimize(p, now);
    deciding_ = false;
    return orders;
  }
  bool migrates() const override { return inner_->migrates(); }
  bool power_aware() const override { return inner_->power_aware(); }
  void on_migration_end(int vm, double now) override { inner_->on_migration_end(vm, now); }
  double now() const { return now_; }
  bool deciding() const { return deciding_; }

 private:
  std::unique_ptr<sim::ConsolidationPolicy> inner_;
  std::vector<int> start_;
  double now_ = 0;
  bool deciding_ = false;
};

struct PlannedMigration {
  double t;
  sim::MigrationRequest request;
  sim::MigrationTiming timing;
};

// Times migrations with the pre-copy model and keeps the ones the engine starts
// (not the admission control's what-if questions asked while deciding).
class RecordingTimer final : public sim::MigrationTimer {
 public:
  explicit RecordingTimer(models::PrecopyMigrationTimer::Settings s) : inner_(s) {}
  void attach(const TracePlacedPolicy* p) { policy_ = p; }
  std::string name() const override { return inner_.name(); }
  sim::MigrationTiming time(const sim::MigrationRequest& r) const override {
    const sim::MigrationTiming t = inner_.time(r);
    if (policy_ && !policy_->deciding()) planned_.push_back({policy_->now(), r, t});
    return t;
  }
  const std::vector<PlannedMigration>& planned() const { return planned_; }

 private:
  models::PrecopyMigrationTimer inner_;
  const TracePlacedPolicy* policy_ = nullptr;
  mutable std::vector<PlannedMigration> planned_;
};

double stat(const traces::StatValues& s, const char* k) {
  const auto it = s.numbers.find(k);
  return it == s.numbers.end() ? 0.0 : it->second;
}

std::string fmt(const char* f, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, a);
  return buf;
}

int run_replay(const ReplayOptions& o) {
  const double host_cpus = o.host_cpus.empty() ? 0.0 : parse_positive("--host-cpus", o.host_cpus);
  const double bandwidth = o.bandwidth == "unlimited" ? 0.0 : parse_positive("--bandwidth", o.bandwidth);
  const double downtime = parse_positive("--max-downtime", o.downtime);
  const double overhead = parse_non_negative("--rss-overhead-mib", o.rss_overhead);
  const std::uint64_t seed = parse_seed("--seed", o.seed);
  models::HostProfile profile;
  if (!o.profile.empty()) profile = models::read_host_profile_file(o.profile);
  if (!o.link.empty()) profile.link_mibps = parse_positive("--link-mibps", o.link);

  const traces::LibvirtTrace tr = traces::read_libvirt_trace(o.trace);
  const traces::TraceSeries ts = traces::utilization_series(tr, o.trace);
  const auto recorded = traces::recorded_migrations(tr, o.trace);

  // ---- the cluster engine on the trace ----
  const double mib_bytes = models::kMiB;
  sim::ClusterSpec spec;
  auto power = models::builtin_power_model("hp-ml110-g5");
  for (const auto& h : tr.header.hosts) {
    sim::HostSpec hs;
    hs.type = h.name;
    hs.pes = std::max(1, static_cast<int>(host_cpus > 0 ? host_cpus : h.cpus));
    hs.pe_mips = traces::kMipsPerCpu;
    hs.ram_mib = h.memory_kib > 0 ? h.memory_kib / 1024.0 : 1e6;
    hs.bw_mbps = profile.link_mibps * mib_bytes * 8.0 / 1e6;  // the timer's link speed
    hs.power = power;
    spec.hosts.push_back(hs);
  }
  double nonzero_sum = 0;
  std::vector<int> start_host;
  for (const auto& v : ts.vms) {
    sim::VmSpec vs;
    vs.name = v.name;
    vs.pes = std::max(1, static_cast<int>(v.vcpus));
    vs.mips = traces::kMipsPerCpu;
    vs.ram_mib = v.ram_mib;
    vs.bw_mbps = 0.0;
    const double nonzero = std::clamp(v.max_rss_mib - overhead, 0.0, v.ram_mib);
    nonzero_sum += v.ram_mib > 0 ? nonzero / v.ram_mib : 0.0;
    vs.wss_mib = nonzero;
    vs.dirty_pages_per_sec_at_full_cpu = v.mean_dirty_pages_per_sec / std::max(0.05, v.mean_util);
    spec.vms.push_back(vs);
    spec.demand.emplace_back(v.name, ts.interval_s, v.util);
    start_host.push_back(v.first_host);
  }
  spec.options.cloudsim_compat = false;
  spec.options.scheduling_interval_s = ts.interval_s;
  spec.options.first_offset_s = 0.0;
  spec.options.duration_s = ts.duration_s + ts.interval_s;
  models::PrecopyMigrationTimer::Settings settings;
  settings.qemu.max_bandwidth_mibps = bandwidth;
  settings.qemu.downtime_limit_ms = downtime;
  settings.nonzero_fraction = ts.vms.empty() ? 0.6 : nonzero_sum / static_cast<double>(ts.vms.size());
  RecordingTimer timer(settings);
  policies::PolicyContext pc;
  pc.hosts = static_cast<int>(spec.hosts.size());
  pc.vms = static_cast<int>(spec.vms.size());
  pc.interval_s = ts.interval_s;
  pc.seed = seed;
  pc.timer = &timer;
  TracePlacedPolicy policy(policies::load_policy(o.policy, pc), start_host);
  timer.attach(&policy);
  sim::ClusterEngine engine(spec, policy, timer);
  const sim::ClusterResult result = engine.run();

  nlohmann::json planned = nlohmann::json::array();
  std::ostringstream text;
  text << "trace            " << o.trace << " (" << tr.header.hosts.size() << " hosts, "
       << ts.vms.size() << " VMs, " << fmt("%.0f", ts.duration_s) << " s every "
       << fmt("%g", ts.interval_s) << " s)\n";
  for (const auto& v : ts.vms) {
    text << "  VM " << v.name << ": " << fmt("%.0f", v.ram_mib) << " MiB, mean CPU "
         << fmt("%.2f", v.mean_util) << ", peak CPU "
         << fmt("%.2f", v.util.empty() ? 0.0 : *std::max_element(v.util.begin(), v.util.end()))
         << ", dirty " << fmt("%.0f", v.mean_dirty_pages_per_sec) << " pages/s ("
         << v.dirty_measurements << " measurements), starts on "
         << tr.header.hosts[static_cast<std::size_t>(v.first_host)].name << "\n";
  }
  text << "policy           " << policy.name() << "\n"
       << "what it would do " << timer.planned().size() << " migration(s)\n";
  for (const auto& m : timer.planned()) {
    const std::string& vm = ts.vms[static_cast<std::size_t>(m.request.vm)].name;
    const std::string& from = tr.header.hosts[static_cast<std::size_t>(m.request.source_host)].name;
    const std::string& to = tr.header.hosts[static_cast<std::size_t>(m.request.target_host)].name;
    text << "  t=" << fmt("%.0f", m.t) << " s  " << vm << " " << from << " -> " << to
         << "  predicted " << fmt("%.0f", m.timing.duration_s * 1000) << " ms, downtime "
         << fmt("%.0f", m.timing.downtime_s * 1000) << " ms"
         << (m.timing.converged ? "" : " (does NOT converge)") << "\n";
    planned.push_back({{"t_s", m.t},
                       {"domain", vm},
                       {"from", from},
                       {"to", to},
                       {"predicted_total_ms", m.timing.duration_s * 1000},
                       {"predicted_downtime_ms", m.timing.downtime_s * 1000},
                       {"converged", m.timing.converged}});
  }
  text << "energy " << fmt("%.4f", result.energy_kwh) << " kWh, SLAV " << fmt("%.5f", result.slav)
       << "\n";

  // ---- the migrations the trace recorded: model vs libvirt's job stats ----
  nlohmann::json rec = nlohmann::json::array();
  text << "\nrecorded migrations: " << recorded.size() << "\n";
  if (!recorded.empty()) {
    text << "  domain      from -> to                      limit       dirty/s  |   total ms (pred/real)"
            "  downtime ms (pred/real)  MiB sent (pred/real)  iterations (pred/real)  libvirt prep ms\n";
  }
  // Non-zero memory: what an earlier migration of the same domain found (pages not
  // sent as zero pages), else the QEMU process's RSS minus its own overhead.
  std::map<std::string, double> nonzero_seen;
  for (const auto& m : recorded) {
    models::MigrationScenario sc;
    sc.host = profile;
    sc.memory.ram_mib = m.ram_mib;
    const bool have_rss = m.rss_mib > 0;
    const auto earlier = nonzero_seen.find(m.domain);
    std::string nonzero_from = have_rss ? "balloon.rss - --rss-overhead-mib" : "60% of RAM";
    if (earlier != nonzero_seen.end()) {
      sc.memory.nonzero_mib = std::min(earlier->second, m.ram_mib);
      nonzero_from = "earlier migration: memory_total - memory_constant pages";
    } else {
      sc.memory.nonzero_mib =
          have_rss ? std::clamp(m.rss_mib - overhead, 0.0, m.ram_mib) : m.ram_mib * 0.6;
    }
    if (m.completed.has("memory_total") && m.completed.has("memory_constant")) {
      nonzero_seen[m.domain] = std::max(
          0.0, (stat(m.completed, "memory_total") - stat(m.completed, "memory_constant") * 4096.0) /
                   mib_bytes);
    }
    sc.workload.pattern = models::DirtyPattern::Sequential;
    sc.workload.pacing = models::Pacing::WallClock;
    sc.workload.wss_mib = sc.memory.nonzero_mib;
    // Dirty rate: QEMU's own measurement from an earlier migration of this domain
    // when there was one (page sampling under-reports badly under TCG), else the
    // last page-sampling measurement before the job.
    std::string dirty_from = "none (0)";
    sc.workload.pages_per_sec = 0.0;
    if (m.earlier_job_dirty_pages_per_sec > 0) {
      sc.workload.pages_per_sec = m.earlier_job_dirty_pages_per_sec;
      dirty_from = "memory_dirty_rate of an earlier migration";
    } else if (m.dirty_pages_per_sec >= 0) {
      sc.workload.pages_per_sec = m.dirty_pages_per_sec;
      dirty_from = "page sampling before the job";
    }
    sc.qemu.max_bandwidth_mibps = m.max_speed_mibps >= 0 ? m.max_speed_mibps : bandwidth;
    sc.qemu.downtime_limit_ms = m.max_downtime_ms > 0 ? m.max_downtime_ms : downtime;
    sc.qemu.auto_converge = stat(m.completed, "auto_converge_throttle") > 0;
    sc.options.record_iterations = false;
    const models::Prediction p = models::QemuPrecopyModel().predict(sc);
    const double real_total = stat(m.completed, "time_elapsed");
    const double real_down = stat(m.completed, "downtime");
    const double real_bytes = m.completed.has("memory_processed") ? stat(m.completed, "memory_processed")
                                                                  : stat(m.completed, "data_processed");
    const double real_iter = stat(m.completed, "memory_iteration");
    char line[480];
    std::snprintf(line, sizeof line,
                  "  %-10s  %s -> %s  %8s  %8.0f  | %9.0f / %-9.0f  %9.1f / %-9.1f  %8.1f / %-8.1f  %6d / %-6.0f  %s\n",
                  m.domain.c_str(), m.from_host.c_str(), m.to_host.c_str(),
                  sc.qemu.max_bandwidth_mibps > 0 ? fmt("%.0fMiB/s", sc.qemu.max_bandwidth_mibps).c_str()
                                                  : "unlim",
                  sc.workload.pages_per_sec, p.total_time_ms, real_total, p.downtime_ms, real_down,
                  p.transferred_bytes / mib_bytes, real_bytes / mib_bytes, p.dirty_syncs, real_iter,
                  m.prepare_ms >= 0 ? fmt("%.0f", m.prepare_ms).c_str() : "?");
    text << line;
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
                     {"nonzero_from", nonzero_from},
                     {"dirty_pages_per_sec", sc.workload.pages_per_sec},
                     {"dirty_rate_from", dirty_from},
                     {"page_sampling_pages_per_sec", m.dirty_pages_per_sec},
                     {"max_bandwidth_mibps", sc.qemu.max_bandwidth_mibps},
                     {"downtime_limit_ms", sc.qemu.downtime_limit_ms},
                     {"auto_converge", sc.qemu.auto_converge},
                     {"link_mibps", sc.host.link_mibps}}},
                   {"predicted", models::to_json(p)},
                   {"recorded",
                    {{"total_ms", real_total},
                     {"libvirt_prepare_ms", m.prepare_ms},
                     {"downtime_ms", real_down},
                     {"memory_processed_bytes", real_bytes},
                     {"iterations", real_iter},
                     {"job_stats", completed}}},
                   {"error",
                    {{"total_ms", p.total_time_ms - real_total},
                     {"downtime_ms", p.downtime_ms - real_down},
                     {"total_rel", real_total > 0 ? (p.total_time_ms - real_total) / real_total : 0.0}}}});
  }
  const nlohmann::json j = {{"trace", o.trace},
                            {"policy", policy.name()},
                            {"interval_s", ts.interval_s},
                            {"duration_s", ts.duration_s},
                            {"cluster", sim::to_json(result)},
                            {"policy_migrations", planned},
                            {"recorded_migrations", rec}};
  if (!o.out.empty()) traces::write_file_atomically(o.out, j.dump(2) + "\n");
  if (o.json) {
    print_json(j.dump(2));
  } else {
    std::cout << text.str();
  }
  return 0;
}

}  // namespace

void add_replay_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterReplay(71, "replay", add_replay_command);

void add_replay_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ReplayOptions>();
  CLI::App* sub = app.add_subcommand(
      "replay", "Replay a captured libvirt trace: what a policy would migrate, at what cost, and "
                "the model against the migrations the trace recorded.");
  sub->footer(
      "Demand: cpu.time deltas / (interval x vCPUs); memory: balloon.maximum; dirty rate:\n"
      "the page-sampling measurements; non-zero memory is estimated as balloon.rss minus\n"
      "--rss-overhead-mib (QEMU's own RSS). Recorded migrations use the bandwidth and\n"
      "downtime limit the capture saw (else --bandwidth / --max-downtime).\n\n"
      "Example:\n"
      "  migsim replay trace.jsonl --policy rules.json --host-cpus 1 --link-mibps 400\n");
  sub->add_option("trace", o->trace, "Trace file from 'migsim capture'")->required();
  sub->add_option("--policy", o->policy, "Rules JSON file or policy name (default thr-mmt)");
  sub->add_option("--host-cpus", o->host_cpus, "CPUs per host (default: as captured)");
  sub->add_option("--bandwidth", o->bandwidth, "MiB/s for the policy's migrations (default unlimited)");
  sub->add_option("--max-downtime", o->downtime, "Downtime limit in ms (default 300)");
  sub->add_option("--link-mibps", o->link, "Unthrottled path speed in MiB/s (default: profile's)");
  sub->add_option("--profile", o->profile, "Host profile JSON (migsim calibrate / validation)");
  sub->add_option("--rss-overhead-mib", o->rss_overhead, "QEMU's own RSS in MiB (default 128)");
  sub->add_option("--seed", o->seed, "Seed of the policy's random choices (RS selection; default 42)");
  sub->add_flag("--json", o->json, "Print JSON");
  sub->add_option("--out", o->out, "Also write the JSON result here");
  sub->callback([o, &action] { action = [o] { return run_replay(*o); }; });
}

}  // namespace migsim::cli
