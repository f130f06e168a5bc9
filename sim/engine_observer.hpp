#pragma once
#include "sim/migration_timing.hpp"

namespace migsim::sim {

// A migration the engine started: what it knew at the start, and what the model
// predicts if nothing changes on its route or in its load.
struct MigrationStarted {
  double t_s = 0.0;
  MigrationRequest request;
  MigrationTiming predicted;
};

// A migration that ended (switched over, or cancelled at the model's horizon).
struct MigrationFinished {
  double start_s = 0.0;
  double end_s = 0.0;
  MigrationRequest request;  // as at its start
  MigrationTiming timing;    // what it really took in the run
};

// Watches a cluster run without being part of it (signals, as in SimGrid): the
// engine calls every observer it was given, in the order they were added. An
// observer must not change the run.
class EngineObserver {
 public:
  virtual ~EngineObserver() = default;
  virtual void migration_started(const MigrationStarted& /*m*/) {}
  virtual void migration_finished(const MigrationFinished& /*m*/) {}
};

}  // namespace migsim::sim
