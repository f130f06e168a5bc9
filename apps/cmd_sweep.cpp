// `migsim sweep`: predict every point of a parameter sweep, in parallel.
// The spec is one case of `migsim predict --batch` in which every list-valued field is a
// sweep axis (OpenDC style); the points are the cartesian product of the axes.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "apps/commands.hpp"
#include "experiments/point_runner.hpp"
#include "models/migration_model.hpp"
#include "models/model_registry.hpp"
#include "models/prediction_json.hpp"
#include "models/scenario_json.hpp"
#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "sim/sweep_expansion.hpp"
#include "traces/atomic_file.hpp"

namespace migsim::cli {

namespace {

struct SweepOptions {
  std::string spec, out, model = models::kDefaultModel, profile, jobs = "0";
  bool json = false, quiet = false;
};

struct PointResult {
  nlohmann::json coordinates;
  std::vector<models::Prediction> predictions;  // one per model
};

nlohmann::json summary_of(const models::Prediction& p) {
  nlohmann::json j = models::to_json(p);
  j.erase("iteration_detail");
  return j;
}

int run_sweep(const SweepOptions& o) {
  const nlohmann::json doc = read_json_file(o.spec);
  if (!doc.is_object()) throw InputError(o.spec + ": expected a JSON object (one case whose list-valued fields are axes)");
  nlohmann::json spec = doc;
  spec.erase("name");
  spec.erase("note");
  const auto points = expand_sweep(spec, {"dirty_rate_series"}, o.spec);

  models::MigrationScenario defaults;
  if (!o.profile.empty()) defaults.host = models::read_host_profile_file(o.profile);
  // Parse and check every point before any work, so a bad value fails fast.
  std::vector<models::MigrationScenario> scenarios;
  scenarios.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    JsonObject obj(points[i].spec, o.spec + " point " + std::to_string(i) + " " +
                                       points[i].coordinates.dump());
    models::MigrationScenario sc = models::scenario_from_json(obj, defaults);
    obj.finish();
    sc.options.record_iterations = false;
    scenarios.push_back(sc);
  }
  const auto ms = models_for_flag("--model", o.model);

  const unsigned jobs = worker_threads("--jobs", o.jobs, points.size());

  std::vector<PointResult> results(points.size());
  std::atomic<std::size_t> done{0};
  const bool progress = !o.quiet && isatty(STDERR_FILENO);
  const auto failures = experiments::run_points(
      points.size(), jobs,
      [&](std::size_t i) {
        PointResult r{points[i].coordinates, {}};
        for (const auto& m : ms) r.predictions.push_back(m->predict(scenarios[i]));
        results[i] = std::move(r);
      },
      [&](std::size_t) {
        const std::size_t d = done.fetch_add(1) + 1;
        if (progress) std::fprintf(stderr, "\rsweep: %zu/%zu points", d, points.size());
      });
  if (progress) std::fprintf(stderr, "\n");
  experiments::rethrow_first_failure(failures, [&](std::size_t i) {
    return o.spec + " point " + std::to_string(i) + " " + points[i].coordinates.dump();
  });

  std::ostringstream lines;
  for (std::size_t i = 0; i < results.size(); ++i) {
    for (const auto& p : results[i].predictions) {
      nlohmann::json j{{"point", i}, {"coordinates", results[i].coordinates}};
      j.update(summary_of(p));
      lines << j.dump() << "\n";
    }
  }
  if (!o.out.empty()) {
    traces::write_file_atomically(o.out, lines.str());
    std::cerr << "sweep: " << points.size() << " points x " << ms.size() << " model(s) -> "
              << o.out << "\n";
    return 0;
  }
  if (o.json) {
    std::cout << lines.str();
    return 0;
  }
  std::printf("%-6s %-13s %5s %12s %11s %11s %6s  %s\n", "point", "model", "conv", "total ms",
              "downtime ms", "sent MiB", "syncs", "coordinates");
  for (std::size_t i = 0; i < results.size(); ++i) {
    for (const auto& p : results[i].predictions) {
      std::printf("%-6zu %-13s %5s %12.1f %11.1f %11.1f %6d  %s\n", i, p.model.c_str(),
                  p.converged ? "yes" : "NO", p.total_time_ms, p.downtime_ms,
                  p.transferred_bytes / models::kMiB, p.dirty_syncs,
                  results[i].coordinates.dump().c_str());
    }
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
