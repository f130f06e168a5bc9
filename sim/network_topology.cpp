#include "sim/network_topology.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cmath>
#include <stdexcept>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>

#include "sim/maxmin_share.hpp"

namespace migsim::sim {

NetworkTopology::NetworkTopology(int hosts, std::vector<std::string> switches,
                                 std::vector<NetworkLink> links)
    : hosts_(hosts),
      switches_(std::move(switches)),
      links_(std::move(links)),
      graph_(static_cast<std::size_t>(std::max(hosts, 0)) + switches_.size()) {
  if (hosts < 0) throw std::invalid_argument("NetworkTopology: negative host count");
  const int vertices = static_cast<int>(boost::num_vertices(graph_));
  for (std::size_t id = 0; id < links_.size(); ++id) {
    const NetworkLink& l = links_[id];
    if (l.a < 0 || l.a >= vertices || l.b < 0 || l.b >= vertices || l.a == l.b) {
      throw std::invalid_argument("NetworkTopology: link " + std::to_string(id) +
                                  " does not join two distinct vertices");
    }
    if (!(std::isfinite(l.capacity_mbps) && l.capacity_mbps > 0)) {
      throw std::invalid_argument("NetworkTopology: link " + std::to_string(id) +
                                  " needs a capacity > 0");
    }
    boost::add_edge(static_cast<std::size_t>(l.a), static_cast<std::size_t>(l.b),
                    Graph::edge_property_type(static_cast<int>(id)), graph_);
  }
  hops_to_host_.resize(static_cast<std::size_t>(hosts));
  for (int h = 0; h < hosts; ++h) {
    std::vector<int>& hops = hops_to_host_[static_cast<std::size_t>(h)];
    hops.assign(static_cast<std::size_t>(vertices), -1);
    hops[static_cast<std::size_t>(h)] = 0;
    boost::breadth_first_search(
        graph_, boost::vertex(static_cast<std::size_t>(h), graph_),
        boost::visitor(boost::make_bfs_visitor(
            boost::record_distances(hops.data(), boost::on_tree_edge()))));
  }
}

std::vector<double> NetworkTopology::capacities_mbps() const {
  std::vector<double> c;
  c.reserve(links_.size());
  for (const auto& l : links_) c.push_back(l.capacity_mbps);
  return c;
}

std::string NetworkTopology::vertex_name(int vertex) const {
  if (vertex < hosts_) return "host:" + std::to_string(vertex);
  return switches_.at(static_cast<std::size_t>(vertex - hosts_));
}

int NetworkTopology::nic_link(int host) const {
  for (std::size_t id = 0; id < links_.size(); ++id) {
    if (links_[id].a == host || links_[id].b == host) return static_cast<int>(id);
  }
  return -1;
}

bool NetworkTopology::connected(int from_host, int to_host) const {
  return hops_to_host_.at(static_cast<std::size_t>(to_host)).at(static_cast<std::size_t>(from_host)) >= 0;
}

std::vector<int> NetworkTopology::route(int from_host, int to_host) const {
  if (!connected(from_host, to_host)) {
    throw std::invalid_argument("NetworkTopology: no route from " + vertex_name(from_host) +
                                " to " + vertex_name(to_host));
  }
  const std::vector<int>& hops = hops_to_host_[static_cast<std::size_t>(to_host)];
  const auto edge_id = boost::get(boost::edge_index, graph_);
  std::vector<int> path;
  std::size_t at = static_cast<std::size_t>(from_host);
  while (hops[at] > 0) {
    std::size_t next = SIZE_MAX;
    int via = INT_MAX;
    for (auto [e, end] = boost::out_edges(at, graph_); e != end; ++e) {
      const std::size_t nb = boost::target(*e, graph_);
      const int id = boost::get(edge_id, *e);
      if (hops[nb] != hops[at] - 1) continue;
      if (nb < next || (nb == next && id < via)) {
        next = nb;
        via = id;
      }
    }
    path.push_back(via);
    at = next;
  }
  return path;
}

std::vector<int> NetworkTopology::transfer_route(int from_host, int to_host) const {
  if (from_host >= 0) return route(from_host, to_host);
  const int nic = nic_link(to_host);
  return nic >= 0 ? std::vector<int>{nic} : std::vector<int>{};
}

std::vector<double> fair_transfer_rates(const NetworkTopology& net,
                                        const std::vector<std::pair<int, int>>& transfers) {
  std::vector<std::vector<int>> flows;
  flows.reserve(transfers.size());
  for (const auto& [from, to] : transfers) flows.push_back(net.transfer_route(from, to));
  return max_min_rates(net.capacities_mbps(), flows);
}

}  // namespace migsim::sim
