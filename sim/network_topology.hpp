#pragma once
#include <string>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

namespace migsim::sim {

// One link of the network: between two vertices (hosts are vertices
// 0..hosts-1 by engine index, switches follow in declaration order). Its
// capacity is shared by the traffic of both directions, as a host's NIC is
// shared by migrations in and out of the host.
struct NetworkLink {
  int a = -1;
  int b = -1;
  double capacity_mbps = 0;
};

// The cluster's network as an undirected Boost.Graph multigraph whose edge
// index is the link id. Routes between hosts take the fewest hops; among
// equally short paths each hop goes to the lowest-index vertex that is one
// hop closer to the destination (then the lowest link id between the same
// two vertices), so a route depends only on the declared vertices and links.
// Distances are computed once per destination host (breadth-first search).
class NetworkTopology {
 public:
  // Throws std::invalid_argument for a link whose ends are out of range or
  // equal, or whose capacity is not positive and finite.
  NetworkTopology(int hosts, std::vector<std::string> switches, std::vector<NetworkLink> links);

  int host_count() const { return hosts_; }
  int link_count() const { return static_cast<int>(links_.size()); }
  const NetworkLink& link(int id) const { return links_.at(static_cast<std::size_t>(id)); }
  std::vector<double> capacities_mbps() const;
  // "host:3" or the switch's name.
  std::string vertex_name(int vertex) const;
  // Lowest-id link touching the host (its NIC link), or -1.
  int nic_link(int host) const;
  bool connected(int from_host, int to_host) const;
  // Link ids from one host to another (empty when they are the same host).
  // Throws std::invalid_argument when there is no route.
  std::vector<int> route(int from_host, int to_host) const;
  // The links a migration crosses: its route, or from no host (-1) the target's
  // NIC link alone.
  std::vector<int> transfer_route(int from_host, int to_host) const;

 private:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                      boost::no_property, boost::property<boost::edge_index_t, int>>;
  int hosts_;
  std::vector<std::string> switches_;
  std::vector<NetworkLink> links_;
  Graph graph_;
  std::vector<std::vector<int>> hops_to_host_;  // [host][vertex], -1: unreachable
};

// Max-min fair rates (Mbit/s) of transfers between hosts sharing the
// topology's links, one per (source host, target host) pair. A transfer with
// source -1 crosses the target's NIC link only; one from a host to itself
// crosses nothing and gets +infinity.
std::vector<double> fair_transfer_rates(const NetworkTopology& net,
                                        const std::vector<std::pair<int, int>>& transfers);

}  // namespace migsim::sim
