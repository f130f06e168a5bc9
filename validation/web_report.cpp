#include "validation/web_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "models/app_model_registry.hpp"
#include "models/scenario_json.hpp"
#include "sim/input_error.hpp"
#include "validation/accuracy_report.hpp"
#include "validation/host_tuning.hpp"

namespace migsim::validation {

const std::vector<double> kSlowdownGrid{0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0};
const std::vector<double> kSwitchoverGrid{0, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000};
const std::vector<double> kSynRetryGrid{0.0, 1.0};

namespace {

const char* const kModes[] = {"given", "end_to_end"};

double log_err(double pred, double meas) {
  if (!std::isfinite(pred) || !std::isfinite(meas)) return std::isfinite(pred) == std::isfinite(meas) ? 0.0 : 10.0;
  return std::abs(std::log((pred + 1.0) / (meas + 1.0)));
}

double measured_p99_during(const WebRun& r) {
  return r.summary.p99_during_ms ? *r.summary.p99_during_ms : std::nan("");
}
double predicted_p99_during(const models::AppImpact& a) {
  return a.summary.p99_during_ms ? *a.summary.p99_during_ms : std::nan("");
}

double run_loss(const WebRun& r, const models::AppImpact& a) {
  return log_err(a.summary.max_stall_ms, r.summary.max_stall_ms) +
         log_err(predicted_p99_during(a), measured_p99_during(r)) +
         log_err(static_cast<double>(a.summary.requests_over_slo), static_cast<double>(r.summary.requests_over_slo));
}

double ape(double pred, double meas, double floor = 0.0) {
  const double d = std::max(std::abs(meas), floor);
  if (!(d > 0.0) || !std::isfinite(pred) || !std::isfinite(meas)) return std::nan("");
  return 100.0 * std::abs(pred - meas) / d;
}

double mean_of(const std::vector<double>& v) {
  double s = 0.0;
  int n = 0;
  for (const double x : v) {
    if (std::isfinite(x)) s += x, ++n;
  }
  return n ? s / n : std::nan("");
}

WebScore score(const std::vector<WebRun>& runs, const std::vector<WebRunPredictions>& preds, const std::string& model,
               const std::string& mode, bool skip_overloaded) {
  WebScore s;
  std::vector<double> stall, p99, slo;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const WebRun& r = runs[i];
    if (r.training() || !r.migration) continue;
    if (skip_overloaded && overloaded_before_migration(r)) continue;
    const auto& a = preds[i].by_model.at(model).at(mode);
    ++s.runs;
    stall.push_back(ape(a.summary.max_stall_ms, r.summary.max_stall_ms));
    p99.push_back(ape(predicted_p99_during(a), measured_p99_during(r)));
    const double stall_err = std::abs(a.summary.max_stall_ms - r.summary.max_stall_ms);
    if (stall_err <= 50.0 || stall_err <= 0.3 * r.summary.max_stall_ms) ++s.stall_within_target;
    const double pm = measured_p99_during(r), pp = predicted_p99_during(a);
    if (std::isfinite(pm) && std::isfinite(pp) && std::abs(pp - pm) <= 0.3 * pm) ++s.p99_within_target;
    slo.push_back(ape(static_cast<double>(a.summary.requests_over_slo),
                      static_cast<double>(r.summary.requests_over_slo), 1.0));
  }
  s.max_stall_mape_pct = mean_of(stall);
  s.p99_during_migration_mape_pct = mean_of(p99);
  s.requests_over_slo_mape_pct = mean_of(slo);
  return s;
}

nlohmann::json num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json to_json(const WebScore& s) {
  return {{"runs", s.runs},
          {"stall_within_target", s.stall_within_target},
          {"p99_within_target", s.p99_within_target},
          {"max_stall_mape_pct", num(s.max_stall_mape_pct)},
          {"p99_during_migration_mape_pct", num(s.p99_during_migration_mape_pct)},
          {"requests_over_slo_mape_pct", num(s.requests_over_slo_mape_pct)}};
}

nlohmann::json score_json(const WebReport& r, const std::string& model) {
  nlohmann::json j = to_json(r.scores.at(model).at("given"));
  j["end_to_end"] = to_json(r.scores.at(model).at("end_to_end"));
  j["not_overloaded"] = to_json(r.scores_not_overloaded.at(model).at("given"));
  j["not_overloaded"]["end_to_end"] = to_json(r.scores_not_overloaded.at(model).at("end_to_end"));
  return j;
}

std::string fmt(const char* f, double v) {
  if (!std::isfinite(v)) return "-";
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// The migration phase a window [t, t + w) shows: the guest paused (stop-and-copy) or unreachable
// (switch-over) if it was so at any time in it, else pre-copy if the pre-copy overlaps it.
const char* phase_of_window(const std::optional<models::MigrationTimeline>& m, double t, double w,
                            double switchover_s) {
  if (!m) return "none";
  auto overlaps = [&](double a, double b) { return a < t + w && b > t; };
  if (m->converged) {
    if (overlaps(m->stop_s, std::max(m->resume_s, m->stop_s + 1e-9))) return "stop-and-copy";
    if (switchover_s > 0 && overlaps(m->resume_s, m->resume_s + switchover_s)) return "switch-over";
    return overlaps(m->start_s, m->stop_s) ? "pre-copy" : "none";
  }
  return overlaps(m->start_s, m->end_s) ? "pre-copy" : "none";
}

}  // namespace

models::AppParams fitted_app(const WebRun& run, const WebFit& fit) {
  models::AppParams a = run.app;
  a.precopy_slowdown = fit.precopy_slowdown;
  a.switchover_ms = fit.switchover_ms;
  a.syn_retry_s = fit.syn_retry_s;
  a.syn_lost_shift_ms = kSynLostShiftMs;
  a.syn_loss = models::SynLoss::Window;  // the measured migration: its pause known to the ms
  return a;
}

models::AppImpact predict_run(const models::AppImpactModel& model, const models::AppParams& app, const WebRun& run,
                              const models::MigrationTimeline& m) {
  return models::app_impact(model, app, m, run.duration_s,
                            static_cast<double>(run.windows.size()) * models::kAppWindowS - 1e-9);
}

WebFit fit_on_training_runs(const std::vector<WebRun>& runs) {
  std::vector<const WebRun*> train;
  std::vector<models::MigrationTimeline> timelines;
  for (const auto& r : runs) {
    if (r.training() && r.migration) {
      train.push_back(&r);
      timelines.push_back(r.migration->timeline());
    }
  }
  WebFit best;
  best.training_runs = static_cast<int>(train.size());
  models::AppParams defaults;
  if (train.empty()) {  // nothing to fit on: the model's defaults
    best.precopy_slowdown = defaults.precopy_slowdown;
    best.switchover_ms = defaults.switchover_ms;
    best.syn_retry_s = defaults.syn_retry_s;
    return best;
  }
  const models::QueueAppModel model;
  best.loss = std::numeric_limits<double>::infinity();
  for (const double syn : kSynRetryGrid) {
    for (const double sw : kSwitchoverGrid) {
      for (const double sl : kSlowdownGrid) {
        WebFit f{sl, sw, syn, 0.0, best.training_runs};
        double loss = 0.0;
        for (std::size_t i = 0; i < train.size(); ++i) {
          loss += run_loss(*train[i], predict_run(model, fitted_app(*train[i], f), *train[i], timelines[i]));
        }
        f.loss = loss / static_cast<double>(train.size());
        if (f.loss < best.loss - 1e-12) best = f;
      }
    }
  }
  return best;
}

bool overloaded_before_migration(const WebRun& r) { return r.app.service_ms > r.app.slo_ms; }

WebReport build_web_report(const WebReportSettings& s) {
  WebReport r;
  r.dataset = s.dataset;
  r.runs = read_web_dataset(s.dataset);
  r.fit = fit_on_training_runs(r.runs);
  const TunedParameters params = s.profile.empty() ? default_parameters() : read_tuned_parameters(s.profile);
  const auto names = models::app_model_names();
  for (const auto& run : r.runs) {
    WebRunPredictions p;
    // No migration: both modes see an undisturbed guest.
    models::MigrationTimeline given, end_to_end;
    given.start_s = given.end_s = run.duration_s;
    end_to_end = given;
    if (run.migration) {
      given = run.migration->timeline();
      models::MigrationScenario sc = scenario_for(run.migration->measured.config, params.host, params.guest);
      sc.options.record_iterations = true;
      end_to_end = models::timeline_from_prediction(predict_with(kModelName, sc), run.migration->start_s);
    }
    const models::AppParams app = fitted_app(run, r.fit);
    // End to end the predicted pause is tens of ms off: which attempts meet it is not known,
    // only how many are expected to.
    models::AppParams app_predicted = app;
    app_predicted.syn_loss = models::SynLoss::Expected;
    for (const auto& n : names) {
      const auto model = models::make_app_model(n);
      p.by_model[n]["given"] = predict_run(*model, app, run, given);
      p.by_model[n]["end_to_end"] = predict_run(*model, app_predicted, run, end_to_end);
    }
    if (run.migration) {
      p.given = std::move(given);
      p.end_to_end = std::move(end_to_end);
    }
    r.predictions.push_back(std::move(p));
  }
  for (const auto& n : names) {
    for (const char* mode : kModes) {
      r.scores[n][mode] = score(r.runs, r.predictions, n, mode, false);
      r.scores_not_overloaded[n][mode] = score(r.runs, r.predictions, n, mode, true);
    }
  }
  return r;
}

nlohmann::json web_report_json(const WebReport& r) {
  nlohmann::json j = score_json(r, models::kDefaultAppModel);
  j["model"] = models::kDefaultAppModel;
  j["fitted"] = {{"precopy_slowdown", r.fit.precopy_slowdown},
                 {"switchover_ms", r.fit.switchover_ms},
                 {"syn_retry_s", r.fit.syn_retry_s},
                 {"syn_lost_shift_ms", kSynLostShiftMs},
                 {"training_runs", r.fit.training_runs},
                 {"training_loss", r.fit.loss}};
  j["baselines"] = nlohmann::json::object();
  for (const auto& n : models::app_model_names()) {
    if (n != models::kDefaultAppModel) j["baselines"][n] = score_json(r, n);
  }
  return j;
}

std::string web_report_text(const WebReport& r) {
  std::ostringstream out;
  out << "web dataset " << r.dataset << ": " << r.runs.size() << " runs; " << models::kDefaultAppModel
      << " model fitted on " << r.fit.training_runs << " split=train runs: precopy_slowdown "
      << r.fit.precopy_slowdown << ", switchover_ms " << r.fit.switchover_ms << ", syn_retry_s " << r.fit.syn_retry_s
      << " (SYN-loss window shifted " << kSynLostShiftMs << " ms, from the training logs)"
      << " (loss " << fmt("%.3f", r.fit.loss) << ")\n\n";
  char line[400];
  std::snprintf(line, sizeof line, "%-20s %-6s %-13s %6s %6s | %8s %8s %8s %8s | %8s %8s %8s %8s | %6s %6s %6s %6s\n",
                "run", "split", "scenario", "dt ms", "e2e", "stall ms", "pred", "e2e", "base", "p99mig", "pred", "e2e",
                "base", ">SLO", "pred", "e2e", "base");
  out << line;
  const std::string base = models::kAppBaselineModel;
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const WebRun& run = r.runs[i];
    const auto& q = r.predictions[i].by_model.at(models::kDefaultAppModel).at("given").summary;
    const auto& e = r.predictions[i].by_model.at(models::kDefaultAppModel).at("end_to_end").summary;
    const auto& b = r.predictions[i].by_model.at(base).at("given").summary;
    auto p99 = [](const models::RequestSummary& s) { return s.p99_during_ms ? *s.p99_during_ms : std::nan(""); };
    const auto& m = r.predictions[i].end_to_end;
    const double e2e_dt = m && m->converged ? 1000.0 * (m->resume_s - m->stop_s) : std::nan("");
    std::snprintf(line, sizeof line,
                  "%-20s %-6s %-13s %6s %6s | %8.0f %8.0f %8.0f %8.0f | %8s %8s %8s %8s | %6zu %6zu %6zu %6zu\n",
                  run.run.substr(0, 20).c_str(), run.split.c_str(), run.scenario.c_str(),
                  run.migration ? fmt("%.0f", run.migration->measured.downtime_ms).c_str() : "-",
                  fmt("%.0f", e2e_dt).c_str(), run.summary.max_stall_ms, q.max_stall_ms, e.max_stall_ms,
                  b.max_stall_ms, fmt("%.0f", p99(run.summary)).c_str(), fmt("%.0f", p99(q)).c_str(),
                  fmt("%.0f", p99(e)).c_str(), fmt("%.0f", p99(b)).c_str(), run.summary.requests_over_slo,
                  q.requests_over_slo, e.requests_over_slo, b.requests_over_slo);
    out << line;
  }
  out << "\n(dt = QEMU's downtime, e2e = predicted; pred = " << models::kDefaultAppModel
      << " given the measured migration, e2e = end to end (the pre-copy model too), base = " << base
      << "; p99mig = p99 of the requests sent during the migration)\n\n"
      << "Accuracy on the split=report runs with a migration (MAPE %; within target: stall within 30 % or\n"
      << "50 ms, p99 during the migration within 30 %; without overloaded: runs whose median latency before\n"
      << "the migration was already over the SLO left out):\n";
  std::snprintf(line, sizeof line, "  %-15s %-11s %-17s %5s %10s %12s %12s %8s %8s\n", "model", "mode", "runs", "n",
                "max stall", "p99 migr.", "over SLO", "stall ok", "p99 ok");
  out << line;
  for (const auto& n : models::app_model_names()) {
    for (const char* mode : kModes) {
      for (int k = 0; k < 2; ++k) {
        const WebScore& s = (k == 0 ? r.scores : r.scores_not_overloaded).at(n).at(mode);
        std::snprintf(line, sizeof line, "  %-15s %-11s %-17s %5d %10s %12s %12s %8d %8d\n", n.c_str(), mode,
                      k == 0 ? "all" : "without overloaded", s.runs, fmt("%.1f", s.max_stall_mape_pct).c_str(),
                      fmt("%.1f", s.p99_during_migration_mape_pct).c_str(),
                      fmt("%.1f", s.requests_over_slo_mape_pct).c_str(), s.stall_within_target, s.p99_within_target);
        out << line;
      }
    }
  }
  return out.str();
}

