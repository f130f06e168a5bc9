#pragma once
#include <memory>
#include <string>

#include "models/precopy_types.hpp"

namespace migsim::models {

// A way to predict one live migration. The QEMU-faithful pre-copy model and the
// baselines implement it; the cluster engine and the validation report use it.
class MigrationModel {
 public:
  virtual ~MigrationModel() = default;
  virtual std::string name() const = 0;
  virtual Prediction predict(const MigrationScenario& scenario) const = 0;
};

// The model of that name in models/model_registry.cpp; nullptr for an unknown name.
std::unique_ptr<MigrationModel> make_migration_model(const std::string& name);

}  // namespace migsim::models
