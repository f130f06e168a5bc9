// migsim calibrate: fit a host profile on every migration of real logs, and
// estimate by cross-validation how well such a profile predicts unseen ones.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "models/scenario_json.hpp"
#include "traces/atomic_file.hpp"
#include "validation/accuracy_report.hpp"
#include "validation/calibration_report.hpp"

namespace migsim::cli {

namespace {

struct CalibrateOptions {
  std::vector<std::string> logs;
  std::string out;
  int folds = 3;
  bool json = false;
};

int run_calibrate(const CalibrateOptions& o) {
  const validation::Calibration c = validation::calibrate_on_logs(o.logs, o.folds);
  traces::write_file_atomically(o.out, validation::profile_of(c).dump(2) + "\n");
  if (o.json) {
    print_json(validation::to_json(c, o.out).dump(2));
    return 0;
  }
  const auto& cv = c.cv;
  const auto& tuned = c.tuned;
  const auto& names = c.logs;
  std::cout << "calibrated on " << c.migrations << " migrations (" << cv.configurations
            << " configurations) of " << names << "\nprofile written to " << o.out
            << " (use: migsim predict --profile " << o.out << ")\n\n"
            << cv.folds << "-fold cross-validation by configuration (each fold predicted by a profile "
            << "calibrated on the other folds):\n"
            << validation::score_table_header();
  for (const auto& model : validation::model_names()) {
    std::cout << validation::score_line(model, cv.scores.at(model));
  }
  std::cout << "\nprofile: " << models::to_json(tuned.host).dump() << "\n";
  return 0;
}

}  // namespace

void add_calibrate_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterCalibrate(65, "calibrate", add_calibrate_command);

void add_calibrate_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* c = app.add_subcommand(
      "calibrate",
      "Fit a host profile (copy ceilings, zero-page cost, sync cost, stop-and-copy speed, setup "
      "time, guest OS footprint) on EVERY migration of real logs, write it for 'migsim predict "
      "--profile', and estimate by k-fold cross-validation how well it predicts migrations it "
      "has not seen. Logs: JSON lines from 'migsim validate record'.");
  c->add_option("log", o->logs, "Migration log(s) (JSON lines, several read as one)")->required();
  c->add_option("--out", o->out, "Profile JSON to write (atomically)")->required();
  c->add_option("--folds", o->folds,
                "Cross-validation folds; a configuration's repeats stay in one fold")
      ->capture_default_str();
  c->add_flag("--json", o->json,
              "Print one object: profile_file, migrations, configurations, folds, profile, fit, "
              "cross_validation{model: cases, convergence_correct, "
              "total_time_mape_pct, bytes_mape_pct, downtime_median_abs_err_ms, downtime_median_rel_err_pct}");
  c->footer(
      "Least squares (Eigen) for setup time and the guest OS footprint, Nelder-Mead through the\n"
      "model for the rest ('migsim validate tune' fits on split=train records only).\n\n"
      "Examples:\n"
      "  migsim calibrate validation/data/tcg-loopback-quiet*.jsonl --out my-host.json\n"
      "  migsim calibrate my-migrations.jsonl --out my-host.json --folds 5 --json\n"
      "  migsim predict --ram-mib 4096 --wss-mib 512 --dirty-pages-per-sec 20000 --profile my-host.json\n");
  c->callback([o, &action] { action = [o] { return run_calibrate(*o); }; });
}

}  // namespace migsim::cli
