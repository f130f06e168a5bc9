#pragma once
#include "sim/migration_timing.hpp"
#include "sim/consolidation_policy.hpp"

namespace migsim::sim {

// A migration the engine started: what it knew at the start, and what the model
// predicts if nothing changes on its route or in its load.
struct MigrationStarted {
  double t_s = 0.0;
  MigrationRequest request;
  MigrationTiming predicted;
  int cause = kCauseUnspecified;  // MigrationOrder::cause (ConsolidationPolicy::cause_name)
};

// A migration that ended (switched over, or cancelled at the model's horizon).
struct MigrationFinished {
  double start_s = 0.0;
  double end_s = 0.0;
  MigrationRequest request;  // as at its start
  MigrationTiming timing;    // what it really took in the run
  int cause = kCauseUnspecified;  // MigrationOrder::cause (ConsolidationPolicy::cause_name)
};

// The cluster at the end of a processing instant (after the migrations the
// policy ordered there have started), read on demand: an observer pays only for
// what it looks at. Valid only during EngineObserver::step.
class StepView {
 public:
  virtual ~StepView() = default;
  virtual double t_s() const = 0;
  virtual const Placement& placement() const = 0;
  virtual double energy_kwh() const = 0;  // charged so far
  // Draws power now (migsim: has a VM; CloudSim: is utilised; not power-aware: every host).
  virtual bool host_active(int h) const = 0;
  virtual double host_power_w(int h) const = 0;  // now (0 when not active)
  virtual long long migrations_in_flight() const = 0;
  virtual long long migrations_started() const = 0;  // so far
  // The SLA metrics of the intervals charged so far (sim/sla_accounting.hpp).
  virtual double slatah() const = 0;
  virtual double pdm() const = 0;
};

// Watches a cluster run without being part of it (signals, as in SimGrid): the
// engine calls every observer it was given, in the order they were added. An
// observer must not change the run.
class EngineObserver {
 public:
  virtual ~EngineObserver() = default;
  // Before anything happens: the policy (it names MigrationStarted::cause) and
  // the cluster (its VMs and hosts), both valid until the run ends.
  virtual void run_begins(const ConsolidationPolicy& /*policy*/, const Placement& /*p*/) {}
  virtual void migration_started(const MigrationStarted& /*m*/) {}
  virtual void migration_finished(const MigrationFinished& /*m*/) {}
  // At the end of every processing instant of ClusterEngine::run().
  virtual void step(const StepView& /*s*/) {}
};

}  // namespace migsim::sim
