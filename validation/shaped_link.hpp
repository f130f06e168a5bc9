#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace migsim::validation {

// One bandwidth-limited link between two network namespaces this process
// creates: the sources' ("msim-s<pid>-<k>") and the destinations'
// ("msim-d<pid>-<k>"), joined by one veth pair (10.233.0.1 <-> 10.233.0.2,
// nothing routed anywhere else). The source end's egress -- the direction the
// migration streams go -- is shaped with a token bucket (tc tbf) at the rate.
// The destructor deletes both namespaces, which deletes the veth pair and its
// qdisc with them; a harness killed with SIGKILL leaves namespaces whose name
// carries its dead pid, and remove_stale() (run before each new link) deletes them.
struct LinkShape {
  double rate_mbit = 1000;  // tbf rate, Mbit/s (10^6 bit/s, as tc counts it: L2 bytes)
  double delay_ms = 0;      // one-way delay added with netem (0 = none)
};

class ShapedLink {
 public:
  // EnvironmentError naming the failing ip/tc command (e.g. a rate tc rejects);
  // whatever was created before the failure is removed.
  explicit ShapedLink(const LinkShape& shape);
  ~ShapedLink();
  ShapedLink(const ShapedLink&) = delete;
  ShapedLink& operator=(const ShapedLink&) = delete;

  const std::string& source_netns() const { return src_ns_; }
  const std::string& destination_netns() const { return dst_ns_; }
  static std::string source_ip() { return "10.233.0.1"; }
  static std::string destination_ip() { return "10.233.0.2"; }
  // The shaping as configured and tc's counters (bytes, packets, drops, overlimits).
  nlohmann::json describe() const;
  double burst_bytes() const { return burst_bytes_; }

  // Faults (issue 13): from now on the source end drops every packet it sends (its root
  // qdisc replaced by tc netem loss 100%, or where the kernel has no netem by a pfifo of
  // limit 0, which drops whatever is queued; returns the qdisc used), or is down (ip link
  // set down). EnvironmentError naming the command when it fails. Both go with the
  // namespaces in the destructor.
  std::string drop_all_packets();
  void take_down();

  // Deletes msim-s*/msim-d* namespaces whose creator (the pid in the name) is gone.
  // Returns how many it removed.
  static int remove_stale();
  // Whether this process can create network namespaces at all (root, iproute2).
  static bool available(std::string* why);

 private:
  void remove() noexcept;
  std::string src_ns_, dst_ns_, src_if_, dst_if_;
  LinkShape shape_;
  double burst_bytes_ = 0;
};

}  // namespace migsim::validation
