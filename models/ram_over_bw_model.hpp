#pragma once
#include "models/migration_model.hpp"

namespace migsim::models {

// The naive estimate: all of RAM once at the configured bandwidth (the link when
// that is slower or unlimited), no downtime, always converges. A baseline of the
// validation report only.
class RamOverBwModel final : public MigrationModel {
 public:
  std::string name() const override { return "ram_over_bw"; }
  Prediction predict(const MigrationScenario& scenario) const override;
};

}  // namespace migsim::models
