#pragma once
// `migsim validate report` on a batch dataset: every recorded batch predicted
// by `migsim batch`'s engine (max-min over the shaped link, re-rated whenever a
// migration starts or ends) and by three baselines, scored per migration and
// per batch on the batches not used for tuning.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/precopy_types.hpp"
#include "validation/accuracy_report.hpp"
#include "validation/batch_dataset.hpp"
#include "validation/host_tuning.hpp"

namespace migsim::validation {

// The models compared, in report order: the engine, then the baselines.
//  maxmin-rerated   max-min fair shares of the link, re-rated at every start/end (migsim batch)
//  maxmin-fixed     max-min fair share computed when a migration starts, kept to its end
//  nic-split-fixed  the engine's old rule: an equal share of the NIC, fixed at start
//  ram-over-bw      RAM / (equal share of the link at start), no dirtying, always converges
std::vector<std::string> batch_model_names();
inline constexpr const char* kBatchModelName = "maxmin-rerated";

struct BatchPrediction {
  double makespan_s = 0;
  std::vector<models::Prediction> migrations;  // in the batch's order
};

struct BatchScore {
  int batches = 0;
  double makespan_mape_pct = 0;
  AccuracyScore migrations;  // per migration (time, bytes, downtime over both-converged ones)
};

struct BatchReportSettings {
  std::vector<std::string> datasets;  // batch datasets, read as one
  std::vector<std::string> train_on;  // single-migration datasets the host profile is tuned on
  std::string profile;                // else this host profile file (+ its guest calibration)
};

struct BatchReport {
  std::vector<MeasuredBatch> data;
  std::string dataset_names;
  TunedParameters tuned;
  std::string tuned_from;
  double link_goodput = 1.0;  // model link capacity = tc rate x this, fitted on split=train batches
  int training_batches = 0;
  std::vector<std::map<std::string, BatchPrediction>> predictions;  // per batch, by model
  std::map<std::string, BatchScore> test, train;
};

// One batch predicted by one model with these parameters.
BatchPrediction predict_batch(const MeasuredBatch& b, const std::string& model, const TunedParameters& p,
                              double link_goodput);
BatchReport build_batch_report(const BatchReportSettings& s);
// --json: batches, migrations, convergence_correct, makespan_mape_pct, total_time_mape_pct,
// bytes_mape_pct, downtime_median_abs_err_ms, downtime_median_rel_err_pct, baselines{name: the same}, and how it was tuned.
nlohmann::json batch_accuracy_json(const BatchReport& r);
// The text report: per migration, per batch, the score table.
std::string batch_report_text(const BatchReport& r);
// Per batch measured and predicted makespans (--cases-json, --plot).
nlohmann::json batch_cases_document(const BatchReport& r);
void plot_batches(const nlohmann::json& cases, const std::string& png);

}  // namespace migsim::validation
