#pragma once
// The network a web run's guest is reachable on across its migration (issue 12 item 2), on one
// host: a namespace of ours ("msim-w<pid>-<k>") holding a bridge with the client's address
// (10.234.0.1/24) and two taps, one for the source QEMU and one for the destination QEMU
// (both run inside the namespace, both guests have the same MAC and the same address
// 10.234.0.2). Before the switch-over the bridge has learned the guest's MAC on the source's
// tap; QEMU's announce-self after the switch-over (RARP frames from the destination's NIC)
// moves the bridge's FDB entry to the destination's tap, and the client's requests follow.
// The migration stream itself runs over the namespace's loopback, limited by QEMU's
// max-bandwidth. Nothing is routed out of the namespace. The destructor deletes the namespace
// (bridge and taps with it); one left by a harness killed with SIGKILL is collected by the
// next WebLink (stale_netns.hpp).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace migsim::validation {

class WebLink {
 public:
  // EnvironmentError naming the failing ip command; whatever was made before is removed.
  WebLink();
  ~WebLink();
  WebLink(const WebLink&) = delete;
  WebLink& operator=(const WebLink&) = delete;

  const std::string& netns() const { return ns_; }
  static std::string client_ip() { return "10.234.0.1"; }
  static std::string guest_ip() { return "10.234.0.2"; }
  static std::string prefix() { return "10.234.0.0/24"; }
  static std::string guest_mac() { return "52:54:00:4d:53:01"; }
  static std::string source_tap() { return "mwsrc"; }
  static std::string destination_tap() { return "mwdst"; }
  // QEMU arguments giving a guest the NIC on `tap` (e1000, the guest MAC).
  static std::vector<std::string> nic_args(const std::string& tap);

  // The bridge port the guest's MAC is learned on now ("" when not learned).
  std::string guest_port() const;
  // Topology and the taps' packet counters, for the record.
  nlohmann::json describe() const;

  static int remove_stale();

 private:
  void remove() noexcept;
  std::string ns_;
};

}  // namespace migsim::validation
