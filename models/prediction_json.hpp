#pragma once
#include <nlohmann/json.hpp>

#include "models/precopy_types.hpp"

namespace migsim::models {

// The machine-readable form of a prediction (the `migsim predict --json` contract).
nlohmann::json to_json(const Prediction& p);
nlohmann::json to_json(const MigrationScenario& sc);

}  // namespace migsim::models
