// `migsim predict`: one pre-copy migration (or a batch file of them), predicted
// by the QEMU-faithful model, optionally next to the baselines.
#include <cmath>
#include <cstdio>
#include <optional>
#include <iostream>
#include <memory>
#include <sstream>

#include "apps/commands.hpp"
#include "experiments/prediction_batch.hpp"
#include "models/app_impact_model.hpp"
#include "models/app_model_registry.hpp"
#include "models/app_params.hpp"
#include "models/migration_model.hpp"
#include "models/model_registry.hpp"
#include "models/prediction_document.hpp"
#include "models/prediction_json.hpp"
#include "models/scenario_json.hpp"
#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "sim/name_list.hpp"

namespace migsim::cli {

namespace {

struct PredictOptions {
  std::string ram, nonzero, wss, rate = "0", bandwidth = "128", downtime = "300";
  std::string link, horizon = "600", pattern = "sequential", pacing = "cpu";
  std::string hot_fraction = "0.1", hot_share = "0.9";
  std::string throttle_initial = "20", throttle_increment = "10", throttle_max = "99",
              throttle_trigger = "50";
  bool auto_converge = false, tailslow = false, json = false, no_detail = false;
  std::string profile, batch, model = models::kDefaultModel, jobs = "0";
  std::string app, app_model = models::kDefaultAppModel;
};

std::string flag_of(const char* key) {
  std::string f = "--";
  for (const char* c = key; *c; ++c) f += (*c == '_') ? '-' : *c;
  // The one JSON key spelled differently from its flag.
  if (f == "--max-cpu-throttle-pct") return "--max-throttle-pct";
  return f;
}

models::MigrationScenario scenario_from_flags(const PredictOptions& o) {
  models::MigrationScenario sc;
  if (!o.profile.empty()) sc.host = models::read_host_profile_file(o.profile);
  if (o.ram.empty()) throw InputError("--ram-mib is required (the guest's RAM in MiB)");
  sc.memory.ram_mib = parse_positive("--ram-mib", o.ram);
  sc.memory.nonzero_mib =
      o.nonzero.empty() ? sc.memory.ram_mib : parse_non_negative("--nonzero-mib", o.nonzero);
  auto& w = sc.workload;
  w.wss_mib = o.wss.empty() ? 0.0 : parse_non_negative("--wss-mib", o.wss);
  w.pages_per_sec = parse_non_negative("--dirty-pages-per-sec", o.rate);
  w.pattern = models::parse_dirty_pattern(o.pattern, "--dirty-pattern");
  w.pacing = models::parse_pacing(o.pacing, "--pacing");
  w.hot_fraction = parse_positive("--hot-fraction", o.hot_fraction);
  w.hot_write_share = parse_non_negative("--hot-write-share", o.hot_share);
  auto& q = sc.qemu;
  q.max_bandwidth_mibps =
      o.bandwidth == "unlimited" ? 0.0 : parse_positive("--max-bandwidth-mibps", o.bandwidth);
  q.downtime_limit_ms = parse_positive("--downtime-limit-ms", o.downtime);
  q.auto_converge = o.auto_converge;
  q.cpu_throttle_tailslow = o.tailslow;
  q.cpu_throttle_initial_pct = parse_percent("--throttle-initial-pct", o.throttle_initial);
  q.cpu_throttle_increment_pct = parse_percent("--throttle-increment-pct", o.throttle_increment);
  q.max_cpu_throttle_pct = parse_percent("--max-throttle-pct", o.throttle_max);
  q.throttle_trigger_threshold_pct =
      parse_positive("--throttle-trigger-threshold-pct", o.throttle_trigger);
  if (!o.link.empty()) sc.host.link_mibps = parse_positive("--link-mibps", o.link);
  sc.options.horizon_s = parse_positive("--horizon-s", o.horizon);
  sc.options.record_iterations = !o.no_detail;
  models::check_scenario(sc, flag_of);
  return sc;
}

std::string num(double v, int precision = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", precision, v);
  return buf;
}

void print_table(const models::Prediction& p, std::ostream& out) {
  const double mib = models::kMiB;
  out << "model            " << p.model << "\n"
      << "converged        " << (p.converged ? "yes" : "NO (cancelled at the horizon)") << "\n"
      << "total time       " << num(p.total_time_ms) << " ms\n"
      << "downtime         " << num(p.downtime_ms) << " ms\n"
      << "setup            " << num(p.setup_time_ms) << " ms\n"
      << "transferred      " << num(p.transferred_bytes / mib) << " MiB ("
      << num(p.normal_pages, 0) << " normal pages, " << num(p.zero_pages, 0) << " zero pages)\n"
      << "dirty syncs      " << p.dirty_syncs << "\n"
      << "iterations       " << p.iterations << "\n"
      << "final throttle   " << num(p.final_throttle_pct, 0) << " %\n";
  if (p.iteration_log.empty()) return;
  out << "\n  round   start ms  duration ms  dirty@sync  pages sent  zero pages   sent MiB"
         "  threshold MiB  throttle\n";
  const std::size_t n = p.iteration_log.size();
  for (std::size_t i = 0; i < n; ++i) {
    // Long non-converging runs: show the first and last rounds only.
    if (n > 24 && i == 10) {
      out << "  ... " << (n - 20) << " more rounds ...\n";
      i = n - 10;
    }
    const auto& it = p.iteration_log[i];
    char line[200];
    std::snprintf(line, sizeof line, "  %5d%s %10.1f %12.1f %11.0f %11.0f %11.0f %10.2f %14.2f %8.0f%%\n",
                  it.index, it.stop_and_copy ? "*" : " ", it.start_ms, it.duration_ms,
                  it.dirty_pages_at_sync, it.pages_sent, it.zero_pages_sent, it.bytes_sent / mib,
                  it.threshold_bytes / mib, it.throttle_pct);
    out << line;
  }
  out << "  (* = stop-and-copy, guest paused)\n";
}

// --app: what the application's users see around this migration (models/app_impact_model.hpp).
struct AppRun {
  models::AppParams params;
  std::unique_ptr<models::AppImpactModel> model;
};

models::AppImpact predict_app(const AppRun& a, const models::Prediction& p) {
  const auto timeline = models::timeline_from_prediction(p, a.params.warmup_s);
  return models::app_impact(*a.model, a.params, timeline, models::predict_end_s(a.params, timeline));
}

void print_app(const AppRun& a, const models::AppImpact& x, std::ostream& out) {
  const auto& s = x.summary;
  out << "\napp (" << a.model->name() << ", " << num(a.params.arrival_rps, 0) << " requests/s, service "
      << num(a.params.service_ms) << " ms, SLO " << num(a.params.slo_ms, 0) << " ms; migrate at "
      << num(a.params.warmup_s) << " s of " << num(x.end_s) << " s of load)\n"
      << "  requests       " << s.requests << " (" << s.requests_over_slo << " over the SLO, " << s.timeouts
      << " timeouts)\n"
      << "  p50 / p99      " << num(s.p50_ms) << " / " << num(s.p99_ms) << " ms\n"
      << "  p99 migrating  " << (s.p99_during_ms && std::isfinite(*s.p99_during_ms) ? num(*s.p99_during_ms) : std::string("-"))
      << " ms\n"
      << "  longest stall  " << num(s.max_stall_ms) << " ms\n";
}

int run_batch(const PredictOptions& o, const models::MigrationScenario& defaults) {
  const auto ms = models_for_flag("--model", o.model);
  // Threads: at most one per 256 cases (a block), and all cores by default.
  const unsigned jobs = worker_threads("--jobs", o.jobs, 1u << 20);
  const auto cases = experiments::read_prediction_cases(o.batch, defaults, jobs);
  std::vector<const models::MigrationModel*> models;
  for (const auto& m : ms) models.push_back(m.get());
  experiments::BatchOutputOptions out;
  out.json = o.json;
  out.detail = !o.no_detail;
  out.jobs = jobs;
  experiments::predict_cases(cases, models, out, stdout_sink());
  return 0;
}

int run_predict(const PredictOptions& o) {
  std::optional<AppRun> app;
  if (!o.app.empty()) {
    if (!o.batch.empty()) throw InputError("--app: not with --batch (one migration at a time)");
    app = AppRun{models::read_app_params_file(o.app), models::make_app_model(o.app_model)};
    if (!app->model) {
      throw InputError("--app-model: unknown value \"" + o.app_model + "\" (expected one of: " +
                       join_names(models::app_model_names()) + ")");
    }
  }
  if (!o.batch.empty()) {
    models::MigrationScenario defaults;
    if (!o.profile.empty()) defaults.host = models::read_host_profile_file(o.profile);
    if (!o.link.empty()) defaults.host.link_mibps = parse_positive("--link-mibps", o.link);
    return run_batch(o, defaults);
  }
  const models::MigrationScenario sc = scenario_from_flags(o);
  const auto ms = models_for_flag("--model", o.model);
  if (o.json) {
    print_json(models::prediction_document(sc, ms, [&](nlohmann::json& j, const models::Prediction& p) {
                 if (app) j["app"] = models::app_json(predict_app(*app, p));
               }).dump(2));
    return 0;
  }
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (i) std::cout << "\n";
    const models::Prediction p = ms[i]->predict(sc);
    print_table(p, std::cout);
    if (app) print_app(*app, predict_app(*app, p), std::cout);
  }
  return 0;
}

}  // namespace

