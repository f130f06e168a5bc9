#include "sim/migration_flows.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/maxmin_share.hpp"
#include "sim/network_topology.hpp"

namespace migsim::sim {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

MigrationFlows::MigrationFlows(Sharing sharing, std::vector<double> host_bw_mbps,
                               std::shared_ptr<const NetworkTopology> network, bool rerate)
    : sharing_(sharing), host_bw_(std::move(host_bw_mbps)), network_(std::move(network)), rerate_(rerate) {
  if (sharing_ == Sharing::Network && !network_) {
    throw std::invalid_argument("MigrationFlows: network sharing needs a network");
  }
}

std::vector<MigrationFlows::Demand> MigrationFlows::demands() const {
  std::vector<Demand> d;
  d.reserve(flows_.size());
  for (const Flow& f : flows_) d.push_back({f.ends, f.process->demand_mbps(), f.rate_mbps});
  return d;
}

std::vector<double> MigrationFlows::nic_split_rates(const std::vector<Demand>& d) const {
  // Each gets its equal share of the busier of its two hosts' NICs.
  auto users = [&](int h) {
    int n = 0;
    for (const Demand& o : d) n += (o.ends.source == h) + (o.ends.target == h);
    return static_cast<double>(std::max(n, 1));
  };
  std::vector<double> out;
  out.reserve(d.size());
  for (const Demand& x : d) {
    const double link = host_bw_.at(static_cast<std::size_t>(x.ends.target));
    const double src_share =
        x.ends.source >= 0 ? host_bw_.at(static_cast<std::size_t>(x.ends.source)) / users(x.ends.source) : link;
    const double dst_share = link / users(x.ends.target);
    out.push_back(std::min(src_share, dst_share));
  }
  return out;
}

std::vector<double> MigrationFlows::network_rates(const std::vector<Demand>& d) const {
  const NetworkTopology& net = *network_;
  std::vector<double> caps = net.capacities_mbps();
  const std::size_t real_links = caps.size();
  std::vector<std::vector<int>> routes;
  routes.reserve(d.size());
  for (const Demand& x : d) routes.push_back(net.transfer_route(x.ends.source, x.ends.target));
  // A migration that can use no more than its cap crosses a link of its own
  // with that capacity: max-min fairness then gives the rest to the others.
  std::vector<std::vector<int>> flows = routes;
  bool capped = false;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (std::isfinite(d[i].cap_mbps) && !routes[i].empty()) {
      flows[i].push_back(static_cast<int>(caps.size()));
      caps.push_back(d[i].cap_mbps);
      capped = true;
    }
  }
  std::vector<double> rates = max_min_rates(caps, flows);
  if (!capped) return rates;
  // A capped migration sends in bursts at what its route has left for it (QEMU
  // fills each 100 ms window's budget as fast as it can), not at its cap.
  std::vector<double> load(real_links, 0.0);
  for (std::size_t i = 0; i < d.size(); ++i) {
    for (int l : routes[i]) load[static_cast<std::size_t>(l)] += rates[i];
  }
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (!std::isfinite(d[i].cap_mbps) || routes[i].empty() || rates[i] < d[i].cap_mbps) continue;
    double headroom = kInf;
    for (int l : routes[i]) {
      const auto k = static_cast<std::size_t>(l);
      headroom = std::min(headroom, caps[k] - (load[k] - rates[i]));
    }
    rates[i] = std::max(rates[i], headroom);
  }
  return rates;
}

std::vector<double> MigrationFlows::rates_of(const std::vector<Demand>& d) const {
  std::vector<double> r;
  switch (sharing_) {
    case Sharing::TargetHost:
      for (const Demand& x : d) r.push_back(host_bw_.at(static_cast<std::size_t>(x.ends.target)));
      return r;
    case Sharing::NicSplit: return nic_split_rates(d);
    case Sharing::Unshared:
      for (const Demand& x : d) r.push_back(x.current_mbps);
      return r;
    case Sharing::Network:
      r = network_rates(d);
      for (std::size_t i = 0; i < r.size(); ++i) {
        // A route that crosses no link limits nothing: the target host's NIC does.
        if (!std::isfinite(r[i])) r[i] = host_bw_.at(static_cast<std::size_t>(d[i].ends.target));
      }
      return r;
  }
  return r;
}

