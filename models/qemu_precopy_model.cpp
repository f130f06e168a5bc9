#include "models/qemu_precopy_model.hpp"

#include "models/precopy_process.hpp"

namespace migsim::models {

Prediction QemuPrecopyModel::predict(const MigrationScenario& scenario) const {
  return PrecopyProcess(scenario).run();
}

}  // namespace migsim::models
