#pragma once
#include <memory>
#include <string>
#include <vector>

#include "sim/migration_timing.hpp"
#include "sim/power_curve.hpp"
#include "sim/utilization_series.hpp"

namespace migsim::sim {

class NetworkTopology;  // sim/network_topology.hpp

struct HostSpec {
  std::string type;
  int pes = 1;
  double pe_mips = 1000.0;
  double ram_mib = 4096.0;
  double bw_mbps = 1000.0;
  std::shared_ptr<const PowerCurve> power;
  double total_mips() const { return pes * pe_mips; }
};

struct VmSpec {
  std::string name;           // e.g. the trace file name
  double mips = 1000.0;       // per VM (single vCPU unless pes > 1)
  int pes = 1;
  double ram_mib = 1024.0;
  double bw_mbps = 100.0;
  // Memory behaviour for the pre-copy model (migsim mode): page writes per
  // second at 100 % CPU (scaled by the current utilisation) over `wss_mib`.
  double dirty_pages_per_sec_at_full_cpu = 0.0;
  double wss_mib = 0.0;
};

// Semantics switches. `cloudsim_compat` reproduces CloudSim 3.0.3's power
// package (see notes in cluster_engine.hpp); without it migsim's own rules apply.
struct EngineOptions {
  bool cloudsim_compat = true;
  double scheduling_interval_s = 300.0;
  double duration_s = 86400.0;
  // CloudSim processes at first_offset + k*interval (0.1 s: the broker's
  // minimum time between events); migsim mode uses 0.
  double first_offset_s = 0.1;
  int history_length = 30;  // per-VM utilisation history (PowerVm.HISTORY_LENGTH)
  // migsim semantics: when a migration starts or ends, the migrations in flight
  // get their new share (NIC split or max-min over the network) and are re-timed:
  // the fraction left of each is finished at the new rate's pace. Off: a
  // migration keeps the rate it started with.
  bool rerate_in_flight = false;
};

// One cluster to simulate: hosts, VMs and each VM's demand series
// (vms[i] uses demand[i]).
struct ClusterSpec {
  std::vector<HostSpec> hosts;
  std::vector<VmSpec> vms;
  std::vector<UtilizationSeries> demand;
  EngineOptions options;
  // migsim semantics: links shared by concurrent migrations (max-min fair).
  // Null: each migration gets an equal share of its two hosts' NICs.
  std::shared_ptr<const NetworkTopology> network;
  // Where each VM starts (a captured trace says where its VMs ran). Empty: the
  // policy places every VM; -1 for one VM: the policy places that one.
  std::vector<int> initial_host;
};

}  // namespace migsim::sim
