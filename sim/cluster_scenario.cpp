#include "sim/cluster_scenario.hpp"

#include <cmath>

#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "sim/network_scenario.hpp"

namespace migsim::sim {

namespace {
// Host i's index into host_types, by host_order.
std::vector<int> host_type_of(const ClusterScenario& sc) {
  std::vector<int> out;
  const int types = static_cast<int>(sc.host_types.size());
  if (sc.host_order == "blocks") {
    for (int ti = 0; ti < types; ++ti) {
      for (int k = 0; k < sc.host_types[ti].count; ++k) out.push_back(ti);
    }
    return out;
  }
  // Host i gets type i % types while that type has hosts left (CloudSim: i % HOST_TYPES).
  int total = 0;
  std::vector<int> left;
  for (const auto& t : sc.host_types) {
    total += t.count;
    left.push_back(t.count);
  }
  int ti = 0;
  for (int i = 0; i < total; ++i) {
    while (left[ti] == 0) ti = (ti + 1) % types;
    out.push_back(ti);
    --left[ti];
    ti = (ti + 1) % types;
  }
  return out;
}
}  // namespace

ClusterScenario parse_cluster_scenario(const nlohmann::json& doc, const std::string& path) {
  ClusterScenario sc;
  sc.path = path;
  JsonObject top(doc, path);
  sc.name = top.string("name");
  top.string("description", "");
  const std::string sem = top.choice("semantics", {"cloudsim", "migsim"});
  sc.cloudsim_compat = sem == "cloudsim";
  sc.scheduling_interval_s = top.number("scheduling_interval_s", 300.0, bounds::kIntervalS);
  sc.duration_s = top.number("duration_s", 86400.0, bounds::kDurationS);
  const double steps = std::ceil(sc.duration_s / sc.scheduling_interval_s);
  if (!within(bounds::kSteps, steps)) {
    throw InputError(top.path("duration_s") + ": " + number_text(sc.duration_s) + " s in steps of " +
                     number_text(sc.scheduling_interval_s) + " s (scheduling_interval_s) is " + number_text(steps) +
                     " steps (at most " + number_text(bounds::kSteps.hi) + ")");
  }
  sc.seed = static_cast<std::uint64_t>(top.integer("seed", 42, bounds::kSeed));
  sc.host_order = top.choice("host_order", {"alternate", "blocks"}, "alternate");
  for (auto& h : top.array_of_objects("host_types")) {
    HostTypeSpec t;
    t.where = h.where();
    t.name = h.string("name");
    t.count = static_cast<int>(h.integer("count", bounds::kCount));
    t.pes = static_cast<int>(h.integer("pes", bounds::kCores));
    t.pe_mips = h.number("pe_mips", bounds::kMips);
    t.ram_mib = h.number("ram_mib", bounds::kMemoryMib);
    t.bw_mbps = h.number("bw_mbps", bounds::kLinkMbps);
    t.power = h.raw("power_model");
    if (!t.power.is_string() && !t.power.is_object()) {
      throw InputError(h.path("power_model") + ": expected a model name or {\"name\", \"watts\"}, got " +
                       json_snippet(t.power));
    }
    h.finish();
    sc.host_types.push_back(std::move(t));
  }
  if (sc.host_types.empty()) throw InputError(top.path("host_types") + ": at least one host type is required");
  double hosts = 0;
  for (const auto& t : sc.host_types) hosts += t.count;
  if (!within(bounds::kCount, hosts)) {
    throw InputError(top.path("host_types") + ": " + number_text(hosts) + " hosts in all (at most " +
                     number_text(bounds::kCount.hi) + ")");
  }
  sc.vm_type_assignment = top.choice("vm_type_assignment", {"blocks", "round-robin"}, "blocks");
  for (auto& v : top.array_of_objects("vm_types")) {
    VmTypeSpec t;
    t.name = v.string("name", "");
    t.mips = v.number("mips", bounds::kMips);
    t.pes = static_cast<int>(v.integer("pes", 1, bounds::kCores));
    t.ram_mib = v.number("ram_mib", bounds::kMemoryMib);
    t.bw_mbps = v.number("bw_mbps", 100.0, bounds::kLinkMbps);
    t.dirty_pages_per_sec_at_full_cpu =
        v.number("dirty_pages_per_sec_at_full_cpu", 0.0, bounds::kPagesPerSec);
    t.wss_mib = v.number("wss_mib", 0.0, bounds::kMemoryMibOrZero);
    if (v.has("app")) {
      t.app = v.raw("app");
      t.app_where = v.path("app");
    }
    v.finish();
    sc.vm_types.push_back(std::move(t));
  }
  if (sc.vm_types.empty()) throw InputError(top.path("vm_types") + ": at least one VM type is required");
  {
    JsonObject w = top.object("workload");
    sc.workload.source = w.choice("source", {"planetlab", "synthetic"});
    sc.workload.samples = static_cast<int>(w.integer("samples", 288, bounds::kSamples));
    sc.workload.interval_s = w.number("interval_s", 300.0, bounds::kIntervalS);
    if (sc.workload.source == "synthetic") {
      sc.workload.synthetic_vms = static_cast<int>(w.integer("vms", bounds::kCount));
      sc.workload.seed = static_cast<std::uint64_t>(w.integer("seed", 1, bounds::kSeed));
    }
    w.finish();
  }
  if (top.has("migration")) {
    JsonObject m = top.object("migration");
    // Any name here: the model registry (models/) checks it when it builds the timer.
    sc.migration.model = m.string("model", sc.cloudsim_compat ? "cloudsim" : "qemu-precopy");
    sc.migration.max_bandwidth_mibps = m.number("max_bandwidth_mibps", 0.0, bounds::kBandwidthMibpsOrZero);
    sc.migration.downtime_limit_ms = m.number("downtime_limit_ms", 300.0, bounds::kDowntimeMs);
    sc.migration.nonzero_fraction = m.number("nonzero_fraction", 0.6, NumberRule::NonNegative);
    if (sc.migration.nonzero_fraction > 1) {
      throw InputError(m.path("nonzero_fraction") + ": must be between 0 and 1, got " +
                       std::to_string(sc.migration.nonzero_fraction));
    }
    sc.migration.auto_converge = m.boolean("auto_converge", false);
    sc.migration.rerate_in_flight = m.boolean("rerate_in_flight", !sc.cloudsim_compat);
    if (sc.cloudsim_compat && sc.migration.rerate_in_flight) {
      throw InputError(m.path("rerate_in_flight") + ": needs semantics \"migsim\" (CloudSim 3.0.3 times a "
                       "migration once), got true");
    }
    m.finish();
  } else {
    sc.migration.model = sc.cloudsim_compat ? "cloudsim" : "qemu-precopy";
    sc.migration.rerate_in_flight = !sc.cloudsim_compat;
  }
  if (sc.cloudsim_compat && sc.migration.model != "cloudsim") {
    throw InputError(path + ": migration.model: semantics \"cloudsim\" requires model \"cloudsim\", got \"" +
                     sc.migration.model + "\"");
  }
  if (top.has("policy")) {
    sc.policy = top.raw("policy");
    if (!sc.policy.is_object()) {
      throw InputError(top.path("policy") + ": expected an object, got " + json_snippet(sc.policy));
    }
  }
  if (top.has("app")) sc.app = top.raw("app");  // checked by experiments/app_sla when the run is set up
  if (top.has("network")) {
    JsonObject net = top.object("network");
    if (sc.cloudsim_compat) {
      throw InputError(net.where() + ": needs semantics \"migsim\" (CloudSim 3.0.3 has no network), got \"" +
                       sem + "\"");
    }
    std::vector<double> nic_mbps;
    for (int ti : host_type_of(sc)) nic_mbps.push_back(sc.host_types[ti].bw_mbps);
    sc.network = parse_network(net, nic_mbps);
  }
  top.finish();
  return sc;
}

ClusterScenario read_cluster_scenario(const std::string& path) {
  return parse_cluster_scenario(read_json_file(path), path);
}

int vm_type_index(const ClusterScenario& sc, int vm, int vms) {
  const int vt = static_cast<int>(sc.vm_types.size());
  const int block = static_cast<int>(std::ceil(static_cast<double>(vms) / vt));
  const int ti = sc.vm_type_assignment == "blocks" ? (block > 0 ? vm / block : 0) : vm % vt;
  return std::min(ti, vt - 1);
}

ClusterSpec build_cluster_spec(const ClusterScenario& sc, std::vector<UtilizationSeries> demand,
                               const PowerResolver& power) {
  ClusterSpec spec;
  std::vector<std::shared_ptr<const PowerCurve>> curves;
  for (const auto& t : sc.host_types) curves.push_back(power(t.power, t.where + ".power_model"));
  auto make_host = [&](int ti) {
    const HostTypeSpec& t = sc.host_types[ti];
    HostSpec h;
    h.type = t.name;
    h.pes = t.pes;
    h.pe_mips = t.pe_mips;
    h.ram_mib = t.ram_mib;
    h.bw_mbps = t.bw_mbps;
    h.power = curves[ti];
    return h;
  };
  for (int ti : host_type_of(sc)) spec.hosts.push_back(make_host(ti));
  const int n = static_cast<int>(demand.size());
  for (int i = 0; i < n; ++i) {
    const VmTypeSpec& t = sc.vm_types[vm_type_index(sc, i, n)];
    VmSpec v;
    v.name = demand[i].name();
    v.mips = t.mips;
    v.pes = t.pes;
    v.ram_mib = t.ram_mib;
    v.bw_mbps = t.bw_mbps;
    v.dirty_pages_per_sec_at_full_cpu = t.dirty_pages_per_sec_at_full_cpu;
    v.wss_mib = t.wss_mib;
    spec.vms.push_back(std::move(v));
  }
  spec.demand = std::move(demand);
  spec.options.cloudsim_compat = sc.cloudsim_compat;
  spec.options.rerate_in_flight = sc.migration.rerate_in_flight;
  spec.options.scheduling_interval_s = sc.scheduling_interval_s;
  spec.options.duration_s = sc.duration_s;
  spec.options.first_offset_s = sc.cloudsim_compat ? 0.1 : 0.0;
  spec.network = sc.network;
  return spec;
}

}  // namespace migsim::sim
