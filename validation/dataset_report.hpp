#pragma once
// `migsim validate report`: every migration of a dataset predicted by the model
// (host profile tuned on split=train cases) and the baselines, the accuracy on
// the reported (split=test) and training cases, and the per-case document
// (--cases-json, --plot).
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/precopy_types.hpp"
#include "validation/accuracy_report.hpp"
#include "validation/host_tuning.hpp"
#include "validation/validation_dataset.hpp"

namespace migsim::validation {

struct DatasetReportSettings {
  std::vector<std::string> datasets;  // read as one
  std::vector<std::string> train_on;  // tune on these datasets' split=train cases instead
  bool no_tune = false;               // the generic host profile (excludes train_on)
  bool predict = true;                // false: read and tune only (`validate tune`)
};

struct DatasetReport {
  std::vector<MeasuredMigration> data;
  std::string dataset_names;
  TunedParameters tuned;
  // Per migration of `data` (same order): each model's prediction (model_names()).
  std::vector<std::map<std::string, models::Prediction>> predictions;
  std::map<std::string, AccuracyScore> test, train;  // by model: split=test / split=train cases
};

// Errors (InputError): unreadable datasets, --train-on together with --no-tune.
DatasetReport build_dataset_report(const DatasetReportSettings& s);

// Every case measured and predicted, with the tuned parameters (--cases-json).
nlohmann::json cases_document(const DatasetReport& r);
// The accuracy on the reported cases, baselines under "baselines" (--json).
nlohmann::json accuracy_json(const DatasetReport& r);
// Renders `cases` as a predicted-vs-measured PNG with validation/plot_report.py;
// EnvironmentError when the script fails.
void plot_cases(const nlohmann::json& cases, const std::string& png);
// Runs validation/SCRIPT_NAME DOC.json PNG with the system python3 (matplotlib);
// EnvironmentError when it fails.
void run_plot_script(const std::string& script_name, const nlohmann::json& doc, const std::string& png);

}  // namespace migsim::validation
