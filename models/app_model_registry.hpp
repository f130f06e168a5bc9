#pragma once
// Every application-impact model by name (models/app_impact_model.hpp), in one table:
// "queue" (the model) first, then "downtime-only" (the validation report's baseline).
#include <memory>
#include <string>
#include <vector>

#include "models/app_impact_model.hpp"

namespace migsim::models {

inline constexpr const char* kDefaultAppModel = "queue";
inline constexpr const char* kAppBaselineModel = "downtime-only";

// nullptr for an unknown name.
std::unique_ptr<AppImpactModel> make_app_model(const std::string& name);
std::vector<std::string> app_model_names();

}  // namespace migsim::models
