#include "validation/cross_validation.hpp"

#include <algorithm>
#include <set>

#include "sim/input_error.hpp"
#include "validation/validation_case.hpp"

namespace migsim::validation {

namespace {

std::vector<MeasuredMigration> with_split(std::vector<MeasuredMigration> data, const char* split) {
  for (auto& m : data) m.config.split = split;
  return data;
}

}  // namespace

TunedParameters calibrate_on_all(const std::vector<MeasuredMigration>& data) {
  return tune_on_training_split(with_split(data, "train"));
}

CrossValidation cross_validate(const std::vector<MeasuredMigration>& data, int folds) {
  if (folds < 2) throw InputError("--folds: must be at least 2, got " + std::to_string(folds));
  std::set<std::string> names;
  for (const auto& m : data) names.insert(m.config.name);
  if (static_cast<int>(names.size()) < folds) {
    throw InputError("--folds " + std::to_string(folds) + ": the logs hold only " +
                     std::to_string(names.size()) + " configuration(s) (case names); need one per fold at least");
  }
  std::map<std::string, int> fold_of;
  int i = 0;
  for (const auto& n : names) fold_of[n] = i++ % folds;

  CrossValidation cv;
  cv.folds = folds;
  cv.configurations = static_cast<int>(names.size());
  cv.held_out.reserve(data.size());  // stable addresses for the comparisons
  const std::vector<std::string> models = model_names();
  for (int f = 0; f < folds; ++f) {
    std::vector<MeasuredMigration> fit;
    for (const auto& m : data) {
      if (fold_of[m.config.name] != f) fit.push_back(m);
    }
    const TunedParameters tuned = calibrate_on_all(fit);
    for (const auto& m : data) {
      if (fold_of[m.config.name] != f) continue;
      cv.held_out.push_back(m);
      cv.held_out.back().config.split = "test";
      const MeasuredMigration& h = cv.held_out.back();
      const auto sc = scenario_for(h.config, tuned.host, tuned.guest);
      for (const auto& n : models) cv.comparisons[n].push_back({&h, predict_with(n, sc)});
    }
  }
  for (const auto& n : models) cv.scores[n] = score(cv.comparisons[n], false);
  return cv;
}

}  // namespace migsim::validation
