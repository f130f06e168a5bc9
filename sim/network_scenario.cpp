#include "sim/network_scenario.hpp"

#include <cmath>

#include <charconv>
#include <map>
#include <string>

#include "sim/input_error.hpp"

namespace migsim::sim {

namespace {

constexpr const char* kHostPrefix = "host:";

// A link end: one switch, or hosts first..last (vertices equal host indices).
struct NodeRef {
  bool hosts = false;
  int first = -1;
  int last = -1;
};

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

bool parse_index(const std::string& text, int& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

class NodeNames {
 public:
  NodeNames(int hosts, const std::map<std::string, int>& switches)
      : hosts_(hosts), switches_(switches) {}

  NodeRef resolve(const std::string& text, const std::string& where) const {
    if (text.rfind(kHostPrefix, 0) == 0) return host_range(text, where);
    const auto it = switches_.find(text);
    if (it == switches_.end()) {
      throw InputError(where + ": unknown node " + quoted(text) + " (switches: " + switch_list() +
                       "; hosts: host:0 to host:" + std::to_string(hosts_ - 1) + ")");
    }
    return {false, it->second, it->second};
  }

 private:
  NodeRef host_range(const std::string& text, const std::string& where) const {
    const std::string rest = text.substr(std::string(kHostPrefix).size());
    const auto dash = rest.find('-');
    NodeRef r{true, -1, -1};
    const bool ok = dash == std::string::npos
                        ? parse_index(rest, r.first) && parse_index(rest, r.last)
                        : parse_index(rest.substr(0, dash), r.first) &&
                              parse_index(rest.substr(dash + 1), r.last);
    if (!ok || r.first > r.last) {
      throw InputError(where + ": " + quoted(text) +
                       " is not a host reference (\"host:N\" or \"host:A-B\" with A <= B, 0-based)");
    }
    if (r.last >= hosts_) {
      throw InputError(where + ": " + quoted(text) + " names a host that does not exist (the scenario has " +
                       std::to_string(hosts_) + ": host:0 to host:" + std::to_string(hosts_ - 1) + ")");
    }
    return r;
  }

  std::string switch_list() const {
    std::string s;
    for (const auto& [name, v] : switches_) s += (s.empty() ? "" : ", ") + name;
    return s.empty() ? "none" : s;
  }

  int hosts_;
  const std::map<std::string, int>& switches_;
};

}  // namespace

std::shared_ptr<const NetworkTopology> parse_network(JsonObject& network,
                                                     const std::vector<double>& host_nic_mbps) {
  const int hosts = static_cast<int>(host_nic_mbps.size());
  const std::string switches_path = network.path("switches");
  const nlohmann::json& names = network.raw("switches");
  if (!names.is_array()) {
    throw InputError(switches_path + ": expected an array of switch names, got " + json_snippet(names));
  }
  std::vector<std::string> switches;
  std::map<std::string, int> switch_vertex;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string item = switches_path + "[" + std::to_string(i) + "]";
    if (!names[i].is_string() || names[i].get<std::string>().empty()) {
      throw InputError(item + ": expected a non-empty switch name, got " + json_snippet(names[i]));
    }
    const std::string name = names[i].get<std::string>();
    if (name.rfind(kHostPrefix, 0) == 0) {
      throw InputError(item + ": " + quoted(name) + " starts with \"host:\", which names hosts");
    }
    const auto [it, fresh] = switch_vertex.emplace(name, hosts + static_cast<int>(i));
    if (!fresh) {
      throw InputError(item + ": duplicate switch name " + quoted(name) + " (also switches[" +
                       std::to_string(it->second - hosts) + "])");
    }
    switches.push_back(name);
  }
  const NodeNames nodes(hosts, switch_vertex);

  std::vector<NetworkLink> links;
  std::vector<std::string> nic_of(static_cast<std::size_t>(hosts));  // where each host's link is
  auto entries = network.array_of_objects("links");
  if (entries.empty()) throw InputError(network.path("links") + ": at least one link is required");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    JsonObject& l = entries[i];
    const std::string a_text = l.string("a");
    const std::string b_text = l.string("b");
    const NodeRef a = nodes.resolve(a_text, l.path("a"));
    const NodeRef b = nodes.resolve(b_text, l.path("b"));
    if (!a.hosts && !b.hosts && a.first == b.first) {
      throw InputError(l.where() + ": a link from " + quoted(a_text) + " to itself");
    }
    if (a.hosts && b.hosts) {
      throw InputError(l.where() + ": joins " + quoted(a_text) + " and " + quoted(b_text) +
                       "; a host's one link (its NIC) goes to a switch");
    }
    if (!a.hosts && !b.hosts) {
      links.push_back({a.first, b.first, l.number("capacity_mbps", bounds::kLinkMbps)});
      l.finish();
      continue;
    }
    const NodeRef& h = a.hosts ? a : b;
    const int sw = a.hosts ? b.first : a.first;
    const std::string field = l.path(a.hosts ? "a" : "b");
    const bool given = l.has("capacity_mbps");
    const double capacity = l.number("capacity_mbps", 0.0, bounds::kLinkMbps);
    for (int host = h.first; host <= h.last; ++host) {
      std::string& nic = nic_of[static_cast<std::size_t>(host)];
      if (!nic.empty()) {
        throw InputError(field + ": host:" + std::to_string(host) + " already has its link (" + nic +
                         "); a host has exactly one link, its NIC");
      }
      nic = "links[" + std::to_string(i) + "]";
      if (!given && std::isnan(host_nic_mbps[static_cast<std::size_t>(host)])) {
        throw InputError(l.path("capacity_mbps") + ": required here (no host type gives host:" +
                         std::to_string(host) + " a NIC speed)");
      }
      links.push_back({host, sw, given ? capacity : host_nic_mbps[static_cast<std::size_t>(host)]});
    }
    l.finish();
  }
  for (int host = 0; host < hosts; ++host) {
    if (nic_of[static_cast<std::size_t>(host)].empty()) {
      throw InputError(network.path("links") + ": host:" + std::to_string(host) +
                       " has no link (every host needs one, to a switch: its NIC)");
    }
  }
  network.finish();

  auto net = std::make_shared<const NetworkTopology>(hosts, switches, links);
  auto switch_of = [&](int host) {
    const NetworkLink& nic = net->link(net->nic_link(host));
    return net->vertex_name(nic.a == host ? nic.b : nic.a);
  };
  for (int host = 1; host < hosts; ++host) {
    if (!net->connected(0, host)) {
      throw InputError(network.path("links") + ": no route from host:0 (on " + switch_of(0) +
                       ") to host:" + std::to_string(host) + " (on " + switch_of(host) +
                       "); every host must reach every other");
    }
  }
  return net;
}

}  // namespace migsim::sim
