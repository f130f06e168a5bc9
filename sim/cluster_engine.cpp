#include "sim/cluster_engine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "sim/network_topology.hpp"

namespace migsim::sim {


namespace {
std::vector<double> host_bandwidths(const Placement& p) {
  std::vector<double> bw;
  bw.reserve(static_cast<std::size_t>(p.host_count()));
  for (int h = 0; h < p.host_count(); ++h) bw.push_back(p.host(h).bw_mbps);
  return bw;
}
}  // namespace

// The hosts' and VMs' specs move into the Placement, which keeps them: the
// engine holds no second copy (spec_.hosts and spec_.vms stay empty).
ClusterEngine::ClusterEngine(ClusterSpec spec, ConsolidationPolicy& policy,
                             const MigrationTimer& timer)
    : spec_(std::move(spec)),
      policy_(policy),
      timer_(timer),
      placement_(std::exchange(spec_.hosts, {}), std::exchange(spec_.vms, {}),
                 Placement::Rules{spec_.options.cloudsim_compat},
                 spec_.options.history_length),
      sla_(placement_.host_count(), placement_.vm_count()),
      vm_history_time_(static_cast<std::size_t>(placement_.vm_count()), 0.0),
      host_had_vms_(static_cast<std::size_t>(placement_.host_count()), 0),
      flows_(spec_.options.cloudsim_compat ? Sharing::TargetHost
             : spec_.network                ? Sharing::Network
                                            : Sharing::NicSplit,
             host_bandwidths(placement_), spec_.network,
             !spec_.options.cloudsim_compat && spec_.options.rerate_in_flight) {
  const auto hosts = static_cast<std::size_t>(placement_.host_count());
  const auto vms = static_cast<std::size_t>(placement_.vm_count());
  if (spec_.demand.size() != vms) {
    throw std::invalid_argument("ClusterEngine: one demand series per VM is required");
  }
  if (!(spec_.options.scheduling_interval_s > 0)) {
    throw std::invalid_argument("ClusterEngine: scheduling interval must be > 0");
  }
  for (std::size_t h = 0; h < hosts; ++h) {
    const HostSpec& host = placement_.host(static_cast<int>(h));
    if (!host.power) throw std::invalid_argument("ClusterEngine: host without a power model");
    max_watts_.push_back(host.power->max_watts());
  }
  if (spec_.network && spec_.network->host_count() != static_cast<int>(hosts)) {
    throw std::invalid_argument("ClusterEngine: the network has a different number of hosts");
  }
  if (!spec_.initial_host.empty()) {
    if (spec_.initial_host.size() != vms) {
      throw std::invalid_argument("ClusterEngine: initial_host needs one entry per VM");
    }
    for (int h : spec_.initial_host) {
      if (h < -1 || h >= static_cast<int>(hosts)) {
        throw std::invalid_argument("ClusterEngine: initial host " + std::to_string(h) + " out of range");
      }
    }
  }
  skip_.assign(hosts, 0);
  host_updated_s_.assign(hosts, 0.0);
  idle_recorded_.assign(hosts, 0);
}

void ClusterEngine::initial_placement() {
  Placement& p = placement_;
  for (int v = 0; v < p.vm_count(); ++v) {
    p.set_instantiating(v, true);
    const auto given = static_cast<std::size_t>(v);
    const int h = given < spec_.initial_host.size() && spec_.initial_host[given] >= 0
                      ? spec_.initial_host[given]
                      : policy_.place_new(p, v);
    bool ok = h >= 0 && p.create(h, v);
    p.set_instantiating(v, false);
    // Until its first update a created VM requests nothing (CloudSim: its
    // cloudlet arrives later); in migsim mode it asks for its demand at t=0.
    p.set_requested_mips(v, spec_.options.cloudsim_compat ? 0.0 : spec_.demand[v].at(0) * p.vm(v).mips);
    if (!ok) {
      p.retire(v);
      ++unplaced_;
    }
  }
}

void ClusterEngine::update_vm(int v, double t) {
  Placement& p = placement_;
  const double u = spec_.demand[v].at(t);
  p.set_requested_mips(v, u * p.vm(v).mips * p.vm(v).pes);
  const double interval = spec_.options.scheduling_interval_s;
  if (t > vm_history_time_[v] && std::fmod(t - spec_.options.first_offset_s, interval) == 0) {
    p.push_history(v, u);
    vm_history_time_[v] = t;
  }
}

void ClusterEngine::update_host(int h, double t) {
  Placement& p = placement_;
  for (int v : p.vms_on(h)) update_vm(v, t);
  p.reallocate_cpu(h);
  double util = 0, requested = 0;
  for (int v : p.vms_on(h)) {
    const double req = p.requested_mips(v);
    double alloc = p.cpu(h).allocated(v);
    if (!p.is_migrating_in(h, v)) {
      sla_.vm_entry(v, t, alloc, req, p.in_migration(v));
      if (p.in_migration(v)) alloc /= 0.9;
    }
    util += alloc;
    requested += req;
  }
  p.set_utilization_mips(h, util);
  sla_.host_entry(h, t, util, requested, util > 0);
  idle_recorded_[h] = util > 0 ? 0 : 1;
}

double ClusterEngine::power_utilization(int h, double mips) const {
  double u = mips / placement_.host(h).total_mips();
  if (u > 1 && u < 1.01) u = 1;
  return std::min(std::max(u, 0.0), 1.0);
}

bool ClusterEngine::host_active(int h) const {
  if (!policy_.power_aware()) return true;
  return spec_.options.cloudsim_compat ? placement_.utilization_mips(h) > 0 : !placement_.vms_on(h).empty();
}

double ClusterEngine::host_power_w(int h) const {
  if (!host_active(h)) return 0.0;
  const PowerCurve& curve = *placement_.host(h).power;
  if (!policy_.power_aware()) return curve.max_watts();
  return curve.watts(power_utilization(h, placement_.utilization_mips(h)));
}

double ClusterEngine::host_energy(int h, double dt) const {
  const Placement& p = placement_;
  const PowerCurve& curve = *p.host(h).power;
  if (!policy_.power_aware()) return curve.max_watts() * dt;
  const double from = power_utilization(h, p.previous_utilization_mips(h));
  const double to = power_utilization(h, p.utilization_mips(h));
  if (spec_.options.cloudsim_compat) {
    if (from == 0) return 0;
  } else if (!host_had_vms_[h]) {
    return 0;
  }
  const double pf = curve.watts(from);
  const double pt = curve.watts(to);
  return (pf + (pt - pf) / 2) * dt;
}

void ClusterEngine::force_update(double t) {
  Placement& p = placement_;
  const double dt = t - last_process_;
  ++steps_;
  // An empty host that is already recorded idle (0 MIPS now and before) has
  // nothing to update and draws nothing: skipping it changes no result.
  const int n = p.host_count();
  for (int h = 0; h < n; ++h) {
    skip_[h] = p.vms_on(h).empty() && p.utilization_mips(h) == 0 &&
               p.previous_utilization_mips(h) == 0 && idle_recorded_[h];
    if (!skip_[h]) update_host(h, t);
  }
  if (dt > 0) {
    // CloudSim sums the hosts' energies of the frame, then adds the frame. In
    // migsim semantics a host's interval starts at its own last update (a
    // migration's end updates only its two hosts).
    // (CloudSim semantics updates every host at every frame, so there the
    // interval is dt for all.)
    double frame = 0;
    for (int h = 0; h < n; ++h) {
      if (!policy_.power_aware()) {
        frame += max_watts_[h] * dt;
      } else if (!skip_[h]) {
        frame += host_energy(h, t - host_updated_s_[h]);
      }
    }
    energy_ws_ += frame;
  }
  std::fill(host_updated_s_.begin(), host_updated_s_.end(), t);
  all_hosts_.resize(static_cast<std::size_t>(n));
  for (int h = 0; h < n; ++h) all_hosts_[h] = h;
  retire_idle_vms(all_hosts_);
  for (int h = 0; h < n; ++h) host_had_vms_[h] = p.vms_on(h).empty() ? 0 : 1;
  last_process_ = t;
}

void ClusterEngine::start_migration(const MigrationOrder& o, double t) {
  Placement& p = placement_;
  const int v = o.vm;
  const int source = p.host_of(v);
  const bool already = p.is_migrating_in(o.target_host, v);
  p.add_migrating_in(o.target_host, v);
  if (!already) {
    update_host(o.target_host, t);
    if (source >= 0) update_host(source, t);
  }
  ++migrations_;
  starting_.push_back({v, source, o.target_host, o.cause});
}

void ClusterEngine::schedule_started(double t) {
  // Started once every migration of the instant is registered, so concurrent
  // ones see each other on the hosts' NICs and links.
  if (starting_.empty()) return;
  Placement& p = placement_;
  std::vector<MigrationFlows::Endpoints> ends;
  std::vector<MigrationRequest> reqs;
  for (const Starting& s : starting_) {
    const int v = s.vm;
    MigrationRequest req;
    req.vm = v;
    req.source_host = s.source;
    req.target_host = s.target;
    req.ram_mib = p.vm(v).ram_mib;
    const double u = spec_.demand[v].at(t);
    req.cpu_utilization = u;
    req.dirty_pages_per_sec = p.vm(v).dirty_pages_per_sec_at_full_cpu * u;
    req.wss_mib = p.vm(v).wss_mib;
    reqs.push_back(req);
    ends.push_back({s.source, s.target, timer_.start_cap_mbps()});
  }
  const std::vector<long long> ids = flows_.start(t, ends, [&](std::size_t i, double rate) {
    reqs[i].link_mbps = rate;
    return timer_.start(reqs[i], t);
  });
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const Starting& s = starting_[i];
    in_flight_.emplace(ids[i], InFlight{s.vm, s.target, reqs[i], reqs[i].dirty_pages_per_sec, 0, s.cause});
    schedule_trace_sample(ids[i], t);
    for (EngineObserver* obs : observers_) obs->migration_started({t, reqs[i], flows_.forecast(ids[i]), s.cause});
  }
  starting_.clear();
}

