#pragma once
// `migsim calibrate`: a host profile fitted on every migration of real logs, and
// the k-fold cross-validation estimate of how well such a profile predicts
// migrations it has not seen.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "validation/cross_validation.hpp"
#include "validation/host_tuning.hpp"

namespace migsim::validation {

struct Calibration {
  std::size_t migrations = 0;
  std::string logs;  // dataset_label of the logs
  CrossValidation cv;
  TunedParameters tuned;
};

// Cross-validation first: it checks `folds` before fitting anything. Errors
// (InputError) name the log file, or the folds.
Calibration calibrate_on_logs(const std::vector<std::string>& logs, int folds);

// The profile JSON to write (`migsim predict --profile`).
nlohmann::json profile_of(const Calibration& c);
// `migsim calibrate --json`: profile_file, migrations, configurations, folds,
// profile, fit, cross_validation{model: score}.
nlohmann::json to_json(const Calibration& c, const std::string& profile_file);

}  // namespace migsim::validation