void add_predict_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterPredict(10, "predict", add_predict_command);

void add_predict_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<PredictOptions>();
  CLI::App* sub = app.add_subcommand(
      "predict",
      "Predict one QEMU pre-copy live migration: total time, downtime, bytes, dirty syncs.");
  sub->footer(
      "Sizes are MiB, rates MiB/s (1 MiB = 1048576 bytes), pages are 4 KiB.\n"
      "Defaults are QEMU 7.2's: max-bandwidth 128 MiB/s, downtime-limit 300 ms,\n"
      "auto-converge off (initial 20%, step 10%, max 99%).\n\n"
      "Examples:\n"
      "  migsim predict --ram-mib 512 --nonzero-mib 139 --wss-mib 64 \\\n"
      "      --dirty-pages-per-sec 5000 --max-bandwidth-mibps 100 --downtime-limit-ms 300\n"
      "  migsim predict --ram-mib 4096 --wss-mib 1024 --dirty-pages-per-sec 60000 \\\n"
      "      --auto-converge --json\n"
      "  migsim predict --batch scenarios/typical-vms.json --model all\n\n"
      "Models (--model):\n" + models::predictor_help());
  sub->add_option("--ram-mib", o->ram, "Guest RAM (MiB); required unless --batch");
  sub->add_option("--nonzero-mib", o->nonzero,
                  "Memory that is not all-zero at the start (MiB; default: all of it)");
  sub->add_option("--wss-mib", o->wss, "Writable working set the guest dirties (MiB)");
  sub->add_option("--dirty-pages-per-sec", o->rate, "Page writes per second (default 0)");
  sub->add_option("--dirty-pattern", o->pattern,
                  "How writes cover the WSS: sequential (default), uniform, hotcold");
  sub->add_option("--pacing", o->pacing,
                  "cpu (default: throttling slows the writer) or wall (guest-clock paced writer "
                  "that catches up)");
  sub->add_option("--hot-fraction", o->hot_fraction, "hotcold: hot share of the WSS (0.1)");
  sub->add_option("--hot-write-share", o->hot_share, "hotcold: share of writes to the hot set (0.9)");
  sub->add_option("--max-bandwidth-mibps", o->bandwidth,
                  "QEMU max-bandwidth in MiB/s, or 'unlimited' (default 128)");
  sub->add_option("--downtime-limit-ms", o->downtime, "QEMU downtime-limit (default 300)");
  sub->add_flag("--auto-converge", o->auto_converge, "Enable the auto-converge capability");
  sub->add_option("--throttle-initial-pct", o->throttle_initial, "cpu-throttle-initial (20)");
  sub->add_option("--throttle-increment-pct", o->throttle_increment,
                  "cpu-throttle-increment (10)");
  sub->add_option("--max-throttle-pct", o->throttle_max, "max-cpu-throttle (99)");
  sub->add_option("--throttle-trigger-threshold-pct", o->throttle_trigger,
                  "throttle-trigger-threshold (50)");
  sub->add_flag("--tailslow", o->tailslow, "cpu-throttle-tailslow");
  sub->add_option("--link-mibps", o->link,
                  "Speed of the path when not rate limited, e.g. the stop-and-copy "
                  "(default 1192 = 10 Gbit/s, or the --profile's)");
  sub->add_option("--horizon-s", o->horizon,
                  "Report converged=false if not done by then (default 600)");
  sub->add_option("--profile", o->profile,
                  "Host profile JSON (from 'migsim calibrate') with measured costs");
  sub->add_option("--model", o->model, model_flag_help());
  sub->add_option("--batch", o->batch,
                  "JSON file {\"cases\": [{\"name\":..., \"ram_mib\":..., ...}]}; keys are the "
                  "flags' names with underscores");
  sub->add_option("--jobs", o->jobs, "--batch: worker threads (default: all cores)");
  sub->add_option("--app", o->app,
                  "APP.json (arrival_rps, service_ms, slo_ms, ...; README 'Application impact'): also "
                  "predict what the web application's requests see (JSON: \"app\")");
  sub->add_option("--app-model", o->app_model, "--app: queue (default) or downtime-only");
  sub->add_flag("--json", o->json, "Print one JSON object instead of a table");
  sub->add_flag("--no-detail", o->no_detail, "Leave out the per-iteration detail");
  sub->callback([o, &action] { action = [o] { return run_predict(*o); }; });
}

}  // namespace migsim::cli
