#include "live/controller_core.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "sim/input_error.hpp"

namespace migsim::live {

namespace {

std::string fmt_t(double t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "t=%6.1fs  ", t);
  return buf;
}

const char* verdict_name(DomainVerdict::Kind k) {
  switch (k) {
    case DomainVerdict::Kind::kRunsOnce: return "runs-once";
    case DomainVerdict::Kind::kRunningTwice: return "running-twice";
    case DomainVerdict::Kind::kMissing: return "missing";
    case DomainVerdict::Kind::kUnknown: return "unknown";
    case DomainVerdict::Kind::kPausedByUser: return "paused";
  }
  return "?";
}

}  // namespace

ControllerCore::ControllerCore(LiveCluster& cluster, sim::ConsolidationPolicy& policy,
                               std::shared_ptr<const sim::PowerCurve> power, CoreSettings s, Say say)
    : cluster_(cluster), policy_(policy), power_(std::move(power)), s_(s), say_(std::move(say)) {
  hosts_.resize(static_cast<std::size_t>(cluster_.host_count()));
  for (auto& h : hosts_) h.backoff = ReconnectBackoff(s_.backoff_initial_s, s_.backoff_max_s);
}

ControllerCore::~ControllerCore() { jobs_.wait_all(); }

void ControllerCore::say(double t, const std::string& text, nlohmann::json record) {
  if (record.is_object()) record["t"] = t;
  say_(fmt_t(t) + text, record);
}

int ControllerCore::slot_of(const std::string& domain) const {
  const auto it = by_name_.find(domain);
  return it == by_name_.end() ? -1 : it->second;
}

int ControllerCore::host_of(const std::string& domain) const {
  const int v = slot_of(domain);
  return v < 0 ? -1 : slots_[static_cast<std::size_t>(v)].vm.host;
}

ControllerCore::Snapshot ControllerCore::read_hosts(double t) {
  Snapshot snap(hosts_.size());
  for (std::size_t h = 0; h < hosts_.size(); ++h) {
    HostState& hs = hosts_[h];
    const int hi = static_cast<int>(h);
    if (!hs.reachable) {
      if (!hs.backoff.due(t)) continue;
      bool back = false;
      try {
        back = cluster_.reconnect(hi);
      } catch (const std::exception&) {
        back = false;
      }
      if (!back) {
        hs.backoff.failed(t);
        continue;
      }
    }
    try {
      snap[h] = cluster_.domains(hi);
    } catch (const EnvironmentError& e) {
      if (hs.reachable) {
        hs.reachable = false;
        hs.lost_at = t;
        hs.backoff.lost(t);
        hs.backoff.failed(t);  // this read was the first attempt
        say(t, "HOST LOST " + host_name(hi) + ": " + e.what() +
                   " (its domains are not placed; decisions go on with the other hosts; reconnecting)",
            {{"event", "host-lost"}, {"host", host_name(hi)}, {"error", e.what()}});
      } else {
        hs.backoff.failed(t);
      }
      continue;
    }
    if (!hs.reachable) {
      hs.reachable = true;
      std::erase_if(skipped_said_, [&](const auto& k) { return k.second == hi; });
      char buf[96];
      std::snprintf(buf, sizeof buf, " after %.1f s (%d reconnect attempts)", t - hs.lost_at,
                    hs.backoff.attempts() + 1);
      say(t, "HOST BACK " + host_name(hi) + buf,
          {{"event", "host-back"}, {"host", host_name(hi)}, {"lost_s", t - hs.lost_at}});
    }
  }
  return snap;
}

void ControllerCore::check(double t, const std::string& name, int source, Snapshot& snap) {
  std::vector<DomainCopy> copies;
  bool all = true;
  for (std::size_t h = 0; h < snap.size(); ++h) {
    if (!snap[h]) {
      all = false;
      continue;
    }
    for (const auto& d : *snap[h]) {
      if (d.name == name) copies.push_back({static_cast<int>(h), d.state, d.reason});
    }
  }
  const DomainVerdict v = check_domain(copies, all, source);
  std::vector<std::string> names;
  for (int h = 0; h < cluster_.host_count(); ++h) names.push_back(host_name(h));
  std::string failures;
  nlohmann::json repairs = nlohmann::json::array();
  for (const auto& r : v.repairs) {
    const bool resume = r.kind == DomainRepair::Kind::kResume;
    try {
      if (resume) {
        cluster_.resume(r.host, name);
      } else {
        cluster_.destroy(r.host, name);
      }
      ++counts_.repairs;
      repairs.push_back({{resume ? "resumed" : "destroyed", names[static_cast<std::size_t>(r.host)]}});
      // What the snapshot now holds for that copy.
      auto& list = *snap[static_cast<std::size_t>(r.host)];
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (list[i].name != name) continue;
        if (resume) {
          list[i].state = kStateRunning;
          list[i].reason = 0;
        } else {
          list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
        }
        break;
      }
    } catch (const std::exception& e) {
      failures += std::string("; could not ") + (resume ? "resume" : "destroy") + " it on " +
                  names[static_cast<std::size_t>(r.host)] + ": " + e.what();
    }
  }
  if (v.kind == DomainVerdict::Kind::kUnknown || !all) {
    // Checked again once every host answers (a stale copy may wait on the one away).
    deferred_checks_[name] = source;
  } else {
    deferred_checks_.erase(name);
  }
  say(t, "CHECK " + name + ": " + describe(v, names) + failures,
      {{"check", {{"domain", name},
                  {"verdict", verdict_name(v.kind)},
                  {"runs_on", v.runs_on >= 0 ? nlohmann::json(names[static_cast<std::size_t>(v.runs_on)]) : nlohmann::json()},
                  {"repairs", repairs},
                  {"repair_errors", failures}}}});
}

