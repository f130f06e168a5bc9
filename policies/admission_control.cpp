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
  r.source_host = sim::source_of(p, o);
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

AdmissionControl::Step::Step(AdmissionControl& ac, const sim::Placement& p, double now)
    : ac_(ac), p_(p), now_(now), per_host_(static_cast<std::size_t>(p.host_count()), 0) {
  for (int h : p.busy_hosts()) {  // an idle host has no migration in flight
    for (int v : p.migrating_in(h)) {
      ++per_host_[h];
      if (p.host_of(v) >= 0) ++per_host_[p.host_of(v)];
      ++total_;
    }
  }
  budget_ = ac.timer_ && std::isfinite(ac.limits_.max_downtime_ms);
}

bool AdmissionControl::Step::offer(const sim::MigrationOrder& o) {
  AdmissionStats& stats = ac_.stats_;
  const int src = sim::source_of(p_, o);
  if (cooling_down(o.vm)) {
    ++stats.refused_cooldown;
    return false;
  }
  if (full()) {
    ++stats.refused_total_limit;
    return false;
  }
  if (!has_room(o.target_host, 1) || (src >= 0 && !has_room(src, 1))) {
    ++stats.refused_host_limit;
    return false;
  }
  if (budget_ && ac_.rates_) {
    if (!ac_.admit_with_step(p_, o, out_, checked_mbps_)) return false;
  } else {
    if (budget_) {
      // Its fair share of the busier NIC once it starts (as the migsim engine times it).
      double link_mbps = p_.host(o.target_host).bw_mbps / (per_host_[o.target_host] + 1);
      if (src >= 0) link_mbps = std::min(link_mbps, p_.host(src).bw_mbps / (per_host_[src] + 1));
      if (!ac_.within_budget(ac_.predict(p_, o, link_mbps))) {
        ++stats.refused_downtime;
        return false;
      }
    }
    out_.push_back(o);
  }
  ++per_host_[o.target_host];
  if (src >= 0) ++per_host_[src];
  ++total_;
  ++stats.admitted;
  return true;
}

std::vector<sim::MigrationOrder> AdmissionControl::admit(const sim::Placement& p,
                                                         const std::vector<sim::MigrationOrder>& proposed,
                                                         double now) {
  Step step = begin(p, now);
  for (const auto& o : proposed) step.offer(o);
  return step.admitted();
}

}  // namespace migsim::policies
