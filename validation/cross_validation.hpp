#pragma once
#include <map>
#include <string>
#include <vector>

#include "validation/accuracy_report.hpp"
#include "validation/host_tuning.hpp"
#include "validation/validation_dataset.hpp"

namespace migsim::validation {

// Calibration on every record, and an honest estimate of how well a profile
// calibrated that way predicts migrations it has not seen: k-fold cross-validation
// by configuration. Records of one configuration (a case name: its repeats) are
// always in the same fold, so no configuration is checked against a fit that saw it.
// Folds: the sorted case names, name i in fold i mod k (deterministic).
struct CrossValidation {
  int folds = 0;
  int configurations = 0;
  // Every record once, held out, with the prediction of the fit that did not see it;
  // the records live in `held_out` (split set to "test" so score() counts them).
  std::vector<MeasuredMigration> held_out;
  std::map<std::string, std::vector<Comparison>> comparisons;  // model -> held-out comparisons
  std::map<std::string, AccuracyScore> scores;                 // model -> their score
};

// Tunes on all records (their split ignored).
TunedParameters calibrate_on_all(const std::vector<MeasuredMigration>& data);

// Throws InputError when folds < 2 or there are fewer configurations than folds.
CrossValidation cross_validate(const std::vector<MeasuredMigration>& data, int folds);

}  // namespace migsim::validation
