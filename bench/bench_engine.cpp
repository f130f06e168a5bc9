// What the event-driven cluster engine costs: (a) the bundled default cluster
// (800 hosts, 1052 synthetic VMs, 24 h, migsim semantics, QEMU pre-copy
// processes) and (b) one PlanetLab day under thr-mmt in CloudSim semantics
// (skipped when the day's directory is missing). For each: best-of-N CPU
// seconds of the engine run (scenario and traces loaded beforehand, not
// counted), the events it processed (processing instants and migration
// milestones; one event may reach several migrations' milestones at once),
// events per CPU second, milestones reached and rate changes pushed (from the
// engine's MigrationFlows), migrations; and the process's peak RSS.
// Prints one JSON object. A report, not a pass/fail on timing.
//   bench_engine [REPEATS] [DAY_DIR]
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/cluster_setup.hpp"
#include "sim/cluster_engine.hpp"

using namespace migsim;

namespace {

double cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

nlohmann::json measure(const experiments::ClusterRunRequest& req, int repeats) {
  double best_run = 1e300, best_prepare = 1e300;
  std::uint64_t events = 0;
  long long milestones = 0, rate_changes = 0;
  std::size_t in_flight_at_end = 0;
  sim::ClusterResult result;
  for (int k = 0; k < repeats; ++k) {
    const double c0 = cpu_s();
    experiments::ClusterRun run = experiments::prepare_cluster_run(req);
    const double c1 = cpu_s();
    sim::ClusterEngine engine(std::move(run.spec), *run.policy, *run.timer);
    result = engine.run();
    const double c2 = cpu_s();
    best_prepare = std::min(best_prepare, c1 - c0);
    best_run = std::min(best_run, c2 - c1);
    events = engine.events_processed();
    milestones = engine.flows().milestones();
    rate_changes = engine.flows().rate_changes();
    in_flight_at_end = engine.flows().in_flight();
  }
  return {{"prepare_cpu_s", best_prepare},
          {"run_cpu_s", best_run},
          {"events", events},
          {"events_per_cpu_s", static_cast<double>(events) / best_run},
          {"milestones_reached", milestones},
          {"rate_changes", rate_changes},
          {"processing_steps", result.processing_steps},
          {"in_flight_at_end", in_flight_at_end},
          {"migrations", result.migrations},
          {"migrations_failed", result.migrations_failed},
          {"energy_kwh", result.energy_kwh},
          {"peak_rss_mib_so_far", peak_rss_mib()}};
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const std::string src = MIGSIM_SOURCE_DIR;
  const std::string day = argc > 2 ? argv[2] : src + "/../shared/traces/planetlab/20110303";

  nlohmann::json out{{"benchmark", "engine"}, {"repeats", repeats}};

  experiments::ClusterRunRequest def;
  def.scenario_path = src + "/scenarios/default-cluster.json";
  out["default_cluster"] = measure(def, repeats);

  if (std::filesystem::is_directory(day)) {
    experiments::ClusterRunRequest pl;
    pl.scenario_path = src + "/scenarios/cloudsim-planetlab.json";
    pl.traces_dir = day;
    pl.policy = "thr-mmt";
    nlohmann::json m = measure(pl, repeats);
    m["traces"] = day;
    out["planetlab_thr_mmt"] = m;
  } else {
    out["planetlab_thr_mmt"] = {{"skipped", "no directory " + day}};
  }
  out["peak_rss_mib"] = peak_rss_mib();
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
