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

sim::MigrationTiming AdmissionControl::predict(const sim::Placement& p, const sim::MigrationOrder& o,
                                               double link_mbps) const {
  sim::MigrationRequest r;
  r.vm = o.vm;
  r.source_host = p.host_of(o.vm);
  r.target_host = o.target_host;
  r.ram_mib = p.vm(o.vm).ram_mib;
  r.link_mbps = link_mbps;
  r.cpu_utilization = p.utilization_now(o.vm);
  r.dirty_pages_per_sec = p.vm(o.vm).dirty_pages_per_sec_at_full_cpu * r.cpu_utilization;
  r.wss_mib = p.vm(o.vm).wss_mib;
  return timer_->time(r);
}

bool AdmissionControl::within_budget(const sim::MigrationTiming& t) const {
  return t.converged && !(t.downtime_s * 1000.0 > limits_.max_downtime_ms);
}

bool AdmissionControl::admit_with_step(const sim::Placement& p, const sim::MigrationOrder& o,
                                       std::vector<sim::MigrationOrder>& step, std::vector<double>& checked_mbps) {
  std::vector<sim::MigrationOrder> trial = step;
  trial.push_back(o);
  const std::vector<double> rates = rates_->rates_if_started(trial);
  if (!within_budget(predict(p, o, rates.back()))) {
    ++stats_.refused_downtime;
    return false;
  }
  // The same inputs give the same prediction: only those whose rate changed
  // since they were last found within budget are predicted again.
  for (std::size_t i = 0; i < step.size(); ++i) {
    if (rates[i] != checked_mbps[i] && !within_budget(predict(p, step[i], rates[i]))) {
      ++stats_.refused_slows_admitted;
      return false;
    }
  }
  step.push_back(o);
  checked_mbps = rates;
  return true;
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
  const bool budget = timer_ && std::isfinite(limits_.max_downtime_ms);
  std::vector<sim::MigrationOrder> out;
  std::vector<double> checked_mbps;  // with StartRates: the rate each of `out` was last predicted at
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
    if (budget && rates_) {
      if (!admit_with_step(p, o, out, checked_mbps)) continue;
    } else {
      if (budget) {
        // Its fair share of the busier NIC once it starts (as the migsim engine times it).
        double link_mbps = p.host(o.target_host).bw_mbps / (per_host[o.target_host] + 1);
        if (src >= 0) link_mbps = std::min(link_mbps, p.host(src).bw_mbps / (per_host[src] + 1));
        if (!within_budget(predict(p, o, link_mbps))) {
          ++stats_.refused_downtime;
          continue;
        }
      }
      out.push_back(o);
    }
    ++per_host[o.target_host];
    if (src >= 0) ++per_host[src];
    ++total;
    ++stats_.admitted;
  }
  return out;
}

}  // namespace migsim::policies
