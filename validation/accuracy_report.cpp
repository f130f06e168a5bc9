#include "validation/accuracy_report.hpp"

#include <cstdio>

#include <algorithm>
#include <cmath>

#include "models/model_registry.hpp"
#include "sim/input_error.hpp"
#include "sim/name_list.hpp"

namespace migsim::validation {

double mape_pct(const std::vector<double>& measured, const std::vector<double>& predicted) {
  if (measured.size() != predicted.size() || measured.empty()) {
    throw std::invalid_argument("mape_pct: need equally many, non-zero count of values");
  }
  double sum = 0;
  for (std::size_t i = 0; i < measured.size(); ++i) {
    if (measured[i] == 0.0) throw std::invalid_argument("mape_pct: a measured value is 0");
    sum += std::fabs(predicted[i] - measured[i]) / std::fabs(measured[i]);
  }
  return 100.0 * sum / static_cast<double>(measured.size());
}

double median(std::vector<double> v) {
  if (v.empty()) throw std::invalid_argument("median of no values");
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

AccuracyScore score(const std::vector<Comparison>& cmp, bool training_split) {
  AccuracyScore s;
  std::vector<double> t_real, t_pred, b_real, b_pred, dt_err, dt_rel;
  for (const auto& c : cmp) {
    if (c.measured->training() != training_split) continue;
    ++s.cases;
    const bool real = c.measured->converged;
    const bool pred = c.predicted.converged;
    ++s.confusion[real ? 1 : 0][pred ? 1 : 0];
    if (real == pred) ++s.convergence_correct;
    if (real && pred) {
      ++s.both_converged;
      t_real.push_back(c.measured->total_time_ms);
      t_pred.push_back(c.predicted.total_time_ms);
      b_real.push_back(c.measured->transferred_bytes);
      b_pred.push_back(c.predicted.transferred_bytes);
      dt_err.push_back(std::fabs(c.predicted.downtime_ms - c.measured->downtime_ms));
      if (c.measured->downtime_ms > 0.0) dt_rel.push_back(100.0 * dt_err.back() / c.measured->downtime_ms);
    }
  }
  if (s.both_converged > 0) {
    s.total_time_mape_pct = mape_pct(t_real, t_pred);
    s.bytes_mape_pct = mape_pct(b_real, b_pred);
    s.downtime_median_abs_err_ms = median(dt_err);
  }
  if (!dt_rel.empty()) s.downtime_median_rel_err_pct = median(dt_rel);
  return s;
}

nlohmann::json to_json(const AccuracyScore& s) {
  auto opt = [](const std::optional<double>& v) -> nlohmann::json {
    if (!v) return nullptr;
    return std::round(*v * 1000.0) / 1000.0;
  };
  return {{"cases", s.cases},
          {"convergence_correct", s.convergence_correct},
          {"total_time_mape_pct", opt(s.total_time_mape_pct)},
          {"bytes_mape_pct", opt(s.bytes_mape_pct)},
          {"downtime_median_abs_err_ms", opt(s.downtime_median_abs_err_ms)},
          {"downtime_median_rel_err_pct", opt(s.downtime_median_rel_err_pct)}};
}

std::vector<std::string> baseline_names() {
  std::vector<std::string> out;
  for (auto& n : models::model_names()) {
    if (n != kModelName) out.push_back(std::move(n));
  }
  return out;
}

std::vector<std::string> model_names() {
  std::vector<std::string> out{kModelName};
  for (auto& b : baseline_names()) out.push_back(std::move(b));
  return out;
}

models::Prediction predict_with(const std::string& model, const models::MigrationScenario& sc) {
  const auto m = models::make_migration_model(model);
  if (!m) {
    throw InputError("unknown model '" + model + "' (expected one of " + join_names(models::model_names()) + ")");
  }
  return m->predict(sc);
}

namespace {
std::string cell(const std::optional<double>& v) {
  if (!v) return "n/a";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", *v);
  return b;
}
}  // namespace

std::string score_table_header() {
  return "  model          cases  conv.ok  time MAPE%  bytes MAPE%  downtime |err| median ms  downtime |err| median %\n";
}

std::string score_line(const std::string& model, const AccuracyScore& s) {
  char line[256];
  std::snprintf(line, sizeof line, "  %-14s %5d %6d/%-3d %10s %10s %14s %24s\n", model.c_str(), s.cases,
                s.convergence_correct, s.cases, cell(s.total_time_mape_pct).c_str(),
                cell(s.bytes_mape_pct).c_str(), cell(s.downtime_median_abs_err_ms).c_str(),
                cell(s.downtime_median_rel_err_pct).c_str());
  return line;
}

}  // namespace migsim::validation