std::vector<double> ClusterEngine::rates_if_started(const std::vector<MigrationOrder>& orders) const {
  std::vector<MigrationFlows::Endpoints> s;
  s.reserve(orders.size());
  for (const MigrationOrder& o : orders) s.push_back({source_of(placement_, o), o.target_host, timer_.start_cap_mbps()});
  return flows_.rates_if_started(s);
}

void ClusterEngine::schedule_trace_sample(long long id, double t) {
  if (spec_.options.cloudsim_compat) return;
  InFlight& m = in_flight_.at(id);
  const double every = spec_.demand[m.vm].interval_s();
  if (!(every > 0) || every >= spec_.options.scheduling_interval_s) return;  // the processing instants do
  const double next = (std::floor(t / every) + 1.0) * every;
  m.trace_event = sim_.schedule_at(std::max(next, sim_.now()), [this, id] { trace_sample(id, sim_.now()); }, 2);
}

void ClusterEngine::trace_sample(long long id, double t) {
  const auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return;
  InFlight& m = it->second;
  m.trace_event = 0;
  if (follow_trace(id, m, t)) schedule_milestone();
  schedule_trace_sample(id, t);
}

bool ClusterEngine::follow_trace(long long id, InFlight& m, double t) {
  const double rate = placement_.vm(m.vm).dirty_pages_per_sec_at_full_cpu * spec_.demand[m.vm].at(t);
  if (rate == m.dirty_now) return false;
  m.dirty_now = rate;
  flows_.set_dirty_pages_per_sec(id, t, rate);
  return true;
}

