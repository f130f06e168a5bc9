#include "policies/admission_control.hpp"

#include <algorithm>

namespace migsim::policies {

AdmissionControl::AdmissionControl(AdmissionLimits limits, int vm_count, const sim::MigrationTimer* timer)
    : limits_(limits),
      last_end_(static_cast<std::size_t>(vm_count), -std::numeric_limits<double>::infinity()),
      timer_(timer) {}

void AdmissionControl::migration_ended(int vm, double now) {
  if (vm >= 0 && vm < static_cast<int>(last_end_.size())) last_end_[vm] = now;
}

std::vector<sim::MigrationOrder> AdmissionControl::admit(const sim::Placement& p,
                                                         const std::vector<sim::MigrationOrder>& proposed,
                                                         double now) {
  // In-flight migrations per host (source and target) and in total.
  std::vector<int> per_host(static_cast<std::size_t>(p.host_count()), 0);
  int total = 0;
  for (int h = 0; h < p.host_count(); ++h) {
    for (int v : p.migrating_in(h)) {
      ++per_host[h];
      if (p.host_of(v) >= 0) ++per_host[p.host_of(v)];
      ++total;
    }
  }
  std::vector<sim::MigrationOrder> out;
  for (const auto& o : proposed) {
    const int src = p.host_of(o.vm);
    if (now - last_end_[o.vm] < limits_.vm_cooldown_s) {
      ++stats_.refused_cooldown;
      continue;
    }
    if (total >= limits_.max_total) {
      ++stats_.refused_total_limit;
      continue;
    }
    if (per_host[o.target_host] >= limits_.max_per_host ||
        (src >= 0 && per_host[src] >= limits_.max_per_host)) {
      ++stats_.refused_host_limit;
      continue;
    }
    if (timer_ && std::isfinite(limits_.max_downtime_ms)) {
      sim::MigrationRequest r;
      r.vm = o.vm;
      r.source_host = src;
      r.target_host = o.target_host;
      r.ram_mib = p.vm(o.vm).ram_mib;
      // Its fair share of the busier NIC once it starts (as the migsim engine times it).
      r.link_mbps = p.host(o.target_host).bw_mbps / (per_host[o.target_host] + 1);
      if (src >= 0) r.link_mbps = std::min(r.link_mbps, p.host(src).bw_mbps / (per_host[src] + 1));
      r.cpu_utilization = p.utilization_now(o.vm);
      r.dirty_pages_per_sec = p.vm(o.vm).dirty_pages_per_sec_at_full_cpu * r.cpu_utilization;
      r.wss_mib = p.vm(o.vm).wss_mib;
      const sim::MigrationTiming t = timer_->time(r);
      if (!t.converged || t.downtime_s * 1000.0 > limits_.max_downtime_ms) {
        ++stats_.refused_downtime;
        continue;
      }
    }
    ++per_host[o.target_host];
    if (src >= 0) ++per_host[src];
    ++total;
    ++stats_.admitted;
    out.push_back(o);
  }
  return out;
}

}  // namespace migsim::policies
