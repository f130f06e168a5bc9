#include "sim/placement.hpp"

#include <algorithm>
#include <stdexcept>

namespace migsim::sim {

namespace {
void erase_value(std::vector<int>& v, int x) {
  auto it = std::find(v.begin(), v.end(), x);
  if (it != v.end()) v.erase(it);
}
bool contains(std::span<const int> v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }
}  // namespace

bool same_kind(const HostSpec& a, const HostSpec& b) {
  return a.power == b.power && a.pes == b.pes && a.pe_mips == b.pe_mips && a.ram_mib == b.ram_mib &&
         a.bw_mbps == b.bw_mbps;
}

void Placement::refresh_idle(int h) {
  const HostState& hs = hosts_[h];
  const bool idle_now = hs.vms.empty() && hs.util_mips == 0 && hs.cpu.available() == total_mips_[h] &&
                        hs.migrating_in.empty();
  if (idle_now == idle(h)) return;
  if (idle_now) {
    const int last = busy_.back();
    busy_[static_cast<std::size_t>(busy_pos_[h])] = last;
    busy_pos_[last] = busy_pos_[h];
    busy_.pop_back();
    busy_pos_[h] = -1;
    idle_by_kind_[kind_[h]].insert(h);
  } else {
    idle_by_kind_[kind_[h]].erase(h);
    busy_pos_[h] = static_cast<int>(busy_.size());
    busy_.push_back(h);
  }
}

Placement::Placement(std::vector<HostSpec> hosts, std::vector<VmSpec> vms, Rules rules,
                     int history_length)
    : rules_(rules), history_length_(history_length) {
  if (history_length_ < 1 || history_length_ > 64) {
    throw std::invalid_argument("Placement: history length must be 1..64");
  }
  hosts_.reserve(hosts.size());
  const std::size_t n = hosts.size();
  alloc_policy_.assign(n, 0.0);
  power_.assign(n, 0.0);
  alloc_cached_.assign(n, 0);
  power_cached_.assign(n, 0);
  hist_sum_.assign(n * static_cast<std::size_t>(history_length_), 0.0);
  kind_.assign(n, 0);
  busy_pos_.assign(n, -1);
  std::vector<int> kind_first;  // first host of each kind
  for (auto& h : hosts) {
    const int index = static_cast<int>(hosts_.size());
    int kind = 0;
    while (kind < static_cast<int>(kind_first.size()) && !same_kind(hosts_[kind_first[kind]].spec, h)) ++kind;
    if (kind == static_cast<int>(kind_first.size())) {
      kind_first.push_back(index);
      idle_by_kind_.emplace_back();
    }
    kind_[index] = kind;
    total_mips_.push_back(h.total_mips());
    curve_.push_back(h.power.get());
    idle_by_kind_[kind].insert(index);
    HostState hs;
    hs.cpu = CpuShare(h.pes, h.pe_mips);
    ram_free_.push_back(h.ram_mib);
    bw_free_.push_back(h.bw_mbps);
    hs.spec = std::move(h);
    hosts_.push_back(std::move(hs));
  }
  vms_.reserve(vms.size());
  history_.assign(vms.size() * static_cast<std::size_t>(history_length_), 0.0);
  for (auto& v : vms) {
    VmState vs;
    vs.spec = std::move(v);
    vms_.push_back(std::move(vs));
  }
}

double Placement::requested_mips(int v) const {
  const VmState& vs = vms_[v];
  return vs.instantiating ? vs.spec.mips * vs.spec.pes : vs.requested;
}

void Placement::push_history(int v, double utilization) {
  ++history_epoch_;
  VmState& vs = vms_[v];
  double* hist = history_.data() + static_cast<std::size_t>(v) * static_cast<std::size_t>(history_length_);
  const int n = std::min(vs.history_size, history_length_ - 1);
  for (int i = n; i > 0; --i) hist[i] = hist[i - 1];
  hist[0] = utilization;
  vs.history_size = n + 1;
}

std::vector<double> Placement::host_utilization_history(int h) const {
  std::array<double, 64> buf{};
  const int n = host_utilization_history(h, -1, buf);
  return std::vector<double>(buf.begin(), buf.begin() + n);
}

int Placement::host_utilization_history(int h, int extra_vm, std::array<double, 64>& out) const {
  const HostState& hs = hosts_[h];
  const double host_mips = hs.spec.total_mips();
  auto add = [&](double* acc, int v) {
    const VmState& vs = vms_[v];
    const std::span<const double> hist = history(v);
    for (int i = 0; i < vs.history_size; ++i) acc[i] += hist[i] * vs.spec.mips / host_mips;
  };
  double* sum = hist_sum_.data() + static_cast<std::size_t>(h) * static_cast<std::size_t>(history_length_);
  if (hs.hist_epoch != history_epoch_) {
    // The sum over the host's VMs in list order, as CloudSim adds them.
    for (int i = 0; i < history_length_; ++i) sum[i] = 0.0;
    for (int v : hs.vms) add(sum, v);
    hs.hist_epoch = history_epoch_;
  }
  for (int i = 0; i < history_length_; ++i) out[i] = sum[i];
  if (extra_vm >= 0) add(out.data(), extra_vm);
  // MathUtil.trimZeroTail / countNonZeroBeginning
  int i = history_length_ - 1;
  while (i >= 0) {
    if (out[i--] != 0) break;
  }
  return i + 2;
}

bool Placement::is_migrating_in(int h, int v) const { return contains(hosts_[h].migrating_in, v); }

double Placement::utilization(int h) const {
  double u = hosts_[h].util_mips / total_mips_[h];
  if (u > 1 && u < 1.01) u = 1;
  return u;
}

void Placement::set_utilization_mips(int h, double mips) {
  hosts_[h].prev_util_mips = hosts_[h].util_mips;
  hosts_[h].util_mips = mips;
  power_cached_[h] = 0;
  refresh_idle(h);
}

double Placement::power_now(int h) const {
  if (!power_cached_[h]) {
    power_[h] = curve_[h]->watts(std::min(utilization(h), 1.0));
    power_cached_[h] = 1;
  }
  return power_[h];
}

double Placement::allocated_mips_for_policy(int h) const {
  if (alloc_cached_[h]) return alloc_policy_[h];
  const HostState& hs = hosts_[h];
  double sum = 0;
  for (int v : hs.vms) {
    const double a = hs.cpu.allocated(v);
    if (contains(hs.migrating_in, v)) sum += a * 0.9 / 0.1;
    sum += a;
  }
  alloc_policy_[h] = sum;
  alloc_cached_[h] = 1;
  return sum;
}

double Placement::requested_mips_on(int h) const {
  const HostState& hs = hosts_[h];
  if (hs.req_epoch == demand_epoch_) return hs.req_sum;
  double sum = 0;
  for (int v : hs.vms) sum += requested_mips(v);
  hs.req_sum = sum;
  hs.req_epoch = demand_epoch_;
  return sum;
}

double Placement::requested_ram(int v) const {
  const VmState& vs = vms_[v];
  if (vs.instantiating || !rules_.ram_only_at_creation) return vs.spec.ram_mib;
  return 0.0;
}
double Placement::requested_bw(int v) const {
  const VmState& vs = vms_[v];
  if (vs.instantiating || !rules_.ram_only_at_creation) return vs.spec.bw_mbps;
  return 0.0;
}

bool Placement::fits_giving_back(int h, const MemoryRequest& r) const {
  double ram_free = ram_free_[h], bw_free = bw_free_[h];
  for (const auto& e : hosts_[h].ram_bw) {
    if (static_cast<int>(e[0]) == r.vm) {
      ram_free += e[1];
      bw_free += e[2];
    }
  }
  return ram_free >= r.ram && bw_free >= r.bw;
}

bool Placement::allocate_ram_bw(int h, int v) {
  free_ram_bw(h, v);
  const double ram = requested_ram(v), bw = requested_bw(v);
  if (ram_free_[h] < ram || bw_free_[h] < bw) return false;
  ram_free_[h] -= ram;
  bw_free_[h] -= bw;
  hosts_[h].ram_bw.push_back({static_cast<double>(v), ram, bw});
  vms_[v].ram_hosts.push_back(h);
  return true;
}

void Placement::free_ram_bw(int h, int v) {
  auto& entries = hosts_[h].ram_bw;
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (static_cast<int>((*it)[0]) == v) {
      ram_free_[h] += (*it)[1];
      bw_free_[h] += (*it)[2];
      entries.erase(it);
      erase_value(vms_[v].ram_hosts, h);
      return;
    }
  }
}

