#pragma once
// The small cluster the engine-level network and admission tests share.
#include <memory>
#include <string>
#include <vector>

#include "models/power_model.hpp"
#include "sim/cluster_spec.hpp"
#include "sim/network_topology.hpp"

namespace migsim::testing {

enum class SixHostNet { None, TwoRacks, Star };

// Six hosts (2 x 1860 MIPS, 4 GiB) with 1000 Mbit/s NICs; one VM per entry of
// `vm_ram_mib` (500 MIPS at 50 % CPU); migsim semantics, decisions at 300,
// 600, ... s for an hour. TwoRacks: rack a = hosts 0-3 on tor-a (vertex 6),
// rack b = hosts 4-5 on tor-b (vertex 7), a 1000 Mbit/s core link between them.
// Star: all six on one switch. None: no network.
inline sim::ClusterSpec six_host_cluster(const std::vector<double>& vm_ram_mib, SixHostNet net) {
  sim::ClusterSpec spec;
  for (int h = 0; h < 6; ++h) {
    sim::HostSpec host;
    host.pes = 2;
    host.pe_mips = 1860;
    host.ram_mib = 4096;
    host.bw_mbps = 1000;
    host.power = models::builtin_power_model("hp-ml110-g4");
    spec.hosts.push_back(host);
  }
  for (double ram : vm_ram_mib) {
    sim::VmSpec vm;
    vm.mips = 500;
    vm.ram_mib = ram;
    spec.vms.push_back(vm);
    spec.demand.emplace_back("v", 300, std::vector<double>(12, 0.5));
  }
  spec.options.cloudsim_compat = false;
  spec.options.first_offset_s = 0;
  spec.options.duration_s = 3600;
  std::vector<sim::NetworkLink> links;
  if (net == SixHostNet::TwoRacks) {
    for (int h = 0; h < 6; ++h) links.push_back({h, h < 4 ? 6 : 7, 1000});
    links.push_back({6, 7, 1000});
    spec.network = std::make_shared<const sim::NetworkTopology>(6, std::vector<std::string>{"tor-a", "tor-b"},
                                                                links);
  } else if (net == SixHostNet::Star) {
    for (int h = 0; h < 6; ++h) links.push_back({h, 6, 1000});
    spec.network = std::make_shared<const sim::NetworkTopology>(6, std::vector<std::string>{"switch"}, links);
  }
  return spec;
}

}  // namespace migsim::testing
