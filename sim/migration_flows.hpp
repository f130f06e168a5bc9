#pragma once
#include <functional>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "sim/migration_process.hpp"

namespace migsim::sim {

class NetworkTopology;  // sim/network_topology.hpp

// How migrations in flight share bandwidth.
enum class Sharing {
  // CloudSim 3.0.3: every migration at its target host's bandwidth, whatever else runs.
  TargetHost,
  // Equal shares of the two hosts' NICs: the busier end decides.
  NicSplit,
  // Max-min fair over the links of each route (progressive filling); a
  // migration asks for no more than it can use (QEMU's max-bandwidth before the
  // stop-and-copy) and is given what its route has left for it.
  Network,
  // Nothing shared: each migration keeps the rate it was made with (a batch
  // without a network: each alone at its own link speed).
  Unshared,
};

// The migrations in flight and the bandwidth they share: the part of the engine
// that `migsim run` (the cluster), `migsim batch` and `run --evacuate` have in
// common. When one starts, ends or changes what it can use, the rates are
// recomputed and pushed to every one in flight (unless `rerate` is off: then a
// migration keeps the rate it started with). Each migration is a
// MigrationProcess; the next event is the earliest of their milestones, and a
// migration alone on its path reaches its end in one step.
// Deterministic: ties are resolved in start order.
class MigrationFlows {
 public:
  MigrationFlows(Sharing sharing, std::vector<double> host_bw_mbps,
                 std::shared_ptr<const NetworkTopology> network, bool rerate);

  struct Endpoints {
    int source = -1;  // -1: not on a host (crosses the target's NIC only)
    int target = -1;
    // What a starting migration can use at most before its stop-and-copy
    // (QEMU's max-bandwidth, Mbit/s; +inf: whatever it is given).
    double cap_mbps = std::numeric_limits<double>::infinity();
  };
  // Rates (Mbit/s) `starting` would get if they started now beside those in flight.
  std::vector<double> rates_if_started(const std::vector<Endpoints>& starting) const;

  // Starts migrations at t: `make(i, rate)` creates the i-th one's process at the
  // rate it starts with; then all in flight are re-rated. Returns their ids.
  std::vector<long long> start(double t, const std::vector<Endpoints>& starting,
                               const std::function<std::unique_ptr<MigrationProcess>(std::size_t, double)>& make);

  // The earliest milestone of the migrations in flight (+inf when none).
  double next_event_s() const;

  struct Finished {
    long long id = 0;
    Endpoints ends;
    double start_s = 0.0;
    double end_s = 0.0;
    MigrationTiming timing;
  };
  // Runs to t = next_event_s(): the migrations whose milestone is due reach it;
  // those that finished are removed and returned in start order; the others are
  // re-rated.
  std::vector<Finished> step(double t);

  // The VM's write rate changed at t (its trace moved on).
  void set_dirty_pages_per_sec(long long id, double t, double pages_per_sec);

  std::size_t in_flight() const { return flows_.size(); }
  // Sum over all migrations started so far of their planned durations: what
  // each would take if nothing changed, updated at every change (s).
  double planned_seconds() const { return planned_s_; }
  // What a migration in flight will take if nothing changes from now.
  MigrationTiming forecast(long long id) const;
  // Rate changes pushed to migrations in flight, milestones reached.
  long long rate_changes() const { return rate_changes_; }
  long long milestones() const { return milestones_; }

 private:
  struct Flow {
    long long id;
    Endpoints ends;
    double start_s;
    double rate_mbps;
    double planned_end_s;
    std::unique_ptr<MigrationProcess> process;
  };
  struct Demand {
    Endpoints ends;
    double cap_mbps;  // +inf: uncapped
    double current_mbps;  // the rate it has (+inf: starting)
  };
  std::vector<double> rates_of(const std::vector<Demand>& d) const;
  std::vector<double> network_rates(const std::vector<Demand>& d) const;
  std::vector<double> nic_split_rates(const std::vector<Demand>& d) const;
  std::vector<Demand> demands() const;
  // Pushes the rates of now to the migrations from `first` on (start order).
  void rerate(double t, std::size_t first = 0);
  void replan(Flow& f);
  // Position of a migration in flight (flows_.size() when there is none).
  std::size_t index_of(long long id) const;

  Sharing sharing_;
  std::vector<double> host_bw_;
  std::shared_ptr<const NetworkTopology> network_;
  bool rerate_;
  std::vector<Flow> flows_;  // in start order
  long long next_id_ = 0;
  double planned_s_ = 0.0;
  long long rate_changes_ = 0;
  long long milestones_ = 0;
};

}  // namespace migsim::sim
