#pragma once
// The document of `migsim predict --json` (and of the Python module's predict()):
// the first model's prediction (models/prediction_json.hpp), and each other
// model's under "baselines" by its name.
#include <functional>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/migration_model.hpp"
#include "models/precopy_types.hpp"

namespace migsim::models {

// Adds to one model's prediction document what goes with it (predict --app: the users' view).
using PredictionDecorator = std::function<void(nlohmann::json& doc, const Prediction& p)>;

// `models` is not empty (InputError-free: the caller chose them). `decorate`, when given, is
// called on the first model's document and on each baseline's.
nlohmann::json prediction_document(const MigrationScenario& sc,
                                   const std::vector<std::unique_ptr<MigrationModel>>& models,
                                   const PredictionDecorator& decorate = {});

}  // namespace migsim::models