void ClusterEngine::follow_traces(double t) {
  if (spec_.options.cloudsim_compat) return;
  for (auto& [id, m] : in_flight_) follow_trace(id, m, t);
}

void ClusterEngine::complete_migration(const MigrationFlows::Finished& f, double t) {
  Placement& p = placement_;
  const auto it = in_flight_.find(f.id);
  const InFlight m = it->second;
  if (m.trace_event != 0) sim_.cancel(m.trace_event);
  in_flight_.erase(it);
  const int v = m.vm;
  for (EngineObserver* obs : observers_) obs->migration_finished({f.start_s, t, m.req, f.timing, m.cause});
  if (!f.timing.converged) {
    // Cancelled at the model's horizon: the VM stays where it was.
    p.remove_migrating_in(m.target, v);
    p.set_in_migration(v, false);
    ++failed_;
    policy_.on_migration_end(v, t);
    return;
  }
  const int source = p.host_of(v);
  if (source >= 0) p.destroy(source, v);
  p.remove_migrating_in(m.target, v);
  if (!p.create(m.target, v)) {
    throw std::logic_error("ClusterEngine: migrated VM does not fit its target host");
  }
  p.set_in_migration(v, false);
  if (!spec_.options.cloudsim_compat && f.timing.downtime_s > 0) {
    sla_.downtime(f.timing.downtime_s, p.requested_mips(v));
    downtime_sum_ += f.timing.downtime_s;
  }
  policy_.on_migration_end(v, t);
}

