#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/cluster_spec.hpp"
#include "sim/network_topology.hpp"

namespace migsim::sim {

// A cluster scenario file (scenarios/*.json), read strictly: unknown keys,
// wrong types and impossible values raise InputError naming file and field.
// See scenarios/README section in the docs for every key.
struct HostTypeSpec {
  std::string name;
  int count = 0;
  int pes = 1;
  double pe_mips = 0;
  double ram_mib = 0;
  double bw_mbps = 0;
  nlohmann::json power;  // a built-in name or {"name", "watts": [...]}, resolved by models/
  std::string where;     // for error messages
};

struct VmTypeSpec {
  std::string name;
  double mips = 0;
  int pes = 1;
  double ram_mib = 0;
  double bw_mbps = 100;
  double dirty_pages_per_sec_at_full_cpu = 0;
  double wss_mib = 0;
  // Optional application these VMs serve (an APP.json object, models/app_params.hpp; read by
  // experiments/app_sla.hpp), null when absent: the scenario's "app" applies.
  nlohmann::json app;
  std::string app_where;  // "file.json: vm_types[1].app"
};

struct WorkloadSpec {
  std::string source = "planetlab";  // "planetlab" (a directory, --traces) or "synthetic"
  int samples = 288;
  double interval_s = 300;
  int synthetic_vms = 0;
  std::uint64_t seed = 1;
};

struct MigrationSettings {
  std::string model = "cloudsim";  // a model with a timer in models/model_registry.cpp (checked there)
  double max_bandwidth_mibps = 0;  // 0: only the link limits (libvirt's default)
  double downtime_limit_ms = 300;
  double nonzero_fraction = 0.6;
  bool auto_converge = false;
  bool rerate_in_flight = false;   // migsim semantics: re-time migrations in flight when shares change
};

struct ClusterScenario {
  std::string path;
  std::string name;
  bool cloudsim_compat = true;
  double scheduling_interval_s = 300;
  double duration_s = 86400;
  std::string host_order = "alternate";  // host i gets type i % types, or "blocks" (in file order)
  std::vector<HostTypeSpec> host_types;
  std::string vm_type_assignment = "blocks";  // VM i gets type i / ceil(N / types), or "round-robin"
  std::vector<VmTypeSpec> vm_types;
  WorkloadSpec workload;
  MigrationSettings migration;
  nlohmann::json policy;  // optional default policy object (e.g. rules); null when absent
  std::uint64_t seed = 42;  // RS selection and other policy randomness
  // Optional application every VM serves unless its type has its own (APP.json object); null
  // when absent. With one, each migration's effect on its users is an SLA metric too.
  nlohmann::json app;
  // Optional "network" (migsim semantics only; see sim/network_scenario.hpp).
  // Null: concurrent migrations split the hosts' NICs equally, as before.
  std::shared_ptr<const NetworkTopology> network;
};

ClusterScenario read_cluster_scenario(const std::string& path);
// The index into sc.vm_types of VM `vm` of `vms` (by vm_type_assignment).
int vm_type_index(const ClusterScenario& sc, int vm, int vms);
ClusterScenario parse_cluster_scenario(const nlohmann::json& doc, const std::string& path);

using PowerResolver =
    std::function<std::shared_ptr<const PowerCurve>(const nlohmann::json&, const std::string& where)>;

// Hosts and VMs of the scenario for the given demand series (one VM per series).
ClusterSpec build_cluster_spec(const ClusterScenario& sc, std::vector<UtilizationSeries> demand,
                               const PowerResolver& power);

}  // namespace migsim::sim
