// `migsim run`: simulate a virtual cluster under a consolidation policy.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "experiments/cluster_setup.hpp"
#include "experiments/cluster_sweep.hpp"
#include "experiments/host_evacuation.hpp"
#include "apps/commands.hpp"
#include "apps/out_dir_flags.hpp"
#include "apps/progress_line.hpp"
#include "experiments/run_outputs.hpp"
#include "experiments/sweep_shards.hpp"
#include "policies/policy_registry.hpp"
#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "traces/atomic_file.hpp"

namespace migsim::cli {

namespace {

struct RunOptions {
  std::string scenario, traces, policy, param, seed, sweep, out, jobs = "0", evacuate, shard;
  OutDirFlags out_dir;
  bool json = false, quiet = false, resume = false;
};

void print_summary(const experiments::ClusterRun& run, const sim::ClusterResult& r, double wall_s,
                   std::ostream& out) {
  char buf[256];
  out << "scenario          " << run.scenario.name << " (" << run.scenario.path << ")\n"
      << "semantics         " << r.mode
      << (r.mode == "cloudsim" ? " (CloudSim 3.0.3 compatible)" : " (migsim: pre-copy migration model)")
      << "\n"
      << "workload          " << run.workload << "\n"
      << "policy            " << r.policy << "\n"
      << "migration model   " << run.timer->name() << "\n"
      << "hosts / VMs       " << r.hosts << " / " << r.vms << "\n";
  std::snprintf(buf, sizeof buf, "simulated         %.0f s (%.1f h), %lld processing steps\n", r.simulated_s,
                r.simulated_s / 3600, r.processing_steps);
  out << buf;
  std::snprintf(buf, sizeof buf, "energy            %.2f kWh\n", r.energy_kwh);
  out << buf;
  std::snprintf(buf, sizeof buf, "migrations        %lld (mean %.2f s%s)\n", r.migrations, r.mean_migration_s,
                r.migrations_failed ? (", " + std::to_string(r.migrations_failed) + " did not converge").c_str()
                                    : "");
  out << buf;
  if (r.mode == "migsim") {
    std::snprintf(buf, sizeof buf, "downtime          %.3f s total, %.1f ms mean per migration\n",
                  r.total_downtime_s, r.mean_downtime_ms);
    out << buf;
  }
  std::snprintf(buf, sizeof buf, "SLATAH            %.4f %%  (time active hosts were at 100 %%)\n", r.slatah * 100);
  out << buf;
  std::snprintf(buf, sizeof buf, "PDM               %.5f %%  (performance lost to migrations)\n", r.pdm * 100);
  out << buf;
  std::snprintf(buf, sizeof buf, "SLAV              %.3e  (SLATAH x PDM)\n", r.slav);
  out << buf;
  std::snprintf(buf, sizeof buf, "ESV               %.3e  (energy x SLAV)\n", r.esv);
  out << buf;
  std::snprintf(buf, sizeof buf, "host shutdowns    %lld\n", r.host_shutdowns);
  out << buf;
  if (r.vms_retired) {
    std::snprintf(buf, sizeof buf, "VMs retired       %lld (demand fell to 0; CloudSim semantics)\n", r.vms_retired);
    out << buf;
  }
  if (r.vms_unplaced) {
    std::snprintf(buf, sizeof buf, "VMs not placed    %lld (fit on no host at the start; never ran)\n",
                  r.vms_unplaced);
    out << buf;
  }
  std::snprintf(buf, sizeof buf, "wall time         %.3f s\n", wall_s);
  out << buf;
}

// --sweep: every point of the axes file (or of one shard of it), in parallel, one line per
// point in point order; with --out each finished point is kept at once (--resume goes on).
int run_sweep(const RunOptions& o, const experiments::ClusterRunRequest& req) {
  const nlohmann::json scenario = read_json_file(o.scenario);
  const nlohmann::json axes_doc = read_json_file(o.sweep);
  const auto axes = experiments::read_cluster_sweep_axes(axes_doc, scenario, o.sweep, o.scenario);
  const auto points = expand_axes(scenario, axes, o.sweep, 10000);
  std::optional<experiments::SweepShard> shard;
  if (!o.shard.empty()) shard = experiments::parse_sweep_shard(o.shard, "--shard");
  const auto mine = experiments::shard_points(points.size(), shard.value_or(experiments::SweepShard{}));
  std::optional<experiments::SweepIdentity> identity;
  if (shard) {
    const nlohmann::json what{{"scenario", scenario}, {"axes", axes_doc}, {"traces", req.traces_dir},
                              {"policy", req.policy}, {"param", req.parameter ? nlohmann::json(*req.parameter) : nullptr},
                              {"seed", req.seed ? nlohmann::json(*req.seed) : nullptr}};
    identity = experiments::SweepIdentity{experiments::sweep_fingerprint(what), points.size(),
                                          experiments::to_string(*shard)};
  }
  std::unique_ptr<experiments::SweepOutputFile> file;
  if (!o.out.empty())
    file = std::make_unique<experiments::SweepOutputFile>(o.out, points, mine, identity, o.resume, "--out");
  const std::vector<std::size_t> todo = file ? file->missing() : mine;
  const unsigned jobs = worker_threads("--jobs", o.jobs, std::max<std::size_t>(todo.size(), 1));
  std::atomic<std::size_t> done{file ? file->resumed() : 0};
  ProgressLine progress("run --sweep", "points", progress_wanted(o.quiet));
  std::map<std::size_t, std::string> fresh;  // without --out: the lines of this run
  std::mutex fresh_mutex;
  experiments::run_cluster_points(points, todo, req, jobs, [&](std::size_t k, const sim::ClusterResult& r) {
    const nlohmann::json result = sim::to_json(r);
    if (file) {
      file->add(k, result);
    } else {
      std::lock_guard<std::mutex> lock(fresh_mutex);
      fresh[k] = experiments::sweep_line(k, points[k].coordinates, result, identity ? &*identity : nullptr);
    }
    progress.update(static_cast<double>(done.fetch_add(1) + 1), static_cast<double>(mine.size()));
  });
  progress.finish();
  std::string text;
  if (file) {
    text = file->commit();
  } else {
    for (const auto& [k, line] : fresh) text += line + "\n";
  }
  if (o.json) {
    std::cout << text;
    return 0;
  }
  std::cout << "sweep of " << o.scenario << " over " << o.sweep << ": " << points.size() << " points";
  if (shard) std::cout << ", shard " << o.shard << ": " << mine.size() << " of them";
  if (file && file->resumed()) std::cout << " (" << file->resumed() << " kept from " << o.out << ")";
  std::cout << "\n";
  char buf[256];
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json j = nlohmann::json::parse(line);
    const auto& r = j["result"];
    std::string coords;
    for (const auto& [k, v] : j["coordinates"].items()) coords += (coords.empty() ? "" : "  ") + k + "=" + v.dump();
    std::snprintf(buf, sizeof buf,
                  "  %3zu  energy %9.2f kWh  migrations %5lld (%lld failed, mean %6.2f s)  downtime %8.3f s  "
                  "SLAV %.3e  shutdowns %lld  |  ",
                  j["point"].get<std::size_t>(), r["energy_kwh"].get<double>(), r["migrations"].get<long long>(),
                  r["migrations_failed"].get<long long>(), r["mean_migration_s"].get<double>(),
                  r["total_downtime_s"].get<double>(), r["slav"].get<double>(), r["host_shutdowns"].get<long long>());
    std::cout << buf << coords << "\n";
  }
  if (!o.out.empty()) std::cout << "JSON lines written to " << o.out << "\n";
  return 0;
}

// --evacuate host:N: every VM off one host, under the scenario's admission policy.
int run_evacuation(const RunOptions& o, const experiments::ClusterRunRequest& req) {
  experiments::ClusterRun run = experiments::prepare_cluster_run(req);
  const int host = experiments::parse_host_ref(o.evacuate, static_cast<int>(run.spec.hosts.size()), "--evacuate");
  const experiments::HostEvacuation ev = experiments::evacuate_host(run, host);
  const nlohmann::json j = experiments::to_json(ev);
  if (o.json) {
    print_json(j.dump(2));
    return 0;
  }
  char buf[256];
  std::printf("evacuate          %s of %s (policy %s)\n", o.evacuate.c_str(), run.scenario.name.c_str(),
              run.policy->name().c_str());
  std::printf("migrations        %zu, makespan %.3f s%s\n", ev.result.migrations.size(), ev.result.makespan_s,
              j["converged_all"].get<bool>() ? "" : " (NOT all converged or moved)");
  std::printf("\n  %-24s %-9s %9s %9s %11s %11s %5s\n", "VM", "to", "start s", "end s", "total ms", "downtime ms",
              "conv");
  for (const auto& m : j["migrations"]) {
    std::snprintf(buf, sizeof buf, "  %-24s %-9s %9.3f %9.3f %11.1f %11.1f %5s\n",
                  m["vm"].get<std::string>().c_str(), m["to"].get<std::string>().c_str(), m["start_s"].get<double>(),
                  m["end_s"].get<double>(), m["total_time_ms"].get<double>(), m["downtime_ms"].get<double>(),
                  m["converged"].get<bool>() ? "yes" : "NO");
    std::cout << buf;
  }
  if (!ev.result.left.empty()) std::cout << "\nnot evacuated     " << j["not_evacuated"].dump() << "\n";
  return 0;
}

// A cluster run on a terminal: simulated days done and the ETA, once it has run a
// few seconds (MIGSIM_PROGRESS_AFTER_S overrides the 2 s).
class RunProgress final : public sim::EngineObserver {
 public:
  RunProgress(double duration_s, bool enabled)
      : line_("run", "simulated days", enabled, show_after_s()), days_(duration_s / 86400.0) {}
  void step(const sim::StepView& s) override { line_.update(s.t_s() / 86400.0, days_); }
  void finish() { line_.finish(); }

