#pragma once
// The document of `migsim predict --json` (and of the Python module's predict()):
// the first model's prediction (models/prediction_json.hpp), and each other
// model's under "baselines" by its name.
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/migration_model.hpp"
#include "models/precopy_types.hpp"

namespace migsim::models {

// `models` is not empty (InputError-free: the caller chose them).
nlohmann::json prediction_document(const MigrationScenario& sc,
                                   const std::vector<std::unique_ptr<MigrationModel>>& models);

}  // namespace migsim::models
