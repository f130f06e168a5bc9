#include "validation/report_document.hpp"

#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"
#include "validation/batch_dataset.hpp"
#include "validation/batch_report.hpp"
#include "validation/dataset_report.hpp"
#include "validation/web_dataset.hpp"
#include "validation/web_report.hpp"

namespace migsim::validation {

nlohmann::json report_document(const ReportRequest& q) {
  if (q.datasets.empty()) throw InputError("datasets: expected at least one dataset file");
  const std::string& first = q.datasets.front();
  if (is_web_dataset(first)) {
    if (q.datasets.size() != 1) {
      throw InputError("dataset: a web report reads one dataset, got " + std::to_string(q.datasets.size()));
    }
    if (!q.train_on.empty()) throw InputError(kTrainOnForWeb);
    const WebReport r = build_web_report({first, q.profile});
    if (!q.windows_csv.empty()) traces::write_file_atomically(q.windows_csv, web_windows_csv(r));
    return web_report_json(r);
  }
  if (!q.windows_csv.empty()) throw InputError(kWindowsForWeb);
  if (is_batch_dataset(first)) {
    if (q.no_tune) throw InputError("--no-tune: batch datasets take their parameters from --train-on or --profile");
    const BatchReport r = build_batch_report({q.datasets, q.train_on, q.profile});
    nlohmann::json doc = batch_accuracy_json(r);
    doc["case_detail"] = batch_cases_document(r);
    return doc;
  }
  if (!q.profile.empty()) throw InputError(kProfileForSingle);
  const DatasetReport r = build_dataset_report({q.datasets, q.train_on, q.no_tune, true});
  nlohmann::json doc = accuracy_json(r);
  doc["case_detail"] = cases_document(r);
  return doc;
}

}  // namespace migsim::validation
