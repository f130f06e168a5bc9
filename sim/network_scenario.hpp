#pragma once
#include <memory>
#include <vector>

#include "sim/json_input.hpp"
#include "sim/network_topology.hpp"

namespace migsim::sim {

// Reads the "network" object of a cluster scenario:
//   {"switches": ["tor-a", "core", ...],
//    "links": [{"a": NODE, "b": NODE, "capacity_mbps": X}, ...]}
// A NODE is a switch name or a host reference: "host:N" (the engine's host
// index, 0-based, after host_order) or "host:A-B" (hosts A to B inclusive: one
// link per host). Every host has exactly one link, to a switch: its NIC, whose
// capacity defaults to the host type's bw_mbps (NaN: no default, the link must
// give capacity_mbps, as in a migration batch). Links between switches need
// capacity_mbps. Every host must reach every other. `host_nic_mbps[i]` is host
// i's bw_mbps. Errors are InputError naming file, field and value.
std::shared_ptr<const NetworkTopology> parse_network(JsonObject& network,
                                                     const std::vector<double>& host_nic_mbps);

}  // namespace migsim::sim