 private:
  static double show_after_s() {
    const char* e = std::getenv("MIGSIM_PROGRESS_AFTER_S");
    return e && *e ? std::atof(e) : 2.0;
  }
  ProgressLine line_;
  double days_;
};

int run_command(const RunOptions& o) {
  if (o.sweep.empty() && (!o.out.empty() || o.jobs != "0" || !o.shard.empty() || o.resume)) {
    throw InputError(std::string(!o.out.empty() ? "--out" : !o.shard.empty() ? "--shard" : o.resume ? "--resume" : "--jobs") +
                     ": only with --sweep");
  }
  if (o.resume && o.out.empty()) throw InputError("--resume: needs --out (the file whose points it keeps)");
  if (!o.out_dir.dir.empty() && (!o.sweep.empty() || !o.evacuate.empty())) {
    throw InputError(std::string("--out-dir: not with ") + (o.sweep.empty() ? "--evacuate" : "--sweep"));
  }
  const traces::RecordFormat format = out_dir_format(o.out_dir);
  experiments::ClusterRunRequest req;
  req.scenario_path = o.scenario;
  req.traces_dir = o.traces;
  req.policy = o.policy;
  if (!o.param.empty()) req.parameter = parse_number("--param", o.param);
  if (!o.seed.empty()) req.seed = parse_seed("--seed", o.seed);
  if (!o.sweep.empty()) {
    if (!o.evacuate.empty()) throw InputError("--evacuate: not with --sweep");
    return run_sweep(o, req);
  }
  if (!o.evacuate.empty()) return run_evacuation(o, req);
  const auto t0 = std::chrono::steady_clock::now();
  experiments::ClusterRun run = experiments::prepare_cluster_run(req);
  std::vector<sim::EngineObserver*> observers;
  std::unique_ptr<experiments::RunOutputs> outputs;
  if (!o.out_dir.dir.empty()) {
    outputs = std::make_unique<experiments::RunOutputs>(o.out_dir.dir, format, "--out-dir", run.app.get());
    observers.push_back(outputs.get());
  }
  std::unique_ptr<RunProgress> progress;
  if (progress_wanted(o.quiet)) {
    progress = std::make_unique<RunProgress>(run.spec.options.duration_s, true);
    observers.push_back(progress.get());
  }
  const sim::ClusterResult r = experiments::run_cluster(run, observers);
  if (progress) progress->finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const nlohmann::json summary = experiments::run_summary(run, r);
  if (outputs) outputs->commit(summary);
  if (o.json) {
    print_json(summary.dump(2));
  } else {
    print_summary(run, r, wall, std::cout);
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterRun(30, "run", add_run_command);

void add_run_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand(
      "run",
      "Simulate a virtual cluster under a consolidation policy.\n"
      "Examples:\n"
      "  migsim run scenarios/default-cluster.json\n"
      "  migsim run scenarios/cloudsim-planetlab.json --traces ../shared/traces/planetlab/20110303 "
      "--policy thr-mmt --param 0.8 --json\n"
      "  migsim run scenarios/default-cluster.json --out-dir out/default\n"
      "  migsim run scenarios/topology-two-racks.json --sweep scenarios/sweep-uplinks.json\n"
      "  migsim run scenarios/topology-two-racks.json --evacuate host:2");
  cmd->add_option("scenario", o->scenario, "Cluster scenario JSON (scenarios/*.json)")->required();
  cmd->add_option("--traces", o->traces,
                  "Directory of PlanetLab-style traces (one file per VM, one CPU % per line); "
                  "default: the scenario's workload");
  cmd->add_option("--policy", o->policy,
                  policies::policy_names_summary() + ", or " + policies::kRulePolicyName +
                      " (the scenario's policy object); default: the scenario's policy");
  cmd->add_option("--param", o->param, "Policy parameter: " + policies::parameter_summary());
  cmd->add_option("--seed", o->seed, "Seed of random choices (RS selection); default: the scenario's (42)");
  cmd->add_flag("--json", o->json, "Print one JSON object (with --sweep: one JSON line per point)");
  cmd->add_option("--sweep", o->sweep,
                  "Axes file: {\"/json/pointer\": [values], ...}; runs the cartesian product of the "
                  "values (axes in key order, the last varying fastest), in parallel, one line per point");
  cmd->add_option("--jobs", o->jobs, "With --sweep: worker threads (default: all cores)");
  cmd->add_option("--out", o->out,
                  "With --sweep: write the JSON lines atomically here too (each finished point is kept at "
                  "once in OUT.partial, so a killed sweep loses none)");
  cmd->add_option("--shard", o->shard,
                  "With --sweep: I/N runs only the points p with p % N == I (one task of a job array: "
                  "scripts/slurm-sweep); its lines name the sweep, for 'migsim sweep-merge'");
  cmd->add_flag("--resume", o->resume,
                "With --sweep --out: keep the points OUT and OUT.partial already hold, run the others");
  cmd->add_flag("--quiet", o->quiet,
                "No progress on stderr (drawn only on a terminal: points with --sweep, simulated days "
                "of a run longer than 2 s)");
  add_out_dir_flags(cmd, o->out_dir,
                    "migrations.csv, cluster.csv, hosts.csv (streamed as the run goes), summary.json (= --json)");
  cmd->add_option("--evacuate", o->evacuate,
                  "host:N: migrate every VM off host N from t = 0 under the scenario's admission policy, "
                  "over its network (as 'migsim batch'); print each migration and the makespan");
  cmd->callback([o, &action]() { action = [o]() { return run_command(*o); }; });
}

}  // namespace migsim::cli
