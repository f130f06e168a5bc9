// `migsim sweep`: predict every point of a parameter sweep, in parallel.
// The spec is one case of `migsim predict --batch` in which every list-valued field is a
// sweep axis (OpenDC style); the points are the cartesian product of the axes.
#include <cstdio>
#include <iostream>
#include <memory>

#include "apps/commands.hpp"
#include "apps/progress_line.hpp"
#include "experiments/prediction_batch.hpp"
#include "models/migration_model.hpp"
#include "models/model_registry.hpp"
#include "models/scenario_json.hpp"
#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "traces/atomic_file.hpp"

namespace migsim::cli {

namespace {

struct SweepOptions {
  std::string spec, out, model = models::kDefaultModel, profile, jobs = "0";
  bool json = false, quiet = false;
};

int run_sweep(const SweepOptions& o) {
  const nlohmann::json doc = read_json_file(o.spec);
  models::MigrationScenario defaults;
  if (!o.profile.empty()) defaults.host = models::read_host_profile_file(o.profile);
  const unsigned jobs = worker_threads("--jobs", o.jobs, 1u << 20);
  // Parses and checks every point before any work, so a bad value fails fast.
  const experiments::PredictionSweep sweep(doc, o.spec, defaults, jobs);
  const auto ms = models_for_flag("--model", o.model);
  std::vector<const models::MigrationModel*> models;
  for (const auto& m : ms) models.push_back(m.get());

  experiments::SweepOutputOptions out;
  out.json = o.json || !o.out.empty();
  out.jobs = jobs;
  ProgressLine progress("sweep", "points", progress_wanted(o.quiet));
  if (progress_wanted(o.quiet)) {
    out.progress = [&](std::size_t d) {
      progress.update(static_cast<double>(d), static_cast<double>(sweep.size()));
    };
  }
  if (o.out.empty()) {
    experiments::predict_sweep(sweep, models, out, stdout_sink());
    progress.finish();
  } else {
    traces::AtomicFileSink file(o.out);
    experiments::predict_sweep(sweep, models, out, file.sink());
    progress.finish();
    file.commit();
    std::cerr << "sweep: " << sweep.size() << " points x " << ms.size() << " model(s) -> "
              << o.out << "\n";
  }
  return 0;
}

}  // namespace

void add_sweep_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterSweep(60, "sweep", add_sweep_command);

void add_sweep_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* sub = app.add_subcommand(
      "sweep", "Predict every point of a parameter sweep of one migration case, in parallel.");
  sub->footer(
      "SPEC is one case of 'migsim predict --batch' (keys: the predict flags with underscores).\n"
      "Every list-valued field is a sweep axis; the points are the cartesian product of the\n"
      "axes (axes in key order, the last varying fastest). dirty_rate_series is an axis only\n"
      "as a list of series. Results come in point order whatever --jobs is.\n\n"
      "Example (scenarios/sweep-example.json: 4 rates x 3 bandwidths x 2 limits = 24 points):\n"
      "  migsim sweep scenarios/sweep-example.json --model all --out sweep.jsonl\n\n"
      "Models (--model):\n" + models::predictor_help());
  sub->add_option("spec", o->spec, "Sweep spec (JSON)")->required();
  sub->add_option("--jobs", o->jobs, "Worker threads (default: all cores)");
  sub->add_option("--model", o->model, model_flag_help());
  sub->add_option("--profile", o->profile, "Host profile JSON (from 'migsim calibrate')");
  sub->add_option("--out", o->out, "Write JSON lines (one per point and model) atomically here");
  sub->add_flag("--json", o->json, "Print JSON lines on stdout instead of a table");
  sub->add_flag("--quiet", o->quiet, "No progress on stderr");
  sub->callback([o, &action] { action = [o] { return run_sweep(*o); }; });
}

}  // namespace migsim::cli