std::vector<double> MigrationFlows::rates_if_started(const std::vector<Endpoints>& starting) const {
  std::vector<Demand> d = demands();
  for (const Endpoints& e : starting) d.push_back({e, e.cap_mbps, kInf});
  const std::vector<double> all = rates_of(d);
  return std::vector<double>(all.end() - static_cast<std::ptrdiff_t>(starting.size()), all.end());
}

std::vector<long long> MigrationFlows::start(
    double t, const std::vector<Endpoints>& starting,
    const std::function<std::unique_ptr<MigrationProcess>(std::size_t, double)>& make) {
  const std::vector<double> rates = rates_if_started(starting);
  std::vector<long long> ids;
  const std::size_t first_new = flows_.size();
  for (std::size_t i = 0; i < starting.size(); ++i) {
    std::unique_ptr<MigrationProcess> p = make(i, rates[i]);
    const double d = p->timing().duration_s;
    planned_s_ += d;
    ids.push_back(next_id_);
    flows_.push_back({next_id_++, starting[i], t, rates[i], t + d, std::move(p)});
  }
  // Without re-rating only the new ones get their rates, now that what they can
  // use is known; the ones in flight keep theirs.
  if (rerate_ || sharing_ == Sharing::Network) rerate(t, rerate_ ? 0 : first_new);
  return ids;
}

void MigrationFlows::replan(Flow& f) {
  const double end = f.start_s + f.process->timing().duration_s;
  planned_s_ += end - f.planned_end_s;
  f.planned_end_s = end;
}

void MigrationFlows::rerate(double t, std::size_t first) {
  if (first >= flows_.size()) return;
  const std::vector<double> r = rates_of(demands());
  for (std::size_t i = first; i < flows_.size(); ++i) {
    Flow& f = flows_[i];
    if (r[i] == f.rate_mbps) continue;
    f.process->advance_to(t);
    f.process->set_rate_mbps(t, r[i]);
    f.rate_mbps = r[i];
    replan(f);
    ++rate_changes_;
  }
}

double MigrationFlows::next_event_s() const {
  double next = kInf;
  for (const Flow& f : flows_) next = std::min(next, f.process->next_milestone_s());
  return next;
}

std::vector<MigrationFlows::Finished> MigrationFlows::step(double t) {
  bool changed = false;
  for (Flow& f : flows_) {
    if (f.process->next_milestone_s() <= t) {
      f.process->reach_milestone();
      ++milestones_;
      changed = true;
      if (!f.process->finished()) replan(f);
    }
  }
  std::vector<Finished> done;
  if (!changed) return done;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < flows_.size(); ++i) {
    Flow& f = flows_[i];
    if (f.process->finished()) {
      done.push_back({f.id, f.ends, f.start_s, t, f.process->timing()});
    } else {
      if (kept != i) flows_[kept] = std::move(f);
      ++kept;
    }
  }
  flows_.resize(kept);
  if (rerate_) rerate(t);
  return done;
}

std::size_t MigrationFlows::index_of(long long id) const {
  // Ids grow in start order: binary search.
  const auto it = std::lower_bound(flows_.begin(), flows_.end(), id,
                                   [](const Flow& f, long long x) { return f.id < x; });
  return it != flows_.end() && it->id == id ? static_cast<std::size_t>(it - flows_.begin()) : flows_.size();
}

void MigrationFlows::set_dirty_pages_per_sec(long long id, double t, double pages_per_sec) {
  const std::size_t i = index_of(id);
  if (i == flows_.size()) return;
  flows_[i].process->set_dirty_pages_per_sec(t, pages_per_sec);
  replan(flows_[i]);
}

MigrationTiming MigrationFlows::forecast(long long id) const {
  const std::size_t i = index_of(id);
  if (i == flows_.size()) throw std::out_of_range("MigrationFlows: no such migration");
  return flows_[i].process->timing();
}

}  // namespace migsim::sim
