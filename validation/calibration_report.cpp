#include "validation/calibration_report.hpp"

#include "models/scenario_json.hpp"
#include "validation/validation_dataset.hpp"

namespace migsim::validation {

Calibration calibrate_on_logs(const std::vector<std::string>& logs, int folds) {
  const std::vector<MeasuredMigration> data = read_datasets(logs);
  Calibration c;
  c.migrations = data.size();
  c.logs = dataset_label(logs);
  c.cv = cross_validate(data, folds);
  c.tuned = calibrate_on_all(data);
  return c;
}

nlohmann::json profile_of(const Calibration& c) { return profile_document(c.tuned, c.logs); }

nlohmann::json to_json(const Calibration& c, const std::string& profile_file) {
  nlohmann::json j{{"profile_file", profile_file},
                   {"migrations", c.migrations},
                   {"configurations", c.cv.configurations},
                   {"folds", c.cv.folds},
                   {"profile", models::to_json(c.tuned.host)},
                   {"fit", to_json(c.tuned)}};
  for (const auto& [model, s] : c.cv.scores) j["cross_validation"][model] = to_json(s);
  return j;
}

}  // namespace migsim::validation
