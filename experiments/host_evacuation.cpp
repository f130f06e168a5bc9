#include "experiments/host_evacuation.hpp"

#include "sim/host_ref.hpp"
#include "sim/input_error.hpp"

namespace migsim::experiments {

int parse_host_ref(const std::string& text, int hosts, const std::string& flag) {
  const int n = sim::host_index(text);
  if (n < 0) throw InputError(flag + ": expected \"host:N\", got \"" + text + "\"");
  if (n >= hosts) {
    throw InputError(flag + ": unknown host \"" + text + "\" (the scenario has host:0 to host:" +
                     std::to_string(hosts - 1) + ")");
  }
  return n;
}

HostEvacuation evacuate_host(ClusterRun& run, int host) {
  HostEvacuation out;
  out.host = host;
  for (const auto& v : run.spec.vms) out.vm_names.push_back(v.name);
  sim::ClusterEngine engine(std::move(run.spec), *run.policy, *run.timer);
  out.result = engine.evacuate(host);
  return out;
}

nlohmann::json to_json(const HostEvacuation& ev) {
  const auto& e = ev.result;
  const int host = ev.host;
  auto name = [&](int v) { return ev.vm_names.at(static_cast<std::size_t>(v)); };
  nlohmann::json ms = nlohmann::json::array();
  bool all = true;
  for (const auto& m : e.migrations) {
    all = all && m.timing.converged;
    ms.push_back({{"vm", name(m.request.vm)},
                  {"from", "host:" + std::to_string(m.request.source_host)},
                  {"to", "host:" + std::to_string(m.request.target_host)},
                  {"start_s", m.start_s},
                  {"end_s", m.end_s},
                  {"total_time_ms", m.timing.duration_s * 1000.0},
                  {"downtime_ms", m.timing.downtime_s * 1000.0},
                  {"transferred_bytes", m.timing.transferred_bytes},
                  {"dirty_syncs", m.timing.dirty_syncs},
                  {"converged", m.timing.converged}});
  }
  nlohmann::json left = nlohmann::json::array();
  for (int v : e.left) {
    left.push_back(name(v));
  }
  return {{"evacuate", "host:" + std::to_string(host)},
          {"makespan_s", e.makespan_s},
          {"converged_all", all && e.left.empty()},
          {"migrations", ms},
          {"not_evacuated", left}};
}

}  // namespace migsim::experiments
