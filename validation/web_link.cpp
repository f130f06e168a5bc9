#include "validation/web_link.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>

#include "sim/input_error.hpp"
#include "validation/command.hpp"
#include "validation/stale_netns.hpp"

namespace migsim::validation {

namespace {
std::atomic<int> g_web_links{0};
constexpr const char* kBridge = "mwbr";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
}  // namespace

int WebLink::remove_stale() { return remove_stale_netns({"msim-w"}); }

WebLink::WebLink() {
  remove_stale();
  ns_ = "msim-w" + std::to_string(::getpid()) + "-" + std::to_string(g_web_links++);
  try {
    run_checked({"ip", "netns", "add", ns_}, "creating the web link's network namespace");
    run_checked({"ip", "-n", ns_, "link", "set", "lo", "up"}, "bringing up lo");
    run_checked({"ip", "-n", ns_, "link", "add", kBridge, "type", "bridge"}, "creating the bridge");
    run_checked({"ip", "-n", ns_, "addr", "add", client_ip() + "/24", "dev", kBridge}, "addressing the bridge");
    run_checked({"ip", "-n", ns_, "link", "set", kBridge, "up"}, "bringing up the bridge");
    for (const std::string& tap : {source_tap(), destination_tap()}) {
      run_checked({"ip", "-n", ns_, "tuntap", "add", "dev", tap, "mode", "tap"}, "creating tap " + tap);
      run_checked({"ip", "-n", ns_, "link", "set", tap, "master", kBridge}, "putting " + tap + " on the bridge");
      run_checked({"ip", "-n", ns_, "link", "set", tap, "up"}, "bringing up " + tap);
    }
  } catch (...) {
    remove();
    throw;
  }
}

WebLink::~WebLink() { remove(); }

void WebLink::remove() noexcept {
  if (ns_.empty()) return;
  try {
    run_command({"ip", "netns", "delete", ns_});
  } catch (...) {
  }
}

std::vector<std::string> WebLink::nic_args(const std::string& tap) {
  return {"-netdev", "tap,id=web0,ifname=" + tap + ",script=no,downscript=no",
          "-device", "e1000,netdev=web0,mac=" + guest_mac()};
}

std::string WebLink::guest_port() const {
  try {
    const CommandResult r = run_command({"bridge", "-n", ns_, "-j", "fdb", "show", "br", kBridge});
    if (r.status != 0) return "";
    const auto fdb = nlohmann::json::parse(r.output, nullptr, false);
    if (!fdb.is_array()) return "";
    for (const auto& e : fdb) {
      if (lower(e.value("mac", std::string())) == guest_mac() && e.contains("ifname")) {
        return e["ifname"].get<std::string>();
      }
    }
  } catch (...) {
  }
  return "";
}

nlohmann::json WebLink::describe() const {
  nlohmann::json j{{"topology", "bridge-in-namespace"},
                   {"bridge", kBridge},
                   {"client_ip", client_ip()},
                   {"guest_ip", guest_ip()},
                   {"guest_mac", guest_mac()},
                   {"nic", "e1000"},
                   {"source_tap", source_tap()},
                   {"destination_tap", destination_tap()},
                   {"migration_transport", "tcp over the namespace's loopback, QEMU max-bandwidth"}};
  try {
    const CommandResult r = run_command({"ip", "-n", ns_, "-s", "-j", "link", "show"});
    const auto links = nlohmann::json::parse(r.output, nullptr, false);
    if (r.status == 0 && links.is_array()) {
      for (const auto& l : links) {
        const std::string name = l.value("ifname", std::string());
        if (name != source_tap() && name != destination_tap()) continue;
        const auto& st = l.value("stats64", nlohmann::json::object());
        j["tap_stats"][name] = {{"rx_packets", st.value("rx", nlohmann::json::object()).value("packets", 0)},
                                {"tx_packets", st.value("tx", nlohmann::json::object()).value("packets", 0)}};
      }
    }
  } catch (...) {
  }
  return j;
}

}  // namespace migsim::validation
