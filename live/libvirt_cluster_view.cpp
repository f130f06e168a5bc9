#include "live/libvirt_cluster_view.hpp"

#include <algorithm>

#include "traces/libvirt_sample_readers.hpp"

namespace migsim::live {

void update_view_vm(ViewVm& vm, const traces::DomainSample& s, traces::CpuUsageMeter& meter,
                    double& last_dirty_start, const std::string& where) {
  vm.vcpus = traces::sample_vcpus(s, where);
  vm.ram_mib = traces::sample_ram_mib(s, where);
  if (s.stats.has("balloon.rss")) {
    vm.wss_mib = std::min(vm.ram_mib, s.stats.at("balloon.rss", where) / 1024.0);
  }
  if (const auto u = meter.update(s, where)) {
    vm.util = *u;
    vm.history.push_back(*u);
    if (vm.history.size() > static_cast<std::size_t>(kViewHistoryLength)) {
      vm.history.erase(vm.history.begin());
    }
  }
  if (const auto d = traces::new_dirty_rate(s, last_dirty_start)) vm.dirty_pages_per_sec = *d;
}

sim::Placement make_placement(const std::vector<ViewHost>& hosts, const std::vector<ViewVm>& vms,
                              std::shared_ptr<const sim::PowerCurve> power, int history_length) {
  std::vector<sim::HostSpec> hs;
  for (const auto& h : hosts) {
    sim::HostSpec spec;
    spec.type = h.name;
    spec.pes = std::max(1, static_cast<int>(h.cpus));
    spec.pe_mips = traces::kMipsPerCpu;
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
    spec.mips = traces::kMipsPerCpu;
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
    p.set_requested_mips(i, v.util * traces::kMipsPerCpu * std::max(1.0, v.vcpus));
    p.set_utilization_now(i, v.util);
    p.create(v.host, i);
    if (v.migrating_to >= 0 && v.migrating_to != v.host) p.add_migrating_in(v.migrating_to, i);
  }
  for (int h = 0; h < p.host_count(); ++h) {
    p.reallocate_cpu(h);
    p.set_utilization_mips(h, std::min(p.requested_mips_on(h), p.host(h).total_mips()));
  }
  return p;
}

}  // namespace migsim::live
