// What the cluster's state costs in memory: the bundled default cluster (800
// hosts, 1052 synthetic VMs) scaled to 1x, 4x and 10x hosts and VMs, with
// traces of 24 h and of 30 days (workload.samples = 288 / 8640). Each point
// runs in its own process (fork) so that its peak RSS (VmHWM) is its own:
//  - prepared: scenario parsed, hosts, VMs and traces built (prepare_cluster_run);
//  - simulated: the engine built and run for at most RUN_HOURS simulated hours
//    (initial placement, then processing instants and migrations, so that the
//    hosts' migration status sets and the VMs' histories fill up) with the
//    full traces loaded; 0 skips it.
// bytes_per_vm = (VmHWM - VmRSS at the child's start) / VMs. Prints one JSON
// object; a report, no pass/fail.
//   bench_memory [RUN_HOURS (default 2)] [SCALES (default 1,4,10)]

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/child_process.hpp"
#include "experiments/cluster_setup.hpp"
#include "sim/cluster_engine.hpp"

using namespace migsim;

namespace {

// A "VmXXX:   1234 kB" field of /proc/self/status, in bytes.
long long status_bytes(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::atoll(line.c_str() + key.size()) * 1024;
  }
  return -1;
}

nlohmann::json measure(const nlohmann::json& base, int scale, int days, double run_hours) {
  const long long rss0 = status_bytes("VmRSS");
  nlohmann::json doc = base;
  for (auto& h : doc["host_types"]) h["count"] = h["count"].get<int>() * scale;
  doc["workload"]["vms"] = doc["workload"]["vms"].get<int>() * scale;
  const double interval = doc["workload"]["interval_s"].get<double>();
  doc["duration_s"] = days * 86400.0;
  doc["workload"]["samples"] = static_cast<int>(days * 86400.0 / interval);

  experiments::ClusterRunRequest req;
  req.scenario_path = "default-cluster.json (scaled in memory)";
  req.scenario_doc = doc;
  experiments::ClusterRun run = experiments::prepare_cluster_run(req);
  const auto vms = static_cast<double>(run.spec.vms.size());
  const auto hosts = run.spec.hosts.size();
  const long long hwm_prepared = status_bytes("VmHWM");
  std::size_t sample_count = run.spec.demand.empty() ? 0 : run.spec.demand.front().size();

  nlohmann::json out{{"scale", scale},
                     {"days", days},
                     {"hosts", hosts},
                     {"vms", run.spec.vms.size()},
                     {"samples_per_vm", sample_count},
                     {"rss_at_start_mib", static_cast<double>(rss0) / 1048576.0},
                     {"prepared_peak_rss_mib", static_cast<double>(hwm_prepared) / 1048576.0},
                     {"prepared_bytes_per_vm", static_cast<double>(hwm_prepared - rss0) / vms}};
  if (run_hours > 0) {
    run.spec.options.duration_s = std::min(run.spec.options.duration_s, run_hours * 3600.0);
    sim::ClusterEngine engine(std::move(run.spec), *run.policy, *run.timer);
    const sim::ClusterResult r = engine.run();
    const long long hwm = status_bytes("VmHWM");
    out["simulated_s"] = r.simulated_s;
    out["migrations"] = r.migrations;
    out["simulated_peak_rss_mib"] = static_cast<double>(hwm) / 1048576.0;
    out["simulated_bytes_per_vm"] = static_cast<double>(hwm - rss0) / vms;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const double run_hours = argc > 1 ? std::atof(argv[1]) : 2.0;
  std::vector<int> scales;
  {
    std::stringstream ss(argc > 2 ? argv[2] : "1,4,10");
    std::string item;
    while (std::getline(ss, item, ',')) scales.push_back(std::max(1, std::atoi(item.c_str())));
  }
  const std::string path = std::string(MIGSIM_SOURCE_DIR) + "/scenarios/default-cluster.json";
  std::ifstream in(path);
  const nlohmann::json base = nlohmann::json::parse(in);

  nlohmann::json points = nlohmann::json::array();
  for (int days : {1, 30}) {
    for (int scale : scales) {
      points.push_back(bench::measure_in_child([&] { return measure(base, scale, days, run_hours); },
                                               {{"scale", scale}, {"days", days}}));
    }
  }
  const nlohmann::json out{{"benchmark", "memory"},
                           {"scenario", "scenarios/default-cluster.json"},
                           {"run_hours", run_hours},
                           {"points", points}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