void ControllerCore::queue_notice(int vm, const std::string& text) {
  std::lock_guard<std::mutex> lock(notices_mu_);
  notices_.emplace_back(vm, text);
}

void ControllerCore::say_notices(double t) {
  std::vector<std::pair<int, std::string>> q;
  {
    std::lock_guard<std::mutex> lock(notices_mu_);
    q.swap(notices_);
  }
  for (const auto& [vm, text] : q) {
    const std::string& name = slots_[static_cast<std::size_t>(vm)].vm.name;
    say(t, "NOTICE " + name + ": " + text, {{"event", "notice"}, {"domain", name}, {"notice", text}});
  }
}

void ControllerCore::collect(double t, Snapshot& snap) {
  // A job queues its notices (its stall) before it ends: taken after the ended
  // jobs, the queue holds every notice of theirs, said before their ends.
  auto finished = jobs_.take_finished();
  say_notices(t);
  for (auto& f : finished) {
    Slot& slot = slots_[static_cast<std::size_t>(f.vm)];
    const Flight fl = flights_[f.vm];
    flights_.erase(f.vm);
    slot.vm.migrating_to = -1;
    const LiveMigrationReport& rep = f.report;
    char buf[300];
    if (rep.ok) {
      ++counts_.succeeded;
      std::snprintf(buf, sizeof buf,
                    "MIGRATED %s ok: %s -> %s, total %.0f ms, downtime %.0f ms, %.1f MiB, %.0f iterations%s%s",
                    slot.vm.name.c_str(), host_name(fl.from).c_str(), host_name(fl.to).c_str(), rep.total_ms,
                    rep.downtime_ms, rep.data_processed_bytes / 1048576.0, rep.iterations,
                    rep.error.empty() ? "" : "; ", rep.error.c_str());
    } else {
      ++counts_.failed;
      std::snprintf(buf, sizeof buf, "MIGRATION FAILED %s %s -> %s after %.1f s: %s", slot.vm.name.c_str(),
                    host_name(fl.from).c_str(), host_name(fl.to).c_str(), t - fl.started_at,
                    rep.error.empty() ? "unknown reason" : rep.error.c_str());
    }
    say(t, buf, {{"migration", to_json(rep, false)}, {"from", host_name(fl.from)}, {"to", host_name(fl.to)}});
    policy_.on_migration_end(f.vm, t);
    check(t, slot.vm.name, fl.from, snap);
  }
}

