// What the network topology costs: the bundled default cluster (800 hosts, 1052
// VMs, 24 h, migsim semantics) without a network (the hosts' NIC split) and with
// 40 racks of 20 hosts behind 10 Gbit/s uplinks to one core switch (Boost.Graph
// routes, max-min fair rates at every migration start and admission check).
// Prints one JSON object: best-of-N CPU seconds of each run, the ratio, and what
// the network changed. A report, not a pass/fail on timing.
//   bench_network [REPEATS] [UPLINK_MBPS]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/cluster_setup.hpp"
#include "sim/json_input.hpp"

using namespace migsim;

namespace {

double cpu_s() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

struct Timed {
  double best_cpu_s = 1e300;
  sim::ClusterResult result;
};

Timed run(const nlohmann::json& doc, const std::string& name, int repeats) {
  Timed t;
  for (int k = 0; k < repeats; ++k) {
    experiments::ClusterRunRequest req;
    req.scenario_path = name;
    req.scenario_doc = doc;
    const double c0 = cpu_s();
    experiments::ClusterRun r = experiments::prepare_cluster_run(req);
    t.result = experiments::run_cluster(r);
    t.best_cpu_s = std::min(t.best_cpu_s, cpu_s() - c0);
  }
  return t;
}

nlohmann::json racks(int hosts, int per_rack, double uplink_mbps) {
  nlohmann::json switches = nlohmann::json::array({"core"});
  nlohmann::json links = nlohmann::json::array();
  for (int r = 0; r * per_rack < hosts; ++r) {
    const std::string tor = "tor-" + std::to_string(r);
    switches.push_back(tor);
    const int last = std::min(hosts, (r + 1) * per_rack) - 1;
    links.push_back({{"a", "host:" + std::to_string(r * per_rack) + "-" + std::to_string(last)}, {"b", tor}});
    links.push_back({{"a", tor}, {"b", "core"}, {"capacity_mbps", uplink_mbps}});
  }
  return {{"switches", switches}, {"links", links}};
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const double uplink = argc > 2 ? std::atof(argv[2]) : 10000.0;
  const std::string path = std::string(MIGSIM_SOURCE_DIR) + "/scenarios/default-cluster.json";
  const nlohmann::json doc = read_json_file(path);
  int hosts = 0;
  for (const auto& t : doc.at("host_types")) hosts += t.at("count").get<int>();
  nlohmann::json with = doc;
  with["network"] = racks(hosts, 20, uplink);
  const Timed a = run(doc, path, repeats);
  const Timed b = run(with, path + " + 40 racks", repeats);
  auto summary = [](const Timed& t) {
    return nlohmann::json{{"cpu_s", t.best_cpu_s},
                          {"migrations", t.result.migrations},
                          {"migrations_failed", t.result.migrations_failed},
                          {"mean_migration_s", t.result.mean_migration_s},
                          {"energy_kwh", t.result.energy_kwh},
                          {"slav", t.result.slav}};
  };
  const nlohmann::json out{{"benchmark", "network"},
                           {"scenario", "default-cluster (800 hosts, 1052 VMs, 24 h)"},
                           {"repeats", repeats},
                           {"uplink_mbps", uplink},
                           {"nic_split", summary(a)},
                           {"racks_40x20", summary(b)},
                           {"cpu_ratio", b.best_cpu_s / a.best_cpu_s}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
