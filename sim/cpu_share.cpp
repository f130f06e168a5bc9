#include "sim/cpu_share.hpp"

#include <algorithm>
#include <cmath>

namespace migsim::sim {

void CpuShare::mark_migrating_in(int vm) { migrating_in_.insert(vm); }
void CpuShare::unmark_migrating_in(int vm) { migrating_in_.erase(vm); }
bool CpuShare::is_migrating_in(int vm) const { return migrating_in_.contains(vm); }
bool CpuShare::is_migrating_out(int vm) const { return migrating_out_.contains(vm); }

double CpuShare::capped(double requested_total, int vm_pes) const {
  const double per_pe = requested_total / vm_pes;
  double total = 0;
  for (int i = 0; i < vm_pes; ++i) total += per_pe > pe_mips_ ? pe_mips_ : per_pe;
  return total;
}

void CpuShare::allocate_vm(int vm, double requested_total, int vm_pes, bool in_migration) {
  if (in_migration) {
    if (!migrating_in_.contains(vm) && !migrating_out_.contains(vm)) migrating_out_.insert(vm);
  } else if (!migrating_out_.empty()) {
    migrating_out_.erase(vm);
  }
  allocate_entry(vm, requested_total, vm_pes);
}

void CpuShare::allocate_new_vm(int vm, double requested_total, int vm_pes, bool in_migration) {
  if (in_migration) {
    if (!migrating_in_.contains(vm) && !migrating_out_.contains(vm)) migrating_out_.insert(vm);
  } else if (!migrating_out_.empty()) {
    migrating_out_.erase(vm);
  }
  allocate_entry(vm, requested_total, vm_pes, true);
}

void CpuShare::allocate_entry(int vm, double requested_total, int vm_pes, bool known_new) {
  double total = capped(requested_total, vm_pes);
  auto it = known_new ? entries_.end()
                      : std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.vm == vm; });
  if (it == entries_.end()) {
    entries_.push_back({vm, vm_pes, requested_total, 0.0});
    it = entries_.end() - 1;
  } else {
    it->requested = requested_total;
    it->pes = vm_pes;
  }
  const bool in = migrating_in_.contains(vm);
  const bool out = migrating_out_.contains(vm);
  if (in) total *= 0.1;
  if (available_ >= total) {
    const double per_pe = requested_total / vm_pes;
    double alloc = 0;
    for (int i = 0; i < vm_pes; ++i) {
      double m = per_pe > pe_mips_ ? pe_mips_ : per_pe;
      if (out) {
        m *= 0.9;
      } else if (in) {
        m *= 0.1;
      }
      alloc += m;
    }
    it->allocated = alloc;
    available_ -= total;
  } else {
    redistribute();
  }
}

void CpuShare::redistribute() {
  double required = 0;
  for (const Entry& e : entries_) {
    double r = capped(e.requested, e.pes);
    if (migrating_in_.contains(e.vm)) r *= 0.1;
    required += r;
  }
  const double scaling = total_mips() / required;
  for (Entry& e : entries_) {
    const bool out = migrating_out_.contains(e.vm);
    const bool in = migrating_in_.contains(e.vm);
    const double per_pe = e.requested / e.pes;
    double alloc = 0;
    for (int i = 0; i < e.pes; ++i) {
      double m = per_pe > pe_mips_ ? pe_mips_ : per_pe;
      if (out) {
        m *= scaling;
        m *= 0.9;
      } else if (in) {
        m *= 0.1;
        m *= scaling;
      } else {
        m *= scaling;
      }
      alloc += std::floor(m);
    }
    e.allocated = alloc;
  }
  available_ = 0;
}

void CpuShare::deallocate(int vm) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.vm == vm; });
  if (it != entries_.end()) entries_.erase(it);
  available_ = total_mips();
  std::vector<Entry> rest;
  rest.swap(entries_);
  for (const Entry& e : rest) allocate_entry(e.vm, e.requested, e.pes, true);
}

void CpuShare::clear() {
  entries_.clear();
  available_ = total_mips();
}

double CpuShare::allocated(int vm) const {
  for (const Entry& e : entries_) {
    if (e.vm == vm) return e.allocated;
  }
  return 0.0;
}

}  // namespace migsim::sim
