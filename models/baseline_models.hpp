#pragma once
#include "models/migration_model.hpp"

namespace migsim::models {

// CloudSim / CloudSim Plus: migration time = RAM / (BW / 2); no dirty pages,
// no downtime, always converges. BW is min(max-bandwidth, link).
class CloudSimModel final : public MigrationModel {
 public:
  std::string name() const override { return "cloudsim"; }
  Prediction predict(const MigrationScenario& scenario) const override;
};

// The textbook closed-form geometric pre-copy model (Liu et al., Akoush et al.):
// V0 = RAM, round i lasts V_i / R, V_{i+1} = D * T_i with D the page-write rate,
// stop when V_i <= R * downtime-limit; downtime = V_n / R. No zero pages, no
// working-set saturation, no bitmap-sync rule. Non-convergence when D >= R or the
// rounds exceed the horizon.
class GeometricModel final : public MigrationModel {
 public:
  std::string name() const override { return "geometric"; }
  Prediction predict(const MigrationScenario& scenario) const override;
};

}  // namespace migsim::models
