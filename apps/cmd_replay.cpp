// `migsim replay`: flags and printing; the replay itself is experiments/replay.hpp.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "apps/commands.hpp"
#include "apps/out_dir_flags.hpp"
#include "experiments/replay.hpp"
#include "experiments/run_outputs.hpp"
#include "models/scenario_json.hpp"
#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"
#include "traces/libvirt_trace.hpp"

namespace migsim::cli {

namespace {

struct ReplayOptions {
  std::string trace, policy = "thr-mmt", host_cpus, bandwidth = "unlimited", downtime = "300",
              link, profile, rss_overhead = "128", seed = "42", out;
  OutDirFlags out_dir;
  bool json = false;
};

std::string fmt(const char* f, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, a);
  return buf;
}

std::string text_report(const experiments::ReplayResult& r) {
  const auto& ts = r.series;
  std::ostringstream text;
  text << "trace            " << r.trace << " (" << r.host_names.size() << " hosts, "
       << ts.vms.size() << " VMs, " << fmt("%.0f", ts.duration_s) << " s every "
       << fmt("%g", ts.interval_s) << " s)\n";
  for (const auto& v : ts.vms) {
    text << "  VM " << v.name << ": " << fmt("%.0f", v.ram_mib) << " MiB, mean CPU "
         << fmt("%.2f", v.mean_util) << ", peak CPU "
         << fmt("%.2f", v.util.empty() ? 0.0 : *std::max_element(v.util.begin(), v.util.end()))
         << ", dirty " << fmt("%.0f", v.mean_dirty_pages_per_sec) << " pages/s ("
         << v.dirty_measurements << " measurements), starts on "
         << r.host_names[static_cast<std::size_t>(v.first_host)] << "\n";
  }
  text << "policy           " << r.policy << "\n"
       << "what it would do " << r.policy_migrations.size() << " migration(s)\n";
  for (const auto& m : r.policy_migrations) {
    text << "  t=" << fmt("%.0f", m.t_s) << " s  " << m.domain << " " << m.from << " -> " << m.to
         << "  predicted " << fmt("%.0f", m.predicted.duration_s * 1000) << " ms, downtime "
         << fmt("%.0f", m.predicted.downtime_s * 1000) << " ms"
         << (m.predicted.converged ? "" : " (does NOT converge)") << "\n";
  }
  text << "energy " << fmt("%.4f", r.cluster.energy_kwh) << " kWh, SLAV " << fmt("%.5f", r.cluster.slav)
       << "\n";

  text << "\nrecorded migrations: " << r.recorded.size() << "\n";
  if (!r.recorded.empty()) {
    text << "  domain      from -> to                      limit       dirty/s  |   total ms (pred/real)"
            "  downtime ms (pred/real)  MiB sent (pred/real)  iterations (pred/real)  libvirt prep ms\n";
  }
  for (const auto& c : r.recorded) {
    const auto& m = c.recorded;
    const auto& sc = c.scenario;
    const auto& p = c.predicted;
    char line[480];
    std::snprintf(line, sizeof line,
                  "  %-10s  %s -> %s  %8s  %8.0f  | %9.0f / %-9.0f  %9.1f / %-9.1f  %8.1f / %-8.1f  %6d / %-6.0f  %s\n",
                  m.domain.c_str(), m.from_host.c_str(), m.to_host.c_str(),
                  sc.qemu.max_bandwidth_mibps > 0 ? fmt("%.0fMiB/s", sc.qemu.max_bandwidth_mibps).c_str()
                                                  : "unlim",
                  sc.workload.pages_per_sec, p.total_time_ms, c.real_total_ms, p.downtime_ms,
                  c.real_downtime_ms, p.transferred_bytes / models::kMiB,
                  c.real_memory_bytes / models::kMiB, p.dirty_syncs, c.real_iterations,
                  m.prepare_ms >= 0 ? fmt("%.0f", m.prepare_ms).c_str() : "?");
    text << line;
  }
  return text.str();
}

int run_replay(const ReplayOptions& o) {
  experiments::ReplaySettings s;
  s.policy = o.policy;
  s.host_cpus = o.host_cpus.empty() ? 0.0 : parse_bounded("--host-cpus", o.host_cpus, bounds::kCpus);
  s.bandwidth_mibps = o.bandwidth == "unlimited" ? 0.0 : parse_bounded("--bandwidth", o.bandwidth, bounds::kBandwidthMibps);
  s.max_downtime_ms = parse_bounded("--max-downtime", o.downtime, bounds::kDowntimeMs);
  s.rss_overhead_mib = parse_bounded("--rss-overhead-mib", o.rss_overhead, bounds::kMemoryMibOrZero);
  s.seed = parse_seed("--seed", o.seed);
  if (!o.profile.empty()) s.profile = models::read_host_profile_file(o.profile);
  if (!o.link.empty()) s.profile.link_mibps = parse_bounded("--link-mibps", o.link, bounds::kBandwidthMibps);

  const traces::RecordFormat format = out_dir_format(o.out_dir);
  std::unique_ptr<experiments::RunOutputs> outputs;
  std::vector<sim::EngineObserver*> observers;
  if (!o.out_dir.dir.empty()) {
    outputs = std::make_unique<experiments::RunOutputs>(o.out_dir.dir, format);
    observers.push_back(outputs.get());
  }
  const experiments::ReplayResult r =
      experiments::replay_trace(traces::read_libvirt_trace(o.trace), o.trace, s, observers);
  const nlohmann::json j = experiments::to_json(r);
  if (outputs) outputs->commit(j);
  if (!o.out.empty()) traces::write_file_atomically(o.out, j.dump(2) + "\n");
  if (o.json) {
    print_json(j.dump(2));
  } else {
    std::cout << text_report(r);
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
  add_out_dir_flags(sub, o->out_dir,
                    "migrations.csv (the policy's), cluster.csv, hosts.csv, summary.json (= --json)");
  sub->callback([o, &action] { action = [o] { return run_replay(*o); }; });
}

}  // namespace migsim::cli
