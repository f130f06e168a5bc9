#include "validation/shaped_link.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "sim/input_error.hpp"
#include "validation/command.hpp"
#include "validation/stale_netns.hpp"

namespace migsim::validation {

namespace {

std::atomic<int> g_links{0};

std::string number_text(double v) {
  std::ostringstream s;
  s.precision(12);
  s << v;
  return s.str();
}

}  // namespace

ShapedLink::ShapedLink(const LinkShape& shape) : shape_(shape) {
  if (!(shape.rate_mbit > 0) || !std::isfinite(shape.rate_mbit)) {
    throw EnvironmentError("link rate must be a positive number of Mbit/s, got " + number_text(shape.rate_mbit));
  }
  remove_stale();
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(g_links++);
  src_ns_ = "msim-s" + tag;
  dst_ns_ = "msim-d" + tag;
  src_if_ = "msv" + tag + "s";
  dst_if_ = "msv" + tag + "d";
  if (src_if_.size() > 15) {  // IFNAMSIZ - 1
    src_if_ = "msvs" + std::to_string(g_links.load());
    dst_if_ = "msvd" + std::to_string(g_links.load());
  }
  // A token bucket holding 2 ms at the rate (at least 64 KiB, so a 64 KiB GSO
  // segment passes whole), queueing at most 20 ms.
  const double bytes_per_s = shape.rate_mbit * 1e6 / 8.0;
  burst_bytes_ = std::max(65536.0, std::ceil(bytes_per_s * 0.002));
  try {
    run_checked({"ip", "netns", "add", src_ns_}, "creating the sources' network namespace");
    run_checked({"ip", "netns", "add", dst_ns_}, "creating the destinations' network namespace");
    run_checked({"ip", "link", "add", src_if_, "netns", src_ns_, "type", "veth", "peer", "name", dst_if_,
                 "netns", dst_ns_},
                "creating the veth pair");
    const std::pair<const std::string*, std::pair<const std::string*, std::string>> ends[] = {
        {&src_ns_, {&src_if_, source_ip()}}, {&dst_ns_, {&dst_if_, destination_ip()}}};
    for (const auto& [ns, e] : ends) {
      run_checked({"ip", "-n", *ns, "link", "set", "lo", "up"}, "bringing up lo");
      run_checked({"ip", "-n", *ns, "addr", "add", e.second + "/30", "dev", *e.first}, "addressing the veth");
      run_checked({"ip", "-n", *ns, "link", "set", *e.first, "up"}, "bringing up the veth");
    }
    std::vector<std::string> tbf{"tc", "-n", src_ns_, "qdisc", "add", "dev", src_if_, "root", "handle", "1:",
                                 "tbf", "rate", number_text(shape.rate_mbit) + "mbit",
                                 "burst", number_text(burst_bytes_), "latency", "20ms"};
    run_checked(tbf, "shaping the link with tc tbf at " + number_text(shape.rate_mbit) + " Mbit/s");
    if (shape.delay_ms > 0) {
      run_checked({"tc", "-n", src_ns_, "qdisc", "add", "dev", src_if_, "parent", "1:1", "handle", "10:",
                   "netem", "delay", number_text(shape.delay_ms) + "ms"},
                  "adding the link's delay with tc netem");
    }
  } catch (...) {
    remove();
    throw;
  }
}

ShapedLink::~ShapedLink() { remove(); }

void ShapedLink::remove() noexcept {
  for (const std::string* ns : {&src_ns_, &dst_ns_}) {
    if (ns->empty()) continue;
    try {
      run_command({"ip", "netns", "delete", *ns});
    } catch (...) {
    }
  }
}

nlohmann::json ShapedLink::describe() const {
  nlohmann::json j{{"qdisc", "tbf"},
                   {"rate_mbit", shape_.rate_mbit},
                   {"burst_bytes", burst_bytes_},
                   {"latency_ms", 20},
                   {"delay_ms", shape_.delay_ms},
                   {"source_ip", source_ip()},
                   {"destination_ip", destination_ip()}};
  try {
    // The sources' TCP send buffer limit: what a stop-and-copy can hand to the
    // kernel before the link has carried it (min, default, max bytes).
    const CommandResult w = run_command({"ip", "netns", "exec", src_ns_, "sysctl", "-n", "net.ipv4.tcp_wmem"});
    if (w.status == 0) {
      std::istringstream in(w.output);
      double lo = 0, def = 0, hi = 0;
      if (in >> lo >> def >> hi) j["tcp_wmem_bytes"] = {lo, def, hi};
    }
  } catch (...) {
  }
  try {
    const CommandResult r = run_command({"tc", "-n", src_ns_, "-s", "-j", "qdisc", "show", "dev", src_if_});
    if (r.status == 0) {
      const auto stats = nlohmann::json::parse(r.output, nullptr, false);
      if (stats.is_array()) {
        for (const auto& q : stats) {
          if (q.value("kind", std::string()) != "tbf") continue;
          for (const char* k : {"bytes", "packets", "drops", "overlimits", "requeues"}) {
            if (q.contains(k)) j["tc_stats"][k] = q[k];
          }
        }
      }
    }
  } catch (...) {
  }
  return j;
}

std::string ShapedLink::drop_all_packets() {
  const std::vector<std::string> netem{"tc", "-n", src_ns_, "qdisc", "replace", "dev", src_if_, "root", "netem", "loss", "100%"};
  if (run_command(netem).status == 0) return "netem loss 100%";
  run_checked({"tc", "-n", src_ns_, "qdisc", "replace", "dev", src_if_, "root", "pfifo", "limit", "0"},
              "making the link drop every packet (tc netem unavailable, tc pfifo limit 0)");
  return "pfifo limit 0";
}

void ShapedLink::take_down() {
  run_checked({"ip", "-n", src_ns_, "link", "set", src_if_, "down"}, "taking the link down");
}

int ShapedLink::remove_stale() { return remove_stale_netns({"msim-s", "msim-d"}); }

bool ShapedLink::available(std::string* why) {
  try {
    const std::string probe = "msim-s" + std::to_string(::getpid()) + "-probe";
    const CommandResult r = run_command({"ip", "netns", "add", probe});
    if (r.status != 0) {
      if (why) *why = "cannot create a network namespace (ip netns add): " + r.output;
      return false;
    }
    run_command({"ip", "netns", "delete", probe});
    return true;
  } catch (const EnvironmentError& e) {
    if (why) *why = e.what();
    return false;
  }
}

}  // namespace migsim::validation
