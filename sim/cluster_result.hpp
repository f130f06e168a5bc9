#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace migsim::sim {

// Outcome of one cluster run. SLA metrics follow Beloglazov & Buyya (2012)
// as computed by CloudSim's power Helper: pooled ratios over all hosts/VMs.
struct ClusterResult {
  std::string policy;
  std::string mode;  // "cloudsim" or "migsim"
  int hosts = 0;
  int vms = 0;
  double simulated_s = 0;
  double energy_kwh = 0;
  long long migrations = 0;
  long long migrations_failed = 0;   // migsim mode: predicted not to converge
  double slatah = 0;                 // time hosts were at 100 % / time active
  double pdm = 0;                    // degradation due to migration / requested
  double slav = 0;                   // slatah x pdm
  double esv = 0;                    // energy x slav
  double overall_sla_violation = 0;  // (requested - allocated) / requested
  double average_sla_violation = 0;
  long long host_shutdowns = 0;
  long long vms_retired = 0;         // CloudSim mode: VMs whose demand fell to 0
  long long vms_unplaced = 0;        // VMs that fit on no host at the start (never ran)
  double mean_migration_s = 0;
  double total_downtime_s = 0;
  double mean_downtime_ms = 0;
  long long processing_steps = 0;
};

nlohmann::json to_json(const ClusterResult& r);

}  // namespace migsim::sim