void ControllerCore::observe(double t, const Snapshot& snap) {
  struct Seen {
    std::vector<std::pair<int, const LiveDomain*>> copies;  // host, domain
  };
  std::map<std::string, Seen> seen;
  for (std::size_t h = 0; h < snap.size(); ++h) {
    if (!snap[h]) continue;
    for (const auto& d : *snap[h]) seen[d.name].copies.push_back({static_cast<int>(h), &d});
  }
  // Domains that appeared (running somewhere): a slot each, while there are slots.
  for (const auto& [name, s] : seen) {
    if (by_name_.count(name)) continue;
    bool running = false;
    for (const auto& c : s.copies) running = running || c.second->state == kStateRunning;
    if (!running) continue;  // e.g. the incoming half of someone else's migration
    if (static_cast<int>(slots_.size()) >= s_.vm_slots) {
      if (!full_said_) {
        say(t, "domain " + name + " not managed: the policy was made for " + std::to_string(s_.vm_slots) +
                   " VMs (later ones are not managed either)",
            {{"event", "not-managed"}, {"domain", name}});
        full_said_ = true;
      }
      continue;
    }
    by_name_[name] = static_cast<int>(slots_.size());
    Slot slot;
    slot.vm.name = name;
    slots_.push_back(std::move(slot));
    if (!first_step_) {
      int h = -1;
      for (const auto& c : s.copies) {
        if (c.second->state == kStateRunning) h = c.first;
      }
      say(t, "domain " + name + " appeared on " + host_name(h) + ": managed from now",
          {{"event", "domain-appeared"}, {"domain", name}, {"host", host_name(h)}});
    }
  }
  for (std::size_t v = 0; v < slots_.size(); ++v) {
    Slot& slot = slots_[v];
    ViewVm& vm = slot.vm;
    const int before = vm.host;
    const auto it = seen.find(vm.name);
    const auto fl = flights_.find(static_cast<int>(v));
    const LiveDomain* src = nullptr;
    int at = -1;
    int running = 0;
    if (it != seen.end()) {
      for (const auto& [h, d] : it->second.copies) {
        if (fl != flights_.end()) {
          if (h == fl->second.from) {
            src = d;
            at = h;
          }
        } else if (d->state == kStateRunning) {
          ++running;
          src = d;
          at = h;
        }
      }
    }
    if (running > 1) {
      if (!slot.twice) {
        say(t, "domain " + vm.name + " RUNS ON MORE THAN ONE HOST (not placed, left alone: check it by hand)",
            {{"event", "running-twice"}, {"domain", vm.name}});
      }
      slot.twice = true;
      vm.host = -1;
      continue;
    }
    slot.twice = false;
    if (!src) {
      vm.host = -1;
      // A copy that is shutting down, shut off or crashed is the domain ending:
      // only a copy in another state (paused, an incoming half) keeps it alive.
      const bool any_copy =
          it != seen.end() && std::ranges::any_of(it->second.copies, [](const auto& c) {
            return !is_ending_state(c.second->state);
          });
      if (before >= 0 && !any_copy && hosts_[static_cast<std::size_t>(before)].reachable && fl == flights_.end()) {
        slot.gone = true;
        say(t, "domain " + vm.name + " gone from " + host_name(before) + " (destroyed or shut off): dropped",
            {{"event", "domain-gone"}, {"domain", vm.name}, {"host", host_name(before)}});
      }
      continue;
    }
    vm.host = at;
    if (slot.gone) {
      slot.gone = false;
      say(t, "domain " + vm.name + " is back, on " + host_name(at) + ": managed again",
          {{"event", "domain-back"}, {"domain", vm.name}, {"host", host_name(at)}});
    }
    if (src->state != kStateRunning) continue;  // paused: keeps its last demand
    traces::DomainSample sample;
    sample.t = t;
    sample.host = host_name(at);
    sample.domain = vm.name;
    sample.stats = src->stats;
    const std::string where = host_name(at) + " domain " + vm.name;
    try {
      update_view_vm(vm, sample, slot.meter, slot.dirty_start, where);
    } catch (const InputError& e) {
      // e.g. cpu.time went backwards: the domain was restarted between two reads.
      slot.meter = traces::CpuUsageMeter();
      say(t, std::string("domain ") + vm.name + ": stats not usable (" + e.what() + "): its CPU count restarts",
          {{"event", "bad-stats"}, {"domain", vm.name}, {"error", e.what()}});
    }
    if (!s_.dry_run && s_.dirtyrate_every_s > 0 && fl == flights_.end() &&
        t - slot.last_dirty_calc >= s_.dirtyrate_every_s) {
      slot.last_dirty_calc = t;
      try {
        cluster_.start_dirty_rate_calc(at, vm.name);
      } catch (const std::exception&) {
        // A measurement still running, or the domain just went: the next one will do.
      }
    }
  }
  if (first_step_) {
    std::string names;
    for (const auto& slot : slots_) names += (names.empty() ? "" : ", ") + slot.vm.name;
    say(t, "managing " + std::to_string(slots_.size()) + " domains" + (names.empty() ? "" : ": " + names) +
               " (domains that appear later are picked up at the next interval)",
        {{"event", "managing"}, {"domains", slots_.size()}});
  }
  first_step_ = false;
}