std::string web_windows_csv(const WebReport& r) {
  std::ostringstream out;
  out << "run,split,scenario,t_s,phase,measured_p50_ms,measured_p99_ms,measured_throughput_rps,host_cpu_pct,"
         "predicted_phase,predicted_p50_ms,predicted_p99_ms,predicted_throughput_rps,"
         "end_to_end_p50_ms,end_to_end_p99_ms,end_to_end_throughput_rps,"
         "baseline_p50_ms,baseline_p99_ms,baseline_throughput_rps,"
         "qemu_dirty_pages_per_s,guest_writes_pages_per_s\n";
  auto cell = [](double v) { return std::isfinite(v) ? fmt("%.3f", v) : std::string(); };
  const double switchover_s = r.fit.switchover_ms / 1000.0;
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const WebRun& run = r.runs[i];
    const auto& p = r.predictions[i];
    const auto& given = p.by_model.at(models::kDefaultAppModel).at("given").windows;
    const auto& e2e = p.by_model.at(models::kDefaultAppModel).at("end_to_end").windows;
    const auto& base = p.by_model.at(models::kAppBaselineModel).at("given").windows;
    const auto* mig = run.migration ? &*run.migration : nullptr;
    std::size_t next_rate = 0;  // the dirty-rate rows are in time order, like the windows
    double qemu_rate = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t k = 0; k < run.windows.size(); ++k) {
      const auto& m = run.windows[k].requests;
      auto at = [&](const std::vector<models::RequestWindow>& w) -> const models::RequestWindow* {
        return k < w.size() ? &w[k] : nullptr;
      };
      out << run.run << ',' << run.split << ',' << run.scenario << ',' << fmt("%.3f", m.t_s) << ','
          << phase_of_window(p.given, m.t_s, models::kAppWindowS, switchover_s) << ',' << cell(m.p50_ms) << ',' << cell(m.p99_ms) << ','
          << cell(m.throughput_rps) << ','
          << (run.windows[k].host_cpu_pct ? cell(*run.windows[k].host_cpu_pct) : std::string()) << ','
          << phase_of_window(p.end_to_end, m.t_s, models::kAppWindowS, switchover_s);
      for (const auto* w : {at(given), at(e2e), at(base)}) {
        if (w) out << ',' << cell(w->p50_ms) << ',' << cell(w->p99_ms) << ',' << cell(w->throughput_rps);
        else out << ",,,";
      }
      // During the migration: QEMU's dirty-pages-rate last reported by the window's end (it is
      // updated at each bitmap sync), and the dirtier's configured write rate, the model's input.
      const double w_end = m.t_s + models::kAppWindowS;
      for (; mig && next_rate < mig->dirty_rate.size() && mig->dirty_rate[next_rate].first <= w_end; ++next_rate) {
        qemu_rate = mig->dirty_rate[next_rate].second;
      }
      if (mig && w_end > mig->start_s && m.t_s < mig->end_s) {
        out << ',' << cell(qemu_rate) << ',' << cell(mig->measured.config.dirty_pages_per_sec);
      } else {
        out << ",,";
      }
      out << '\n';
    }
  }
  return out.str();
}

}  // namespace migsim::validation
