#include "validation/dataset_report.hpp"

#include <cstdio>
#include <cstdlib>

#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"
#include "validation/guest_image.hpp"
#include "validation/validation_case.hpp"

namespace migsim::validation {

DatasetReport build_dataset_report(const DatasetReportSettings& s) {
  DatasetReport r;
  r.data = read_datasets(s.datasets);
  r.dataset_names = dataset_label(s.datasets);
  if (!s.train_on.empty() && s.no_tune) throw InputError("--train-on and --no-tune exclude each other");
  if (s.no_tune) {
    r.tuned = default_parameters();
  } else if (!s.train_on.empty()) {
    r.tuned = tune_on_training_split(read_datasets(s.train_on));
  } else {
    r.tuned = tune_on_training_split(r.data);
  }
  if (!s.predict) return r;
  const std::vector<std::string> names = model_names();
  std::map<std::string, std::vector<Comparison>> cmp;
  for (const auto& m : r.data) {
    std::map<std::string, models::Prediction> pred;
    const auto sc = scenario_for(m.config, r.tuned.host, r.tuned.guest);
    for (const auto& n : names) pred[n] = predict_with(n, sc);
    r.predictions.push_back(std::move(pred));
  }
  for (std::size_t i = 0; i < r.data.size(); ++i) {
    for (const auto& n : names) cmp[n].push_back({&r.data[i], r.predictions[i].at(n)});
  }
  for (const auto& n : names) {
    r.test[n] = score(cmp[n], false);
    r.train[n] = score(cmp[n], true);
  }
  return r;
}

nlohmann::json cases_document(const DatasetReport& r) {
  nlohmann::json detail = nlohmann::json::array();
  for (std::size_t i = 0; i < r.data.size(); ++i) {
    const MeasuredMigration& m = r.data[i];
    nlohmann::json j{{"case", m.config.name},
                     {"repeat", m.repeat},
                     {"split", m.config.split},
                     {"measured",
                      {{"converged", m.converged},
                       {"total_time_ms", m.total_time_ms},
                       {"downtime_ms", m.downtime_ms},
                       {"transferred_bytes", m.transferred_bytes},
                       {"dirty_syncs", m.dirty_syncs},
                       {"downtime_bytes", m.downtime_bytes},
                       {"throttle_pct", m.throttle_pct},
                       {"foreign_cpu_cores", m.foreign_cpu_cores}}}};
    for (const auto& [n, p] : r.predictions[i]) {
      j["predicted"][n] = {{"converged", p.converged},
                           {"total_time_ms", p.total_time_ms},
                           {"downtime_ms", p.downtime_ms},
                           {"transferred_bytes", p.transferred_bytes},
                           {"downtime_bytes", p.downtime_bytes},
                           {"dirty_syncs", p.dirty_syncs}};
    }
    detail.push_back(j);
  }
  return {{"dataset", r.dataset_names}, {"tuned", to_json(r.tuned)}, {"cases", detail}};
}

nlohmann::json accuracy_json(const DatasetReport& r) {
  nlohmann::json j = to_json(r.test.at(kModelName));
  j["baselines"] = nlohmann::json::object();
  for (const auto& b : baseline_names()) j["baselines"][b] = to_json(r.test.at(b));
  return j;
}

void plot_cases(const nlohmann::json& cases, const std::string& png) {
  run_plot_script("plot_report.py", cases, png);
}

void run_plot_script(const std::string& script_name, const nlohmann::json& doc, const std::string& png) {
  const std::string tmp = png + ".plot.json.tmp";
  traces::write_file_atomically(tmp, doc.dump() + "\n");
  const std::string script = source_dir() + "/validation/" + script_name;
  const std::string cmd = "/usr/bin/python3 '" + script + "' '" + tmp + "' '" + png + "'";
  const int rc = std::system(cmd.c_str());
  std::remove(tmp.c_str());
  if (rc != 0) throw EnvironmentError("--plot: " + script + " failed (needs python3-matplotlib)");
}

}  // namespace migsim::validation
