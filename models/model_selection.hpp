#pragma once
// The models a user names for a prediction: one Predictor of the registry
// (models/model_registry.hpp), or "all" of them. Shared by `migsim predict --model`
// and the Python module's predict(model=...).
#include <memory>
#include <string>
#include <vector>

#include "models/migration_model.hpp"

namespace migsim::models {

// `which` is a Predictor's name or "all". An unknown name raises InputError naming
// `field` and the value: "--model: unknown model 'x' (expected qemu-precopy, ... or all)".
std::vector<std::unique_ptr<MigrationModel>> models_named(const std::string& field, const std::string& which);
// What `which` accepts: the Predictors, then "all".
std::vector<std::string> model_choices();

}  // namespace migsim::models
