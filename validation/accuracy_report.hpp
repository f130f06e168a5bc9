#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/model_registry.hpp"
#include "models/precopy_types.hpp"
#include "validation/validation_dataset.hpp"

namespace migsim::validation {

// A measured migration next to what one model predicted for it.
struct Comparison {
  const MeasuredMigration* measured = nullptr;
  models::Prediction predicted;
};

// Accuracy of one model over the cases NOT used for tuning.
struct AccuracyScore {
  int cases = 0;                    // cases scored
  int convergence_correct = 0;      // predicted converged == really converged
  // confusion[real][predicted], 0 = not converged, 1 = converged
  std::array<std::array<int, 2>, 2> confusion{};
  int both_converged = 0;           // cases behind the three error metrics
  std::optional<double> total_time_mape_pct;
  std::optional<double> bytes_mape_pct;
  std::optional<double> downtime_median_abs_err_ms;
  // median of |predicted - measured| / measured downtime, over the cases behind
  // the metrics above whose measured downtime is not 0 ms (QEMU reports whole
  // milliseconds); null when there is none.
  std::optional<double> downtime_median_rel_err_pct;
};

// Mean absolute percentage error of predicted vs measured (measured != 0).
double mape_pct(const std::vector<double>& measured, const std::vector<double>& predicted);
double median(std::vector<double> v);
// Scores the comparisons whose case is not a training case (include_training
// scores those instead: the fit's own error, reported separately).
AccuracyScore score(const std::vector<Comparison>& cmp, bool training_split);
nlohmann::json to_json(const AccuracyScore& s);
// The text table of scores (validate report, calibrate): a header line and one
// line per model, "n/a" where a metric has no case.
std::string score_table_header();
std::string score_line(const std::string& model, const AccuracyScore& s);

// The models compared: QEMU-faithful pre-copy and the baselines, every model of
// models/model_registry.cpp in its order.
inline constexpr const char* kModelName = models::kDefaultModel;
std::vector<std::string> baseline_names();  // every registered model but kModelName
// kModelName, then the baselines: the order every report lists them in.
std::vector<std::string> model_names();
// InputError for a name the registry does not have.
models::Prediction predict_with(const std::string& model, const models::MigrationScenario& sc);

}  // namespace migsim::validation