bool Placement::suitable(int h, int v) const {
  const HostState& hs = hosts_[h];
  const VmState& vs = vms_[v];
  const double req = requested_mips(v);
  const double max_per_pe = req / vs.spec.pes;
  return hs.cpu.pe_mips() >= max_per_pe && hs.cpu.available() >= req && ram_bw_suitable(h, v);
}

bool Placement::create(int h, int v) {
  HostState& hs = hosts_[h];
  touch(h);
  if (!allocate_ram_bw(h, v)) return false;
  VmState& vs = vms_[v];
  hs.cpu.allocate_vm(v, requested_mips(v), vs.spec.pes, vs.in_migration);
  hs.vms.push_back(v);
  vs.host = h;
  refresh_idle(h);
  return true;
}

void Placement::destroy(int h, int v) {
  HostState& hs = hosts_[h];
  touch(h);
  free_ram_bw(h, v);
  hs.cpu.deallocate(v);
  erase_value(hs.vms, v);
  vms_[v].host = -1;
  refresh_idle(h);
}

void Placement::destroy_all(int h) {
  HostState& hs = hosts_[h];
  touch(h);
  hs.cpu.clear();
  ram_free_[h] = hs.spec.ram_mib;
  bw_free_[h] = hs.spec.bw_mbps;
  for (const auto& e : hs.ram_bw) erase_value(vms_[static_cast<int>(e[0])].ram_hosts, h);
  hs.ram_bw.clear();
  for (int v : hs.vms) vms_[v].host = -1;
  hs.vms.clear();
  refresh_idle(h);
}

