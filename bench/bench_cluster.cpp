// Cluster simulation speed and memory: one PlanetLab day (800 hosts, ~1000 VMs,
// 24 h) per policy, CloudSim-compatible semantics. Prints one JSON object with
// wall times, peak RSS and the speed-up over CloudSim 3.0.3 measured on this
// machine (goal >= 100x and < 100 MB). A report, not a pass/fail on timing.
//   bench_cluster [DAY_DIR] [REPEATS]
// Without DAY_DIR (or if it is missing) it uses 1052 seeded synthetic traces.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "models/migration_timer.hpp"
#include "models/power_model.hpp"
#include "policies/policy_factory.hpp"
#include "sim/cluster_engine.hpp"
#include "sim/cluster_scenario.hpp"
#include "traces/planetlab_reader.hpp"
#include "traces/synthetic_trace.hpp"

using namespace migsim;

namespace {
double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}
}  // namespace

int main(int argc, char** argv) {
  const std::string scenario_path = std::string(MIGSIM_SOURCE_DIR) + "/scenarios/cloudsim-planetlab.json";
  std::string day = argc > 1 ? argv[1] : std::string(MIGSIM_SOURCE_DIR) + "/../shared/traces/planetlab/20110303";
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<sim::UtilizationSeries> demand;
  std::string workload;
  if (std::filesystem::is_directory(day)) {
    demand = traces::read_planetlab_day(day);
    workload = day;
  } else {
    traces::SyntheticTraceOptions o;
    o.vms = 1052;
    demand = traces::generate_synthetic_traces(o);
    workload = "synthetic (1052 VMs, seed 1)";
  }
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const sim::ClusterScenario sc = sim::read_cluster_scenario(scenario_path);
  const sim::ClusterSpec spec = sim::build_cluster_spec(sc, demand, [](const nlohmann::json& j, const std::string& w) {
    return std::shared_ptr<const sim::PowerCurve>(models::power_model_from_json(j, w));
  });
  models::CloudSimMigrationTimer timer;
  // CloudSim 3.0.3 on this machine (OpenJDK 17, 2 shared cores), CPU seconds
  // (user + sys) for day 20110303 with the planetlab runner, measured with
  // /usr/bin/time (see the README table). CPU time, not wall time: the machine
  // is shared, so wall times vary with the load.
  struct Case {
    const char* policy;
    double cloudsim_cpu_s;
  };
  const Case cases[] = {{"thr-mmt", 24.97}, {"lr-mmt", 39.79}, {"dvfs", 3.32}, {"npa", 3.3}};
  std::printf("{\"benchmark\": \"cluster\", \"workload\": \"%s\", \"hosts\": %zu, \"vms\": %zu, "
              "\"trace_load_s\": %.4f, \"runs\": [\n",
              workload.c_str(), spec.hosts.size(), spec.vms.size(), load_s);
  bool first = true;
  for (const Case& c : cases) {
    double best = 1e9, best_cpu = 1e9;
    sim::ClusterResult r;
    for (int i = 0; i < repeats; ++i) {
      auto policy = policies::make_policy(c.policy, {});
      const auto s = std::chrono::steady_clock::now();
      const std::clock_t c0 = std::clock();
      r = sim::ClusterEngine(spec, *policy, timer).run();
      best_cpu = std::min(best_cpu, static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count());
    }
    std::printf("%s  {\"policy\": \"%s\", \"wall_s\": %.4f, \"cpu_s\": %.4f, \"cloudsim_cpu_s\": %.2f, "
                "\"speedup_cpu\": %.0f, \"energy_kwh\": %.2f, \"migrations\": %lld}",
                first ? "" : ",\n", c.policy, best, best_cpu, c.cloudsim_cpu_s, c.cloudsim_cpu_s / best_cpu,
                r.energy_kwh, r.migrations);
    first = false;
  }
  const double rss = peak_rss_mib();
  std::printf("\n], \"peak_rss_mib\": %.1f, \"cloudsim_peak_rss_mib\": 1236, \"goal_speedup\": 100, \"goal_rss_mib\": 100, "
              "\"rss_within_goal\": %s}\n",
              rss, rss < 100 ? "true" : "false");
  return 0;
}
