#pragma once
#include <string>
#include <vector>

#include "sim/placement.hpp"

namespace migsim::sim {

// Why a policy ordered a migration (MigrationOrder::cause): overload rule or
// detector k is kCauseOverload + k; ConsolidationPolicy::cause_name names it.
inline constexpr int kCauseUnspecified = 0;
inline constexpr int kCauseUnderload = 1;
inline constexpr int kCauseEvacuation = 2;
inline constexpr int kCauseOverload = 3;

struct MigrationOrder {
  int vm = -1;
  int target_host = -1;
  // Where the VM runs now, when the order is asked about while the policy's
  // trial moves have the VM elsewhere; -1: Placement::host_of(vm).
  int source_host = -1;
  int cause = kCauseUnspecified;
};

inline int source_of(const Placement& p, const MigrationOrder& o) {
  return o.source_host >= 0 ? o.source_host : p.host_of(o.vm);
}

// What a policy may ask the engine while it decides at `now`: the bandwidth
// (Mbit/s) each of `orders` would be timed with if all of them started now,
// together with the migrations already in flight (the engine's own rule: the
// hosts' NIC split, or max-min fair rates over the routes of a network).
class StartRates {
 public:
  virtual ~StartRates() = default;
  virtual std::vector<double> rates_if_started(const std::vector<MigrationOrder>& orders) const = 0;
};

// What the cluster engine asks a consolidation policy (implementations in
// policies/). Policies see only a Placement snapshot, so a live controller can
// call them too.
class ConsolidationPolicy {
 public:
  virtual ~ConsolidationPolicy() = default;
  virtual std::string name() const = 0;
  // Host for a VM being created (the VM asks for its full MIPS/RAM), or -1.
  virtual int place_new(Placement& p, int vm) = 0;
  // Migrations to start at `now`. The policy may edit `p` tentatively but
  // must leave it as it found it.
  virtual std::vector<MigrationOrder> optimize(Placement& p, double now) = 0;
  virtual bool migrates() const { return true; }
  // Migrations that move VMs off `host` now (maintenance), as far as the
  // policy's own limits allow; asked again whenever one ends. Empty: none (now).
  virtual std::vector<MigrationOrder> evacuate(Placement& /*p*/, int /*host*/, double /*now*/) { return {}; }
  // false: every host draws its maximum power all the time (CloudSim NPA).
  virtual bool power_aware() const { return true; }
  // Called when a migration the policy ordered ends (admission control, cooldowns).
  virtual void on_migration_end(int /*vm*/, double /*now*/) {}
  // The engine running the policy (migsim semantics) passes its StartRates
  // for the run and null at its end; without them (CloudSim semantics, a live
  // controller) a policy estimates rates itself.
  virtual void use_start_rates(const StartRates* /*rates*/) {}
  // What MigrationOrder::cause means for this policy ("rule cpu > 0.8", "underload").
  virtual std::string cause_name(int cause) const;
};

}  // namespace migsim::sim
