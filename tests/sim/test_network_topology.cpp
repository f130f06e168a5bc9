#include "sim/network_topology.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

using migsim::sim::fair_transfer_rates;
using migsim::sim::NetworkLink;
using migsim::sim::NetworkTopology;

// Vertices: hosts 0 and 1, then switches s0 = 2, s1 = 3, s2 = 4, s3 = 5.
namespace {
constexpr int s0 = 2, s1 = 3, s2 = 4, s3 = 5;
const std::vector<std::string> kSwitches = {"s0", "s1", "s2", "s3"};
}  // namespace

TEST(NetworkTopology, RouteTakesFewestHops) {
  // host0 - s0 - s1 - s2 - s3 - host1, plus a direct s0 - s3 link (id 5).
  NetworkTopology net(2, kSwitches,
                      {{0, s0, 1000}, {1, s3, 1000}, {s0, s1, 10}, {s1, s2, 10}, {s2, s3, 10}, {s0, s3, 10}});
  EXPECT_EQ(net.route(0, 1), (std::vector<int>{0, 5, 1}));
  EXPECT_EQ(net.route(1, 0), (std::vector<int>{1, 5, 0}));
  EXPECT_TRUE(net.route(0, 0).empty());
  EXPECT_EQ(net.vertex_name(0), "host:0");
  EXPECT_EQ(net.vertex_name(s2), "s2");
  EXPECT_EQ(net.nic_link(1), 1);
}

TEST(NetworkTopology, TieGoesToTheLowestVertexWhateverTheLinkOrder) {
  // Two 3-hop paths host0 - s0 - {s1 | s2} - s3 - host1: s1 (vertex 3) wins,
  // whether its links are declared before or after s2's.
  NetworkTopology via_s2_first(2, kSwitches,
                               {{0, s0, 1}, {1, s3, 1}, {s0, s2, 1}, {s2, s3, 1}, {s0, s1, 1}, {s1, s3, 1}});
  EXPECT_EQ(via_s2_first.route(0, 1), (std::vector<int>{0, 4, 5, 1}));
  EXPECT_EQ(via_s2_first.route(1, 0), (std::vector<int>{1, 5, 4, 0}));
  NetworkTopology via_s1_first(2, kSwitches,
                               {{s1, s3, 1}, {s0, s1, 1}, {s2, s3, 1}, {s0, s2, 1}, {1, s3, 1}, {0, s0, 1}});
  EXPECT_EQ(via_s1_first.route(0, 1), (std::vector<int>{5, 1, 0, 4}));
  // Parallel links between the same two switches: the lowest link id.
  NetworkTopology parallel(2, kSwitches, {{0, s0, 1}, {1, s1, 1}, {s0, s1, 1}, {s1, s0, 1}});
  EXPECT_EQ(parallel.route(0, 1), (std::vector<int>{0, 2, 1}));
  EXPECT_EQ(parallel.route(1, 0), (std::vector<int>{1, 2, 0}));
}

TEST(NetworkTopology, NoRouteAndBadLinks) {
  NetworkTopology split(2, kSwitches, {{0, s0, 1}, {1, s1, 1}});
  EXPECT_FALSE(split.connected(0, 1));
  EXPECT_THROW(split.route(0, 1), std::invalid_argument);
  EXPECT_THROW(NetworkTopology(2, kSwitches, {{s0, s0, 1}}), std::invalid_argument);
  EXPECT_THROW(NetworkTopology(2, kSwitches, {{0, 6, 1}}), std::invalid_argument);
  EXPECT_THROW(NetworkTopology(2, kSwitches, {{0, s0, 0}}), std::invalid_argument);
}

TEST(NetworkTopology, TransfersShareTheCoreLinkMaxMin) {
  // Two racks: hosts 0-2 on tor-a (vertex 5), 3-4 on tor-b (6), a 1000 Mbit/s
  // core link (id 5), 1000 Mbit/s NICs except host 2 (100).
  NetworkTopology net(5, {"tor-a", "tor-b"},
                      {{0, 5, 1000}, {1, 5, 1000}, {2, 5, 100}, {3, 6, 1000}, {4, 6, 1000}, {5, 6, 1000}});
  // 0->3, 1->4 and 2->3 all cross the core (1000/3 each), but host 2's NIC
  // holds 2->3 to 100: the other two split the 900 it leaves, 450 each.
  auto r = fair_transfer_rates(net, {{0, 3}, {1, 4}, {2, 3}});
  EXPECT_DOUBLE_EQ(r[0], 450);
  EXPECT_DOUBLE_EQ(r[1], 450);
  EXPECT_DOUBLE_EQ(r[2], 100);
  // 0->1 stays in rack a but shares host 0's NIC with 0->3: 500 each (host
  // 0's NIC is the lowest-id bottleneck), and 1->4 gets the core's other 500.
  r = fair_transfer_rates(net, {{0, 3}, {1, 4}, {0, 1}});
  EXPECT_DOUBLE_EQ(r[0], 500);
  EXPECT_DOUBLE_EQ(r[1], 500);
  EXPECT_DOUBLE_EQ(r[2], 500);
  // Rack-local and alone: its full NIC.
  r = fair_transfer_rates(net, {{3, 4}});
  EXPECT_DOUBLE_EQ(r[0], 1000);
  // Without a source the target's NIC alone; a host to itself: unconstrained.
  r = fair_transfer_rates(net, {{-1, 2}, {4, 4}});
  EXPECT_DOUBLE_EQ(r[0], 100);
  EXPECT_EQ(r[1], std::numeric_limits<double>::infinity());
}