void ClusterEngine::charge_hosts(const std::vector<int>& hosts, double t) {
  // migsim semantics: only the hosts a migration's end changes are brought to
  // its instant; the others keep their state until the next processing instant.
  for (int h : hosts) {
    if (!(t > host_updated_s_[h])) continue;
    update_host(h, t);
    // Not power-aware, every host draws its maximum: charged per processing instant.
    if (policy_.power_aware()) energy_ws_ += host_energy(h, t - host_updated_s_[h]);
    host_updated_s_[h] = t;
  }
}

void ClusterEngine::migration_milestone(double t) {
  const std::vector<MigrationFlows::Finished> done = flows_.step(t);
  if (!done.empty()) {
    const bool compat = spec_.options.cloudsim_compat;
    if (compat && t > last_process_) force_update(t);
    std::vector<int> touched;
    for (const MigrationFlows::Finished& f : done) {
      const int source = placement_.host_of(in_flight_.at(f.id).vm);
      if (source >= 0) touched.push_back(source);
      touched.push_back(f.ends.target);
    }
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    if (!compat) charge_hosts(touched, t);
    for (const MigrationFlows::Finished& f : done) complete_migration(f, t);
    // CloudSim updates every host again at the same instant. For a host the
    // completions did not touch that repeats the update it just had (same time,
    // same VMs, same requests): nothing changes, so only touched hosts are redone.
    ++steps_;
    for (int h : touched) update_host(h, t);
    retire_idle_vms(touched);
    for (int h : touched) host_had_vms_[h] = placement_.vms_on(h).empty() ? 0 : 1;
    if (compat) last_process_ = t;
  }
  schedule_milestone();
}

void ClusterEngine::schedule_milestone() {
  // One pending milestone event at a time: the earliest of the flows'.
  const double next = flows_.next_event_s();
  if (milestone_event_ != 0 && sim_.is_pending(milestone_event_)) {
    if (next == milestone_at_) return;
    sim_.cancel(milestone_event_);
  }
  milestone_event_ = 0;
  if (!std::isfinite(next)) return;
  milestone_at_ = next;
  milestone_event_ = sim_.schedule_at(std::max(next, sim_.now()), [this] { migration_milestone(sim_.now()); }, 0);
}

void ClusterEngine::sample_utilization(double t) {
  Placement& p = placement_;
  for (int v = 0; v < p.vm_count(); ++v) {
    if (p.alive(v)) p.set_utilization_now(v, spec_.demand[v].at(t));
  }
}

void ClusterEngine::processing_instant(double t) {
  Placement& p = placement_;
  force_update(t);
  follow_traces(t);
  if (policy_.migrates()) {
    sample_utilization(t);
    const auto orders = policy_.optimize(p, t);
    for (const auto& order : orders) start_migration(order, t);
    schedule_started(t);
  }
  for (EngineObserver* obs : observers_) obs->step(*this);
  grid_ = grid_ + spec_.options.scheduling_interval_s;
  sim_.schedule_at(grid_, [this] { processing_instant(sim_.now()); }, 1);
  schedule_milestone();
}

void ClusterEngine::retire_idle_vms(const std::vector<int>& hosts) {
  if (!spec_.options.cloudsim_compat) return;
  // CloudSim: a VM whose cloudlet requests nothing has "finished" and is deallocated.
  Placement& p = placement_;
  std::vector<int> done;
  for (int h : hosts) {
    done.clear();
    for (int v : p.vms_on(h)) {
      if (!p.in_migration(v) && p.requested_mips(v) == 0) done.push_back(v);
    }
    for (int v : done) {
      p.destroy(h, v);
      p.retire(v);
      ++retired_;
    }
  }
}

