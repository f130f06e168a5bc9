#pragma once
#include "models/migration_model.hpp"

namespace migsim::models {

// QEMU 7.2's pre-copy migration at constant rates: models/precopy_process.hpp
// run from the migrate command to its end (completion or the horizon).
class QemuPrecopyModel final : public MigrationModel {
 public:
  std::string name() const override { return "qemu-precopy"; }
  Prediction predict(const MigrationScenario& scenario) const override;
};

}  // namespace migsim::models
