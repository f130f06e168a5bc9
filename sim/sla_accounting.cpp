#include "sim/sla_accounting.hpp"

namespace migsim::sim {

SlaAccounting::SlaAccounting(int hosts, int vms)
    : host_pending_(static_cast<std::size_t>(hosts)),
      host_prev_active_(static_cast<std::size_t>(hosts), 1),
      vm_pending_(static_cast<std::size_t>(vms)) {}

void SlaAccounting::host_entry(int h, double t, double alloc, double req, bool active) {
  HostEntry& p = host_pending_[h];
  if (p.valid && p.t != t) {
    // p is final: charge [p.t, t] to it and count a shutdown transition.
    if (p.active) {
      const double dt = t - p.t;
      active_time_ += dt;
      if (p.alloc < p.req) sla_time_ += dt;
    }
    if (host_prev_active_[h] && !p.active) ++shutdowns_;
    host_prev_active_[h] = p.active ? 1 : 0;
  }
  p = HostEntry{t, alloc, req, active, true};
}

void SlaAccounting::vm_entry(int v, double t, double alloc, double req, bool mig) {
  VmEntry& p = vm_pending_[v];
  if (p.valid && p.t != t) {
    const double dt = t - p.t;
    total_alloc_ += p.alloc * dt;
    total_req_ += p.req * dt;
    if (p.alloc < p.req) {
      violation_sum_ += (p.req - p.alloc) / p.req;
      ++violation_count_;
      if (p.mig) under_mig_ += (p.req - p.alloc) * dt;
    }
  }
  p = VmEntry{t, alloc, req, mig, true};
}

void SlaAccounting::downtime(double seconds, double requested_mips) {
  under_mig_ += seconds * requested_mips;
}

double SlaAccounting::slatah() const { return active_time_ > 0 ? sla_time_ / active_time_ : 0.0; }
double SlaAccounting::pdm() const { return total_req_ > 0 ? under_mig_ / total_req_ : 0.0; }
double SlaAccounting::overall() const {
  return total_req_ > 0 ? (total_req_ - total_alloc_) / total_req_ : 0.0;
}
double SlaAccounting::average() const {
  return violation_count_ > 0 ? violation_sum_ / static_cast<double>(violation_count_) : 0.0;
}

long long SlaAccounting::shutdowns() const {
  // The last pending entry of each host also counts as a state.
  long long n = shutdowns_;
  for (std::size_t h = 0; h < host_pending_.size(); ++h) {
    const HostEntry& p = host_pending_[h];
    if (p.valid && host_prev_active_[h] && !p.active) ++n;
  }
  return n;
}

}  // namespace migsim::sim