void ControllerCore::decide(double t) {
  std::vector<ViewHost> hosts;
  for (int h = 0; h < cluster_.host_count(); ++h) hosts.push_back(cluster_.host(h));
  std::vector<ViewVm> vms;
  vms.reserve(static_cast<std::size_t>(s_.vm_slots));
  for (const auto& slot : slots_) vms.push_back(slot.vm);
  vms.resize(static_cast<std::size_t>(s_.vm_slots));  // unused slots: not placed
  sim::Placement p = make_placement(hosts, vms, power_);
  // The status line.
  std::string line;
  char buf[160];
  for (int h = 0; h < p.host_count(); ++h) {
    if (!hosts_[static_cast<std::size_t>(h)].reachable) {
      line += (line.empty() ? "" : "  ") + host_name(h) + " LOST";
      continue;
    }
    std::snprintf(buf, sizeof buf, "%s%s cpu=%.2f [", line.empty() ? "" : "  ", host_name(h).c_str(),
                  p.requested_mips_on(h) / p.host(h).total_mips());
    line += buf;
    bool first = true;
    for (int v : p.vms_on(h)) {
      if (p.is_migrating_in(h, v)) continue;
      std::snprintf(buf, sizeof buf, "%s%s %.2f", first ? "" : ", ", slots_[static_cast<std::size_t>(v)].vm.name.c_str(),
                    slots_[static_cast<std::size_t>(v)].vm.util);
      line += buf;
      first = false;
    }
    line += "]";
  }
  if (!flights_.empty()) line += "  in flight: " + std::to_string(flights_.size());
  say(t, line);
  if (limit_reached()) return;
  for (const auto& o : policy_.optimize(p, t)) {
    if (limit_reached()) break;
    if (o.vm < 0 || o.vm >= static_cast<int>(slots_.size())) continue;
    Slot& slot = slots_[static_cast<std::size_t>(o.vm)];
    const int from = slot.vm.host;
    if (flights_.count(o.vm) || jobs_.running(o.vm)) continue;  // never ordered twice
    if (from < 0 || o.target_host < 0 || o.target_host >= cluster_.host_count() || o.target_host == from) continue;
    if (!hosts_[static_cast<std::size_t>(o.target_host)].reachable) {
      if (skipped_said_.insert({o.vm, o.target_host}).second) {  // once while the host is away
        say(t, "decision to migrate " + slot.vm.name + " to " + host_name(o.target_host) +
                   " not carried out: that host does not answer",
            {{"event", "order-skipped"}, {"domain", slot.vm.name}, {"to", host_name(o.target_host)}});
      }
      continue;
    }
    say(t, "DECISION migrate " + slot.vm.name + " " + host_name(from) + " -> " + host_name(o.target_host) +
               " (policy " + policy_.name() + ")" + (s_.dry_run ? " [dry run: not done]" : ""),
        {{"decision", "migrate"}, {"domain", slot.vm.name}, {"from", host_name(from)},
         {"to", host_name(o.target_host)}, {"dry_run", s_.dry_run}});
    if (s_.dry_run) continue;
    LiveMigrationRequest req;
    req.domain = slot.vm.name;
    req.bandwidth_mibps = s_.bandwidth_mibps;
    req.max_downtime_ms = s_.max_downtime_ms;
    req.auto_converge = s_.auto_converge;
    req.stall_timeout_s = s_.stall_timeout_s;
    flights_[o.vm] = {from, o.target_host, t};
    slot.vm.migrating_to = o.target_host;
    ++counts_.started;
    LiveCluster* c = &cluster_;
    const int to = o.target_host;
    const int vm = o.vm;
    jobs_.start(o.vm, [this, c, from, to, req, vm] {
      return c->migrate(from, to, req, [this, vm](const std::string& text) { queue_notice(vm, text); });
    });
  }
}

void ControllerCore::recheck(double t, Snapshot& snap) {
  for (const auto& h : snap) {
    if (!h) return;  // not before every host answers
  }
  for (auto it = deferred_checks_.begin(); it != deferred_checks_.end();) {
    const auto [name, source] = *it++;
    check(t, name, source, snap);
  }
}

void ControllerCore::step(double t) {
  Snapshot snap = read_hosts(t);
  collect(t, snap);
  recheck(t, snap);
  observe(t, snap);
  decide(t);
}

void ControllerCore::finish(const std::function<double()>& now, bool cancel) {
  const double t = now();
  if (!flights_.empty()) {
    std::string names;
    for (const auto& [v, fl] : flights_) names += (names.empty() ? "" : ", ") + slots_[static_cast<std::size_t>(v)].vm.name;
    say(t, std::string(cancel ? "stopping: cancelling " : "stopping: waiting for ") + std::to_string(flights_.size()) +
               " migration(s) in flight (" + names + ")",
        {{"event", cancel ? "cancel-in-flight" : "wait-in-flight"}, {"domains", names}});
    if (cancel) {
      for (const auto& [v, fl] : flights_) {
        try {
          cluster_.abort_migration(fl.from, slots_[static_cast<std::size_t>(v)].vm.name);
        } catch (const std::exception& e) {
          say(t, "could not cancel the migration of " + slots_[static_cast<std::size_t>(v)].vm.name + ": " + e.what());
        }
      }
    }
    jobs_.wait_all();
  }
  const double t_end = now();
  Snapshot snap = read_hosts(t_end);
  collect(t_end, snap);
  recheck(t_end, snap);
  for (const auto& [name, source] : deferred_checks_) {
    say(t_end, "CHECK " + name + ": not completed (a host does not answer): check it by hand",
        {{"check", {{"domain", name}, {"verdict", "unchecked"}}}});
  }
}

}  // namespace migsim::live
