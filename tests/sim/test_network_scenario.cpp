#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "sim/cluster_scenario.hpp"
#include "sim/input_error.hpp"
#include "sim/network_topology.hpp"

using migsim::InputError;
using nlohmann::json;

namespace {
// 4 hosts in blocks: host:0-1 of type "a" (1000 Mbit/s), host:2-3 of type "b" (100).
json scenario() {
  return json::parse(R"({
    "name": "t", "semantics": "migsim", "host_order": "blocks",
    "host_types": [
      {"name": "a", "count": 2, "pes": 1, "pe_mips": 1000, "ram_mib": 4096, "bw_mbps": 1000, "power_model": "hp-ml110-g4"},
      {"name": "b", "count": 2, "pes": 1, "pe_mips": 1000, "ram_mib": 4096, "bw_mbps": 100, "power_model": "hp-ml110-g4"}],
    "vm_types": [{"name": "v", "mips": 500, "ram_mib": 512}],
    "workload": {"source": "synthetic", "vms": 2},
    "network": {
      "switches": ["tor-a", "tor-b", "core"],
      "links": [
        {"a": "host:0-1", "b": "tor-a"},
        {"a": "tor-b", "b": "host:2-3"},
        {"a": "tor-a", "b": "core", "capacity_mbps": 400},
        {"a": "core", "b": "tor-b", "capacity_mbps": 400}]}})");
}

std::string error_of(const json& doc) {
  try {
    migsim::sim::parse_cluster_scenario(doc, "t.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string error_after(const std::function<void(json&)>& edit) {
  json doc = scenario();
  edit(doc);
  return error_of(doc);
}

#define EXPECT_HAS(msg, part) EXPECT_NE((msg).find(part), std::string::npos) << (msg)
}  // namespace

TEST(NetworkScenario, ReadsSwitchesLinksAndHostNics) {
  const auto sc = migsim::sim::parse_cluster_scenario(scenario(), "t.json");
  ASSERT_TRUE(sc.network);
  const auto& net = *sc.network;
  EXPECT_EQ(net.host_count(), 4);
  ASSERT_EQ(net.link_count(), 6);  // 4 NICs (ranges expanded) + 2 switch links
  EXPECT_DOUBLE_EQ(net.link(0).capacity_mbps, 1000);  // host:0, type a
  EXPECT_DOUBLE_EQ(net.link(2).capacity_mbps, 100);   // host:2, type b
  EXPECT_DOUBLE_EQ(net.link(4).capacity_mbps, 400);
  EXPECT_EQ(net.route(0, 3), (std::vector<int>{0, 4, 5, 3}));
  EXPECT_EQ(net.route(0, 1), (std::vector<int>{0, 1}));
  // A host link may give its own capacity.
  json doc = scenario();
  doc["network"]["links"][0]["capacity_mbps"] = 250;
  EXPECT_DOUBLE_EQ(migsim::sim::parse_cluster_scenario(doc, "t.json").network->link(1).capacity_mbps, 250);
  // Without "network": none.
  doc.erase("network");
  EXPECT_FALSE(migsim::sim::parse_cluster_scenario(doc, "t.json").network);
}

TEST(NetworkScenario, UnknownKeysAreNamed) {
  EXPECT_HAS(error_after([](json& d) { d["network"]["routing"] = "ecmp"; }),
             "t.json: network.routing: unknown key");
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][2]["latency_ms"] = 1; }),
             "t.json: network.links[2].latency_ms: unknown key");
}

TEST(NetworkScenario, NodeNamesAreChecked) {
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][3]["a"] = "spine"; }),
             "t.json: network.links[3].a: unknown node \"spine\" (switches: core, tor-a, tor-b; "
             "hosts: host:0 to host:3)");
  EXPECT_HAS(error_after([](json& d) { d["network"]["switches"].push_back("core"); }),
             "t.json: network.switches[3]: duplicate switch name \"core\" (also switches[2])");
  EXPECT_HAS(error_after([](json& d) { d["network"]["switches"][1] = "host:9"; }),
             "t.json: network.switches[1]: \"host:9\" starts with \"host:\"");
  EXPECT_HAS(error_after([](json& d) { d["network"]["switches"][1] = 7; }),
             "t.json: network.switches[1]: expected a non-empty switch name, got 7");
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][1]["b"] = "host:2-4"; }),
             "t.json: network.links[1].b: \"host:2-4\" names a host that does not exist (the scenario has 4");
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][1]["b"] = "host:x"; }),
             "t.json: network.links[1].b: \"host:x\" is not a host reference");
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][1]["b"] = "host:3-2"; }),
             "t.json: network.links[1].b: \"host:3-2\" is not a host reference");
}