ClusterEngine::RunScope ClusterEngine::begin_run() {
  // The policy may ask for start rates during this run (migsim semantics only:
  // CloudSim runs keep their own rule), and not after it.
  if (!spec_.options.cloudsim_compat) policy_.use_start_rates(this);
  initial_placement();
  Placement& p = placement_;
  for (int h = 0; h < p.host_count(); ++h) host_had_vms_[h] = p.vms_on(h).empty() ? 0 : 1;
  for (EngineObserver* obs : observers_) obs->run_begins(policy_, p);
  return RunScope{policy_};
}

ClusterEngine::Evacuation ClusterEngine::evacuate(int host) {
  Placement& p = placement_;
  if (host < 0 || host >= p.host_count()) {
    throw std::invalid_argument("ClusterEngine: no host " + std::to_string(host) + " to evacuate");
  }
  struct Recorder final : EngineObserver {
    Evacuation* out;
    void migration_finished(const MigrationFinished& m) override { out->migrations.push_back(m); }
  };
  Evacuation e;
  Recorder rec;
  rec.out = &e;
  observers_.push_back(&rec);
  struct DropRecorder {
    std::vector<EngineObserver*>& observers;
    ~DropRecorder() { observers.pop_back(); }
  } drop_recorder{observers_};
  const RunScope scope = begin_run();
  double t = 0.0;
  std::vector<char> failed(static_cast<std::size_t>(p.vm_count()), 0);
  std::size_t seen = 0;
  for (;;) {
    sample_utilization(t);
    // A VM whose migration did not converge stays: it is not tried again.
    for (; seen < e.migrations.size(); ++seen) {
      const auto& m = e.migrations[seen];
      if (!m.timing.converged) failed[static_cast<std::size_t>(m.request.vm)] = 1;
    }
    for (const auto& order : policy_.evacuate(p, host, t)) {
      if (!failed[static_cast<std::size_t>(order.vm)]) start_migration(order, t);
    }
    schedule_started(t);
    if (flows_.in_flight() == 0) break;
    // The next event: a milestone, or a trace sample of a migrating VM.
    schedule_milestone();
    sim_.step();
    t = sim_.now();
  }
  for (int v : p.vms_on(host)) e.left.push_back(v);
  for (const auto& m : e.migrations) e.makespan_s = std::max(e.makespan_s, m.end_s);
  return e;
}

ClusterResult ClusterEngine::run() {
  Placement& p = placement_;
  const EngineOptions& o = spec_.options;
  const RunScope scope = begin_run();
  // One event queue: processing instants (priority 1) and the next milestone of
  // the migrations in flight (priority 0: a migration ending at a processing
  // instant completes first). The run ends at the first event at or after the
  // duration.
  grid_ = o.first_offset_s + o.scheduling_interval_s;
  sim_.schedule_at(grid_, [this] { processing_instant(sim_.now()); }, 1);
  while (sim_.has_pending() && sim_.next_time() < o.duration_s) sim_.step();

  ClusterResult r;
  r.policy = policy_.name();
  r.mode = o.cloudsim_compat ? "cloudsim" : "migsim";
  r.hosts = p.host_count();
  r.vms = p.vm_count();
  r.simulated_s = o.duration_s;
  r.energy_kwh = energy_ws_ / (3600.0 * 1000.0);
  r.migrations = migrations_;
  r.migrations_failed = failed_;
  r.slatah = sla_.slatah();
  r.pdm = sla_.pdm();
  r.slav = r.slatah * r.pdm;
  r.esv = r.energy_kwh * r.slav;
  r.overall_sla_violation = sla_.overall();
  r.average_sla_violation = sla_.average();
  r.host_shutdowns = sla_.shutdowns();
  r.vms_retired = retired_;
  r.vms_unplaced = unplaced_;
  r.mean_migration_s = migrations_ ? flows_.planned_seconds() / static_cast<double>(migrations_) : 0.0;
  r.total_downtime_s = downtime_sum_;
  const long long done = migrations_ - failed_;
  r.mean_downtime_ms = done > 0 ? 1000.0 * downtime_sum_ / static_cast<double>(done) : 0.0;
  r.processing_steps = steps_;
  return r;
}

}  // namespace migsim::sim