void Placement::add_migrating_in(int h, int v) {
  HostState& hs = hosts_[h];
  touch(h);
  VmState& vs = vms_[v];
  vs.in_migration = true;
  if (contains(hs.migrating_in, v)) return;
  allocate_ram_bw(h, v);
  hs.cpu.mark_migrating_in(v);
  hs.cpu.allocate_vm(v, requested_mips(v), vs.spec.pes, true);
  hs.migrating_in.push_back(v);
  hs.vms.push_back(v);
  refresh_idle(h);
}

void Placement::remove_migrating_in(int h, int v) {
  HostState& hs = hosts_[h];
  touch(h);
  free_ram_bw(h, v);
  hs.cpu.deallocate(v);
  erase_value(hs.migrating_in, v);
  erase_value(hs.vms, v);
  hs.cpu.unmark_migrating_in(v);
  vms_[v].in_migration = false;
  refresh_idle(h);
}

void Placement::reallocate_migrating_in(int h) {
  HostState& hs = hosts_[h];
  touch(h);
  for (int v : hs.migrating_in) {
    if (!contains(hs.vms, v)) hs.vms.push_back(v);
    hs.cpu.mark_migrating_in(v);
    allocate_ram_bw(h, v);
    hs.cpu.allocate_vm(v, requested_mips(v), vms_[v].spec.pes, vms_[v].in_migration);
  }
  refresh_idle(h);
}

void Placement::reallocate_cpu(int h) {
  HostState& hs = hosts_[h];
  touch(h);
  hs.cpu.clear();
  for (int v : hs.vms) {
    hs.cpu.allocate_new_vm(v, requested_mips(v), vms_[v].spec.pes, vms_[v].in_migration);
  }
  refresh_idle(h);
}

void Placement::retire(int v) { vms_[v].alive = false; }

std::vector<Placement::SavedEntry> Placement::save() {
  std::vector<SavedEntry> out;
  for (int h = 0; h < host_count(); ++h) {
    hosts_[h].changed = false;
    for (int v : hosts_[h].vms) {
      if (contains(hosts_[h].migrating_in, v)) continue;
      out.push_back({h, v});
    }
  }
  return out;
}

bool Placement::canonical_order(int h) const {
  // restore() rebuilds a host as [its VMs migrating in..., the others in order].
  const HostState& hs = hosts_[h];
  if (hs.migrating_in.size() > hs.vms.size()) return false;
  for (std::size_t i = 0; i < hs.migrating_in.size(); ++i) {
    if (hs.vms[i] != hs.migrating_in[i]) return false;
  }
  return true;
}

void Placement::restore(const std::vector<SavedEntry>& saved) {
  // A host nobody touched since save() whose list is already in the order the
  // rebuild produces would be rebuilt into the same state (same VMs, same
  // requests, same allocation order): it is left as it is.
  std::vector<char> rebuild(hosts_.size(), 0);
  for (int h = 0; h < host_count(); ++h) {
    rebuild[h] = hosts_[h].changed || !canonical_order(h) ? 1 : 0;
    if (!rebuild[h]) continue;
    destroy_all(h);
    reallocate_migrating_in(h);
  }
  for (const SavedEntry& e : saved) {
    if (!rebuild[e.host]) {
      vms_[e.vm].host = e.host;
      continue;
    }
    if (!create(e.host, e.vm)) {
      throw std::logic_error("Placement::restore: a saved VM no longer fits its host");
    }
  }
}

}  // namespace migsim::sim
