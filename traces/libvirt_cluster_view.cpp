#include "traces/libvirt_cluster_view.hpp"

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

sim::Placement make_placement(const std::vector<ViewHost>& hosts, const std::vector<ViewVm>& vms,
                              std::shared_ptr<const sim::PowerCurve> power, int history_length) {
  std::vector<sim::HostSpec> hs;
  for (const auto& h : hosts) {
    sim::HostSpec spec;
    spec.type = h.name;
    spec.pes = std::max(1, static_cast<int>(h.cpus));
    spec.pe_mips = kMipsPerCpu;
    spec.ram_mib = h.ram_mib;
    spec.bw_mbps = 10000.0;
    spec.power = power;
    hs.push_back(spec);
  }
  std::vector<sim::VmSpec> vs;
  for (const auto& v : vms) {
    sim::VmSpec spec;
    spec.name = v.name;
    spec.pes = std::max(1, static_cast<int>(v.vcpus));
    spec.mips = kMipsPerCpu;
    spec.ram_mib = v.ram_mib;
    spec.bw_mbps = 0.0;
    spec.dirty_pages_per_sec_at_full_cpu =
        v.util > 0.05 ? v.dirty_pages_per_sec / v.util : v.dirty_pages_per_sec;
    spec.wss_mib = v.wss_mib;
    vs.push_back(spec);
  }
  sim::Placement::Rules rules;
  rules.ram_only_at_creation = false;  // live: RAM limits every placement
  sim::Placement p(std::move(hs), std::move(vs), rules, history_length);
  for (int i = 0; i < static_cast<int>(vms.size()); ++i) {
    const ViewVm& v = vms[static_cast<std::size_t>(i)];
    if (v.host < 0) {
      p.retire(i);
      continue;
    }
    for (double u : v.history) p.push_history(i, u);
    p.set_requested_mips(i, v.util * kMipsPerCpu * std::max(1.0, v.vcpus));
    p.set_utilization_now(i, v.util);
    p.create(v.host, i);
  }
  for (int h = 0; h < p.host_count(); ++h) {
    p.reallocate_cpu(h);
    p.set_utilization_mips(h, std::min(p.requested_mips_on(h), p.host(h).total_mips()));
  }
  return p;
}

}  // namespace migsim::traces
