#include "sim/cluster_result.hpp"

namespace migsim::sim {

nlohmann::json to_json(const ClusterResult& r) {
  return nlohmann::json{
      {"policy", r.policy},
      {"mode", r.mode},
      {"hosts", r.hosts},
      {"vms", r.vms},
      {"simulated_s", r.simulated_s},
      {"energy_kwh", r.energy_kwh},
      {"migrations", r.migrations},
      {"migrations_failed", r.migrations_failed},
      {"slatah", r.slatah},
      {"pdm", r.pdm},
      {"slav", r.slav},
      {"esv", r.esv},
      {"overall_sla_violation", r.overall_sla_violation},
      {"average_sla_violation", r.average_sla_violation},
      {"host_shutdowns", r.host_shutdowns},
      {"vms_retired", r.vms_retired},
      {"vms_unplaced", r.vms_unplaced},
      {"mean_migration_s", r.mean_migration_s},
      {"total_downtime_s", r.total_downtime_s},
      {"mean_downtime_ms", r.mean_downtime_ms},
      {"processing_steps", r.processing_steps},
  };
}

}  // namespace migsim::sim