TEST(NetworkScenario, CapacitiesAreChecked) {
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][2]["capacity_mbps"] = -5; }),
             "t.json: network.links[2].capacity_mbps: must be > 0 and <= 10000000 Mbit/s, got -5");
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][2]["capacity_mbps"] = 0; }),
             "t.json: network.links[2].capacity_mbps: must be > 0 and <= 10000000 Mbit/s, got 0");
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][2]["capacity_mbps"] = "fast"; }),
             "t.json: network.links[2].capacity_mbps: expected a number, got \"fast\"");
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][0]["capacity_mbps"] = -1; }),
             "t.json: network.links[0].capacity_mbps: must be > 0 and <= 10000000 Mbit/s, got -1");
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][3].erase("capacity_mbps"); }),
             "t.json: network.links[3].capacity_mbps: required field is missing");
}

TEST(NetworkScenario, LinkShapesAreChecked) {
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][3]["b"] = "core"; }),
             "t.json: network.links[3]: a link from \"core\" to itself");
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][3] = {{"a", "host:0"}, {"b", "host:3"}}; }),
             "t.json: network.links[3]: joins \"host:0\" and \"host:3\"");
  EXPECT_HAS(error_after([](json& d) {
               d["network"]["links"].push_back({{"a", "host:1"}, {"b", "core"}});
             }),
             "t.json: network.links[4].a: host:1 already has its link (links[0])");
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"][1]["b"] = "host:2"; }),
             "t.json: network.links: host:3 has no link");
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"] = json::array(); }),
             "t.json: network.links: at least one link is required");
}

TEST(NetworkScenario, EveryHostMustReachEveryOther) {
  EXPECT_HAS(error_after([](json& d) { d["network"]["links"].erase(3); }),
             "t.json: network.links: no route from host:0 (on tor-a) to host:2 (on tor-b)");
}

TEST(NetworkScenario, WrongPlacesAndTypes) {
  EXPECT_HAS(error_after([](json& d) { d["network"] = 5; }), "t.json: network: expected an object, got 5");
  EXPECT_HAS(error_after([](json& d) { d["network"]["switches"] = "core"; }),
             "t.json: network.switches: expected an array of switch names, got \"core\"");
  EXPECT_HAS(error_after([](json& d) { d["semantics"] = "cloudsim"; }),
             "t.json: network: needs semantics \"migsim\"");
}

TEST(NetworkScenario, TheTwoRackExampleLoads) {
  const auto sc = migsim::sim::read_cluster_scenario(std::string(MIGSIM_SOURCE_DIR) +
                                                     "/scenarios/topology-two-racks.json");
  ASSERT_TRUE(sc.network);
  EXPECT_EQ(sc.network->host_count(), 8);
  EXPECT_EQ(sc.network->route(0, 4).size(), 4u);  // NIC, tor-a uplink, tor-b uplink, NIC
  EXPECT_EQ(sc.network->route(0, 1).size(), 2u);  // NIC, NIC
}

TEST(NetworkScenario, RerateInFlightIsAMigsimOption) {
  json doc = scenario();
  doc["migration"] = {{"rerate_in_flight", false}};
  const auto sc = migsim::sim::parse_cluster_scenario(doc, "t.json");
  EXPECT_FALSE(sc.migration.rerate_in_flight);
  // On by default in migsim semantics.
  EXPECT_TRUE(migsim::sim::parse_cluster_scenario(scenario(), "t.json").migration.rerate_in_flight);
  EXPECT_HAS(error_after([](json& d) {
               d.erase("network");
               d["semantics"] = "cloudsim";
               d["migration"] = {{"rerate_in_flight", true}};
             }),
             "t.json: migration.rerate_in_flight: needs semantics \"migsim\"");
  EXPECT_HAS(error_after([](json& d) { d["migration"] = {{"rerate_in_flight", "yes"}}; }),
             "migration.rerate_in_flight");
}
