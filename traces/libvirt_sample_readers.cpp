#include "traces/libvirt_sample_readers.hpp"

#include <algorithm>
#include <cstdio>

#include "sim/input_error.hpp"

namespace migsim::traces {

std::optional<double> CpuUsageMeter::update(const DomainSample& s, const std::string& where) {
  const auto key = std::make_pair(s.host, s.domain);
  // A shut-off or crashed domain has no QEMU process: its cpu.time is not the
  // running counter (libvirt reports e.g. 0.5 s for a domain just destroyed),
  // and if it starts again there, a new process counts from 0.
  if (s.stats.has("state.state")) {
    const double state = s.stats.at("state.state", where);
    if (state == kDomainShutoff || state == kDomainCrashed) {
      last_.erase(key);
      return std::nullopt;
    }
  }
  const double ns = s.stats.at("cpu.time", where);
  const double vcpus = sample_vcpus(s, where);
  // Back on a host it had left: a new QEMU process, whose cpu.time starts again.
  auto seen = last_host_.find(s.domain);
  if (seen != last_host_.end() && seen->second != s.host) last_.erase(key);
  last_host_[s.domain] = s.host;
  const auto it = last_.find(key);
  std::optional<double> util;
  if (it != last_.end()) {
    const double dt = s.t - it->second.first;
    const double dns = ns - it->second.second;
    if (dns < 0) {
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    ": field 'stats.cpu.time': went backwards (%.0f ns after %.0f ns) for domain '",
                    ns, it->second.second);
      throw InputError(where + buf + s.domain + "'");
    }
    if (dt > 0) util = std::clamp(dns / (dt * 1e9 * vcpus), 0.0, 1.0);
  }
  last_[key] = {s.t, ns};
  return util;
}

double sample_vcpus(const DomainSample& s, const std::string& where) {
  if (s.stats.has("vcpu.current")) return std::max(1.0, s.stats.at("vcpu.current", where));
  if (s.stats.has("vcpu.maximum")) return std::max(1.0, s.stats.at("vcpu.maximum", where));
  return 1.0;  // libvirt leaves the vcpu group out for some states; one vCPU
}

double sample_ram_mib(const DomainSample& s, const std::string& where) {
  const double kib = s.stats.has("balloon.maximum") ? s.stats.at("balloon.maximum", where)
                                                     : s.stats.at("balloon.current", where);
  if (kib <= 0) throw InputError(where + ": field 'stats.balloon.maximum': must be > 0");
  return kib / 1024.0;
}

std::optional<double> new_dirty_rate(const DomainSample& s, double& last_start) {
  const auto st = s.stats.numbers.find("dirtyrate.calc_status");
  const auto start = s.stats.numbers.find("dirtyrate.calc_start_time");
  const auto mbps = s.stats.numbers.find("dirtyrate.megabytes_per_second");
  if (st == s.stats.numbers.end() || start == s.stats.numbers.end() ||
      mbps == s.stats.numbers.end() || st->second != 2 || start->second == last_start) {
    return std::nullopt;
  }
  last_start = start->second;
  return mbps->second * 256.0;  // QEMU's "MB/s" is MiB/s of 4 KiB pages
}

}  // namespace migsim::traces
